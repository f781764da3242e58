/**
 * Concurrency helpers built on task groups: run many calls with bounded concurrency and
 * collect their results in input order ({@link gather}, {@link amap}) or as they
 * complete ({@link asCompleted}). Failures and cancellation follow task-group rules.
 *
 * @example
 * ```ts
 * import { amap, asCompleted, gather } from "structio";
 *
 * const [a, b] = await gather([async () => 1, async () => "two"]);
 * const squares = await amap([1, 2, 3], async (n) => n * n, { concurrency: 2 });
 * for await (const n of asCompleted([3, 1, 2], async (n) => n)) console.log(n);
 * console.log(a, b, squares); // 1 two [1, 4, 9]
 * ```
 *
 * @module
 */
export { amap } from "./amap.ts";
export { AsCompleted, asCompleted } from "./as-completed.ts";
export { gather, type GatherResults } from "./gather.ts";
export type { ConcurrencyOptions } from "./options.ts";
