/**
 * Timeouts: cancel scopes with a deadline, entered around a callback.
 *
 * @module
 */
import { CancelScope, checkDeadline } from "./cancel-scope.ts";
import { currentScope } from "./context.ts";
import { TimeoutError } from "./errors.ts";

/** Options shared by the timeout helpers. */
export interface TimeoutOptions {
  /** Shield the body from cancellation from outside (the deadline still applies). */
  shield?: boolean;
}

function deadlineAfter(ms: number): number {
  checkDeadline(ms, "ms");
  return currentScope()._task!._runner.backend.now() + ms;
}

/**
 * Runs `fn` and cancels it if it is still running at the clock value `deadline`.
 * Returns `fn`'s result, or `undefined` if the deadline cut it short; the scope passed
 * to `fn` tells which (`cancelledCaught`).
 *
 * @example
 * ```ts
 * import { currentTime, moveOnAt, sleep } from "structio";
 *
 * const result = await moveOnAt(currentTime() + 50, async () => {
 *   await sleep(1000);
 *   return "done";
 * });
 * console.log(result); // undefined
 * ```
 */
export function moveOnAt<T>(
  deadline: number,
  fn: (scope: CancelScope) => T | PromiseLike<T>,
  options: TimeoutOptions = {},
): Promise<T | undefined> {
  return new CancelScope({ deadline, shield: options.shield ?? false }).run(fn);
}

/**
 * Runs `fn` and cancels it if it is still running after `ms` milliseconds. Returns
 * `fn`'s result, or `undefined` if the timeout cut it short.
 *
 * @example
 * ```ts
 * import { moveOnAfter, sleep } from "structio";
 *
 * await moveOnAfter(50, async (scope) => {
 *   await sleep(1000);
 * });
 * ```
 */
export function moveOnAfter<T>(
  ms: number,
  fn: (scope: CancelScope) => T | PromiseLike<T>,
  options: TimeoutOptions = {},
): Promise<T | undefined> {
  return moveOnAt(deadlineAfter(ms), fn, options);
}

/**
 * Runs `fn` and raises {@link TimeoutError} if it is still running at `deadline`.
 * Only the deadline raises: if the scope was cancelled by other means, `failAt`
 * returns `undefined` like {@link moveOnAt}.
 *
 * @example
 * ```ts
 * import { currentTime, failAt, sleep } from "structio";
 *
 * await failAt(currentTime() + 1000, () => sleep(10)); // fine
 * ```
 */
export async function failAt<T>(
  deadline: number,
  fn: (scope: CancelScope) => T | PromiseLike<T>,
  options: TimeoutOptions = {},
): Promise<T> {
  const scope = new CancelScope({ deadline, shield: options.shield ?? false });
  const result = await scope.run(fn);
  if (scope.cancelledCaught && scope.cancelledByDeadline) throw new TimeoutError();
  return result as T;
}

/**
 * Runs `fn` and raises {@link TimeoutError} if it is still running after `ms`
 * milliseconds.
 *
 * @example
 * ```ts
 * import { failAfter, TimeoutError } from "structio";
 *
 * try {
 *   await failAfter(100, () => fetchSomething());
 * } catch (err) {
 *   if (err instanceof TimeoutError) console.log("gave up");
 *   else throw err;
 * }
 * ```
 */
export function failAfter<T>(
  ms: number,
  fn: (scope: CancelScope) => T | PromiseLike<T>,
  options: TimeoutOptions = {},
): Promise<T> {
  return failAt(deadlineAfter(ms), fn, options);
}

/**
 * The earliest deadline that applies here: the nearest of the deadlines of the enclosing
 * scopes up to the first shield. `-Infinity` when already cancelled, `Infinity` when
 * there is no deadline.
 *
 * @example
 * ```ts
 * import { currentEffectiveDeadline, moveOnAfter } from "structio";
 *
 * await moveOnAfter(1000, async () => {
 *   console.log(currentEffectiveDeadline()); // about currentTime() + 1000
 * });
 * ```
 */
export function currentEffectiveDeadline(): number {
  let scope: CancelScope | null = currentScope();
  if (scope._effective) return -Infinity;
  let deadline = Infinity;
  while (scope !== null) {
    deadline = Math.min(deadline, scope.deadline);
    if (scope.shield) break;
    scope = scope._parent;
  }
  return deadline;
}
