/**
 * Time: the monotonic clock and sleeping on it.
 *
 * @module
 */
import { checkDeadline } from "./cancel-scope.ts";
import { checkpoint, parkUntil } from "./checkpoint.ts";
import { currentScope } from "./context.ts";

/**
 * The current value of the monotonic clock, in milliseconds. Deadlines are values of
 * this clock.
 *
 * @example
 * ```ts
 * import { currentTime, sleep } from "structio";
 *
 * const start = currentTime();
 * await sleep(20);
 * console.log(currentTime() - start >= 20); // true
 * ```
 */
export function currentTime(): number {
  return currentScope()._task!._runner.backend.now();
}

/**
 * Waits `ms` milliseconds. `sleep(0)` is a plain checkpoint. It is cancellable.
 *
 * @example
 * ```ts
 * import { sleep } from "structio";
 *
 * await sleep(100);
 * ```
 */
export function sleep(ms: number): Promise<void> {
  checkDeadline(ms, "ms");
  if (ms <= 0) return checkpoint();
  return sleepUntil(currentTime() + ms);
}

/**
 * Waits until the clock reaches `deadline` (a value of {@link currentTime}). A deadline
 * in the past is a plain checkpoint; `Infinity` waits forever.
 *
 * @example
 * ```ts
 * import { currentTime, sleepUntil } from "structio";
 *
 * await sleepUntil(currentTime() + 100);
 * ```
 */
export function sleepUntil(deadline: number): Promise<void> {
  checkDeadline(deadline, "deadline");
  const runner = currentScope()._task!._runner;
  if (deadline <= runner.backend.now()) return checkpoint();
  if (deadline === Infinity) return sleepForever();
  const timers = runner.timers;
  return parkUntil<void>((parked) => {
    const entry = timers.add(deadline, () => parked.resolve());
    parked.onCancel = () => timers.remove(entry);
  });
}

/**
 * Waits until cancelled.
 *
 * @example
 * ```ts
 * import { moveOnAfter, sleepForever } from "structio";
 *
 * await moveOnAfter(10, () => sleepForever());
 * ```
 */
export function sleepForever(): Promise<void> {
  return parkUntil<void>(() => {});
}
