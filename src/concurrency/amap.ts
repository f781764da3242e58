/**
 * amap(): an async function applied to every input, concurrently, with the results in
 * input order. AnyIO's `amap`.
 *
 * @module
 */
import { withTaskGroup } from "../core/task-group.ts";
import { checkFunction } from "../sync/checks.ts";
import { checkInputs, type ConcurrencyOptions, type Inputs, readConcurrency } from "./options.ts";
import { spawnEach } from "./spawn-each.ts";

/**
 * Calls `fn(item, index)` for every item of `items`, each call in a task of its own,
 * at most `options.concurrency` at once, and returns the results in the order of the
 * inputs (not the order in which the calls finished).
 *
 * `items` may be any iterable or async iterable. Inputs are pulled only when a call may
 * start, so with a `concurrency` of n at most n inputs are held at once, and an endless
 * or slow async iterable is consumed only as fast as the calls finish. The pull from an
 * async iterable is awaited as it is: structio streams and generators that wait on
 * structio calls are cancellable, a foreign one is waited for.
 *
 * Failures follow task-group rules: the first failed call (or a failed pull from
 * `items`) cancels the others and the pulling, and once they have all stopped `amap`
 * throws one {@link ExceptionGroup} holding every failure. Cancelling the caller
 * cancels every call. Nothing started by `amap` is still running when it returns or
 * throws.
 *
 * @param items the inputs.
 * @param fn called with each input and its position; may return a value or a promise.
 * @param options `concurrency`: how many calls may run at once (default `Infinity`).
 * @returns the results, `results[i]` being `fn`'s result for the i-th input.
 * @throws {TypeError} if `items` is not iterable or `fn` not a function (rejects).
 * @throws {RangeError} if `concurrency` is not a whole number >= 1 or `Infinity` (rejects).
 * @throws {ExceptionGroup} with every failure, if any call or pull failed.
 *
 * @example
 * ```ts
 * import { amap, sleep } from "structio";
 *
 * const lengths = await amap(["a", "bbb", "cc"], async (word) => {
 *   await sleep(10 * word.length); // the longest word finishes last...
 *   return word.length;
 * }, { concurrency: 2 });
 * console.log(lengths); // [1, 3, 2]: ...but results come in input order
 * ```
 */
export async function amap<I, R>(
  items: Inputs<I>,
  fn: (item: I, index: number) => R | PromiseLike<R>,
  options?: ConcurrencyOptions,
): Promise<Awaited<R>[]> {
  checkInputs(items, "items");
  checkFunction(fn, "fn");
  const limit = readConcurrency(options);
  const results: Awaited<R>[] = [];
  const name = typeof fn.name === "string" && fn.name !== "" ? fn.name : "amap";
  // Each task writes its own slot, so the order of the results is the order of the
  // inputs whatever the order of completion. The array is read only once the group has
  // returned normally, that is once every task has written its slot.
  await withTaskGroup((tg) =>
    spawnEach(tg, items, fn, limit, (value, index) => {
      results[index] = value;
    }, name)
  );
  return results;
}
