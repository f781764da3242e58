/**
 * The options and argument checks shared by the concurrency helpers.
 *
 * @module
 */
import { checkCount, checkOptions } from "../sync/checks.ts";

/**
 * Options of {@link gather}, {@link amap} and {@link asCompleted}.
 *
 * @example
 * ```ts
 * import { amap, type ConcurrencyOptions } from "structio";
 *
 * const options: ConcurrencyOptions = { concurrency: 4 };
 * const lengths = await amap(["a", "bb", "ccc"], async (s) => s.length, options);
 * console.log(lengths); // [1, 2, 3]
 * ```
 */
export interface ConcurrencyOptions {
  /**
   * How many calls may run at once: a whole number >= 1, or `Infinity` (the default).
   * Inputs are pulled only when a call may start, so it also bounds how many inputs
   * are held at once.
   */
  concurrency?: number;
}

/** What the helpers take as inputs: a sync or an async iterable. */
export type Inputs<T> = Iterable<T> | AsyncIterable<T>;

/**
 * Returns the concurrency limit of `options` (`Infinity` when not given). Not an object,
 * or a limit that is not a number, is a TypeError; NaN, fractions and numbers below 1
 * are a RangeError naming `concurrency`.
 */
export function readConcurrency(options: ConcurrencyOptions | undefined): number {
  const { concurrency } = checkOptions(options);
  return concurrency === undefined ? Infinity : checkCount(concurrency, "concurrency", 1, true);
}

/** Throws a TypeError naming `name` unless `value` is an iterable or an async iterable. */
export function checkInputs(value: unknown, name: string): void {
  if (value !== null && value !== undefined) {
    const object = value as Partial<Iterable<unknown> & AsyncIterable<unknown>>;
    if (typeof object[Symbol.asyncIterator] === "function" || typeof object[Symbol.iterator] === "function") return;
  }
  const what = value === null ? "null" : typeof value;
  throw new TypeError(`${name} must be an iterable or an async iterable, not ${what}`);
}

/**
 * Throws a TypeError naming the first element of `fns` that is not a function, when
 * `fns` is an array: the one kind of input that can be checked at the call without
 * pulling anything. Other iterables are checked as their elements are pulled.
 */
export function checkFunctionsInArray(fns: unknown): void {
  if (!Array.isArray(fns)) return;
  for (let i = 0; i < fns.length; i++) {
    if (typeof fns[i] !== "function") {
      throw new TypeError(`fns[${i}] must be a function, not ${fns[i] === null ? "null" : typeof fns[i]}`);
    }
  }
}

/** Calls a function pulled from `fns`; one that is not a function fails its task. */
export function callPulled<T>(fn: () => T | PromiseLike<T>, index: number): T | PromiseLike<T> {
  if (typeof fn !== "function") {
    throw new TypeError(`element ${index} of fns must be a function, not ${fn === null ? "null" : typeof fn}`);
  }
  return fn();
}
