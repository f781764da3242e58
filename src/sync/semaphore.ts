/**
 * Semaphores: a counter of permits, handed over in FIFO order.
 *
 * @module
 */
import { cancelShieldedCheckpoint } from "../core/checkpoint.ts";
import { currentScope } from "../core/context.ts";
import { WouldBlock } from "../core/errors.ts";
import { checkBoolean, checkCount, checkFunction, checkOptions } from "./checks.ts";
import { WaitQueue } from "../core/wait-queue.ts";
import { Ticket, waitForGrant } from "./ticket.ts";

/** Options for {@link Semaphore}. */
export interface SemaphoreOptions {
  /**
   * The most the value may reach (default `Infinity`): releasing beyond it is an error,
   * which catches releases that were never matched by an acquire.
   */
  maxValue?: number;
  /**
   * Skip the yield when a permit is free (default false). Faster, but a loop that only
   * takes free permits then never lets other tasks run.
   */
  fastAcquire?: boolean;
}

/** What {@link Semaphore.statistics} reports. */
export interface SemaphoreStatistics {
  /** How many tasks are waiting to acquire. */
  readonly tasksWaiting: number;
}

const resolved = Promise.resolve();

/**
 * A counter of permits: `acquire()` takes one, waiting while there are none, and
 * `release()` gives one back. A release while tasks wait hands the permit straight to
 * the one that has waited longest (the value stays 0), so waiters are served strictly in
 * order and `acquireNowait()` raises {@link WouldBlock} while anyone waits.
 *
 * Permits are not owned: any task may release. To limit concurrency per task, a
 * {@link CapacityLimiter} is usually the better tool. Prefer
 * {@link Semaphore.withPermit}, which gives the permit back on every path. A semaphore
 * can be made anywhere, also outside `run()`.
 *
 * @example
 * ```ts
 * import { Semaphore, sleep, withTaskGroup } from "structio";
 *
 * const slots = new Semaphore(2); // at most two downloads at once
 * await withTaskGroup(async (tg) => {
 *   for (let i = 0; i < 5; i++) {
 *     tg.startSoon(() => slots.withPermit(() => sleep(10)));
 *   }
 * });
 * console.log(slots.value); // 2
 * ```
 */
export class Semaphore {
  #value: number;
  readonly #maxValue: number;
  readonly #fastAcquire: boolean;
  /** Never non-empty while the value is above 0: a release hands over instead. */
  readonly #queue = new WaitQueue<Ticket>();

  /**
   * @param initialValue the permits available at first: a whole number >= 0.
   */
  constructor(initialValue: number, options?: SemaphoreOptions) {
    this.#value = checkCount(initialValue, "initialValue", 0, false);
    const { maxValue, fastAcquire } = checkOptions(options);
    this.#maxValue = maxValue === undefined ? Infinity : checkCount(maxValue, "maxValue", 0, true);
    if (this.#maxValue < this.#value) {
      throw new RangeError(`maxValue (${this.#maxValue}) must be >= initialValue (${this.#value})`);
    }
    this.#fastAcquire = checkBoolean(fastAcquire, "fastAcquire", false);
  }

  /** The permits available now. */
  get value(): number {
    return this.#value;
  }

  /** The most the value may reach; `Infinity` when unbounded. */
  get maxValue(): number {
    return this.#maxValue;
  }

  /**
   * Takes a permit, waiting in line if there is none. A checkpoint: it raises
   * {@link Cancelled} in a cancelled scope, and when a permit is free it takes it and
   * then lets other tasks run (unless `fastAcquire`). A permit handed over to the task
   * is never lost to a later cancellation: the call returns, and the cancellation comes
   * at the next checkpoint.
   */
  acquire(): Promise<void> {
    const scope = currentScope();
    if (scope._effective) return Promise.reject(scope._cancelledError());
    if (this.#value > 0) {
      // Taken before the yield, so no task can slip in during it.
      this.#value--;
      return this.#fastAcquire ? resolved : cancelShieldedCheckpoint();
    }
    return waitForGrant(this.#queue, new Ticket());
  }

  /** Takes a permit if one is free, or raises {@link WouldBlock}. */
  acquireNowait(): void {
    if (this.#value === 0) throw new WouldBlock("the semaphore has no permit free");
    this.#value--;
  }

  /**
   * Gives a permit back, to the task that has waited longest if any. Raises a
   * `RangeError` if that would take the value above `maxValue`.
   */
  release(): void {
    if (this.#value >= this.#maxValue) {
      throw new RangeError(`semaphore released too many times (maxValue is ${this.#maxValue})`);
    }
    const next = this.#queue.first;
    if (next === null) this.#value++;
    else next.grant();
  }

  /** How many tasks wait. */
  statistics(): SemaphoreStatistics {
    return { tasksWaiting: this.#queue.size };
  }

  /**
   * Runs `fn` holding a permit and returns its result; the permit is given back however
   * `fn` ends (value, error or cancellation).
   *
   * @example
   * ```ts
   * import { Semaphore } from "structio";
   *
   * const semaphore = new Semaphore(1);
   * await semaphore.withPermit(async () => console.log(semaphore.value)); // 0
   * console.log(semaphore.value); // 1
   * ```
   */
  async withPermit<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    checkFunction(fn, "fn");
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }
}
