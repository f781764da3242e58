/**
 * A strict exception group: Python's `ExceptionGroup` for TypeScript.
 *
 * A task group always throws one of these when any of its tasks (or its body) failed,
 * even for a single failure, so callers handle one shape. Nested groups stay nested.
 *
 * @module
 */

/** A class of errors, or a predicate over errors, used to pick errors out of a group. */
export type ErrorMatcher =
  // deno-lint-ignore no-explicit-any
  | (abstract new (...args: any[]) => unknown)
  | ((err: unknown) => boolean);

function toPredicate(matcher: ErrorMatcher): (err: unknown) => boolean {
  if (typeof matcher !== "function") {
    throw new TypeError("matcher must be an error class or a predicate function");
  }
  // An error class has a prototype that is (or derives from) Error.prototype; an arrow
  // function has no prototype and a plain function's prototype is an empty object.
  const proto = (matcher as { prototype?: unknown }).prototype;
  if (proto instanceof Error || proto === Error.prototype) {
    const cls = matcher as abstract new (...args: never[]) => unknown;
    return (err) => err instanceof cls;
  }
  return matcher as (err: unknown) => boolean;
}

/**
 * A group of errors raised together, typically by a task group.
 *
 * It extends `AggregateError`, so `errors` holds the members; `exceptions` is the same
 * list under Python's name. `split()` and `subgroup()` pick members out by class or
 * predicate and keep the nesting of inner groups.
 *
 * @example
 * ```ts
 * import { ExceptionGroup, withTaskGroup } from "structio";
 *
 * try {
 *   await withTaskGroup(async (tg) => {
 *     tg.startSoon(async () => { throw new TypeError("bad"); });
 *     tg.startSoon(async () => { throw new RangeError("far"); });
 *   });
 * } catch (err) {
 *   if (err instanceof ExceptionGroup) {
 *     const [typeErrors, rest] = err.split(TypeError);
 *     console.log(typeErrors?.errors.length, rest?.errors.length); // 1 1
 *   }
 * }
 * ```
 */
export class ExceptionGroup<E = unknown> extends AggregateError {
  declare readonly errors: E[];

  constructor(message: string, errors: Iterable<E>) {
    if (typeof message !== "string") {
      throw new TypeError("message must be a string");
    }
    const list = errors == null ? undefined : Array.from(errors);
    if (list === undefined || list.length === 0) {
      throw new TypeError("errors must be a non-empty iterable of errors");
    }
    super(list, `${message} (${list.length} sub-exception${list.length === 1 ? "" : "s"})`);
    Object.defineProperty(this, "errors", { value: Object.freeze(list), enumerable: false });
    this.name = "ExceptionGroup";
    this.groupMessage = message;
  }

  /** The message without the count of sub-exceptions. */
  readonly groupMessage: string;

  /** The member errors (the same list as `errors`). */
  get exceptions(): readonly E[] {
    return this.errors;
  }

  /**
   * Makes a group with the same message and class around other errors. `split()` and
   * `subgroup()` use it, so a subclass that takes other constructor arguments overrides it.
   */
  derive<F>(errors: F[]): ExceptionGroup<F> {
    return new ExceptionGroup(this.groupMessage, errors);
  }

  /**
   * Splits the group in two: the members that match and the rest, each `undefined` when
   * empty. Inner groups are split recursively; a group that matches as a whole goes whole.
   */
  split(matcher: ErrorMatcher): [ExceptionGroup<E> | undefined, ExceptionGroup<E> | undefined] {
    const matches = toPredicate(matcher);
    return splitWith(this, matches);
  }

  /** The members that match, keeping the nesting, or `undefined` when none does. */
  subgroup(matcher: ErrorMatcher): ExceptionGroup<E> | undefined {
    return this.split(matcher)[0];
  }
}

function splitWith<E>(
  group: ExceptionGroup<E>,
  matches: (err: unknown) => boolean,
): [ExceptionGroup<E> | undefined, ExceptionGroup<E> | undefined] {
  if (matches(group)) return [group, undefined];
  const matched: E[] = [];
  const rest: E[] = [];
  for (const err of group.errors) {
    if (err instanceof ExceptionGroup) {
      const [m, r] = splitWith(err as ExceptionGroup<E>, matches);
      if (m !== undefined) matched.push(m as E);
      if (r !== undefined) rest.push(r as E);
    } else if (matches(err)) {
      matched.push(err);
    } else {
      rest.push(err);
    }
  }
  const keep = (list: E[]) =>
    list.length === 0 ? undefined : copyContext(group, group.derive(list));
  return [keep(matched), keep(rest)];
}

/** A derived group keeps the original's cause and stack, as Python's `split()` does. */
function copyContext<E>(from: ExceptionGroup<E>, to: ExceptionGroup<E>): ExceptionGroup<E> {
  if ("cause" in from) {
    Object.defineProperty(to, "cause", { value: from.cause, configurable: true, writable: true });
  }
  if (from.stack !== undefined) to.stack = from.stack;
  return to;
}
