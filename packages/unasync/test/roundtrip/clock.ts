/**
 * How the round-trip library sleeps, in both flavours (hand-written, outside the twinned
 * folders). The twinned code names `AsyncClock` and `asyncClock`: the prefix rule turns
 * the first into `SyncClock`, the config's replacement table the second into `syncClock`.
 *
 * @module
 */

/**
 * Something that sleeps (a fake one in tests).
 *
 * @example
 * ```ts
 * const instant: AsyncClock = { sleep: async () => {} };
 * ```
 */
export interface AsyncClock {
  sleep(ms: number): Promise<void>;
}

/**
 * Something that sleeps, blocking.
 *
 * @example
 * ```ts
 * const instant: SyncClock = { sleep: () => {} };
 * ```
 */
export interface SyncClock {
  sleep(ms: number): void;
}

/**
 * Sleeps on a timer.
 *
 * @example
 * ```ts
 * await asyncClock.sleep(10);
 * ```
 */
export const asyncClock: AsyncClock = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Sleeps by blocking the thread (Atomics.wait on a private cell that nobody notifies).
 *
 * @example
 * ```ts
 * syncClock.sleep(10);
 * ```
 */
export const syncClock: SyncClock = {
  sleep(ms) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  },
};
