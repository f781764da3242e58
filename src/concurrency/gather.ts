/**
 * gather(): several async functions run concurrently, their results in the order they
 * were given. AnyIO's `gather`, taking functions rather than started promises.
 *
 * @module
 */
import { withTaskGroup } from "../core/task-group.ts";
import {
  callPulled,
  checkFunctionsInArray,
  checkInputs,
  type ConcurrencyOptions,
  type Inputs,
  readConcurrency,
} from "./options.ts";
import { spawnEach } from "./spawn-each.ts";

/**
 * The results of {@link gather} for a tuple of functions: one result type per position.
 *
 * @example
 * ```ts
 * import { type GatherResults } from "structio";
 *
 * type Both = GatherResults<[() => Promise<number>, () => string]>; // [number, string]
 * const both: Both = [1, "one"];
 * console.log(both);
 * ```
 */
export type GatherResults<F extends readonly (() => unknown)[]> = {
  -readonly [K in keyof F]: Awaited<ReturnType<F[K]>>;
};

/**
 * Runs every function of `fns` in a task of its own, at most `options.concurrency` at
 * once, and returns their results in the order of `fns`. Given an array (or tuple)
 * literal, the result is typed position by position.
 *
 * It takes functions, not promises as `Promise.all` does: a promise is work already
 * started, which nothing can bound or cancel. A function is started by `gather` itself,
 * inside a task group, so the concurrency limit holds and cancellation reaches it.
 *
 * `fns` may also be any iterable or async iterable of functions, pulled only when a call
 * may start (see {@link amap}, which `gather(fns)` is to `amap(fns, (f) => f())`).
 *
 * Failures follow task-group rules: the first failure cancels the other calls, and
 * once they have all stopped `gather` throws one {@link ExceptionGroup} holding every
 * failure. Cancelling the caller cancels every call. Nothing started by `gather` is
 * still running when it returns or throws.
 *
 * @param fns the functions to call, with no arguments; each may return a value or a promise.
 * @param options `concurrency`: how many calls may run at once (default `Infinity`).
 * @returns the results, in the order of `fns`.
 * @throws {TypeError} if `fns` is not iterable, or an array holding a non-function (rejects).
 * @throws {RangeError} if `concurrency` is not a whole number >= 1 or `Infinity` (rejects).
 * @throws {ExceptionGroup} with every failure, if any call failed.
 *
 * @example
 * ```ts
 * import { gather, sleep } from "structio";
 *
 * const [user, posts] = await gather([
 *   async () => {
 *     await sleep(20);
 *     return { name: "ada" };
 *   },
 *   async () => ["first post"],
 * ]);
 * console.log(user.name, posts.length); // ada 1
 * ```
 */
export function gather<const F extends readonly (() => unknown)[]>(
  fns: F,
  options?: ConcurrencyOptions,
): Promise<GatherResults<F>>;
export function gather<F extends () => unknown>(
  fns: Inputs<F>,
  options?: ConcurrencyOptions,
): Promise<Awaited<ReturnType<F>>[]>;
export async function gather(
  fns: Inputs<() => unknown>,
  options?: ConcurrencyOptions,
): Promise<unknown[]> {
  checkInputs(fns, "fns");
  checkFunctionsInArray(fns);
  const limit = readConcurrency(options);
  const results: unknown[] = [];
  // As in amap: each task writes its own slot, read once every task has written it.
  await withTaskGroup((tg) =>
    spawnEach(tg, fns, callPulled, limit, (value, index) => {
      results[index] = value;
    }, "gather")
  );
  return results;
}
