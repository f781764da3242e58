/**
 * Locks: mutual exclusion between tasks, handed over in FIFO order.
 *
 * @module
 */
import { cancelShieldedCheckpoint } from "../core/checkpoint.ts";
import { currentScope } from "../core/context.ts";
import { WouldBlock } from "../core/errors.ts";
import type { TaskHandle, TaskInfo } from "../core/task.ts";
import { checkBoolean, checkFunction, checkOptions, currentTask } from "./checks.ts";
import { WaitQueue } from "../core/wait-queue.ts";
import { Ticket, waitForGrant } from "./ticket.ts";

/** Options for {@link Lock}. */
export interface LockOptions {
  /**
   * Skip the yield when the lock is free (default false). Faster, but a loop that only
   * takes an uncontended lock then never lets other tasks run.
   */
  fastAcquire?: boolean;
}

/** What {@link Lock.statistics} reports. */
export interface LockStatistics {
  /** Whether a task holds the lock. */
  readonly locked: boolean;
  /** The task holding the lock, or null. */
  readonly owner: TaskInfo | null;
  /** How many tasks are waiting to acquire it. */
  readonly tasksWaiting: number;
}

/** @internal A task waiting for a lock: the lock becomes its when granted. */
export class LockTicket extends Ticket {
  readonly task: TaskHandle<unknown>;

  constructor(task: TaskHandle<unknown>) {
    super();
    this.task = task;
  }
}

const resolved = Promise.resolve();

/**
 * A lock that one task at a time holds. Waiting tasks get it strictly in the order they
 * asked: `release()` hands it straight to the task that has waited longest, so no task
 * arriving later can take it first (no barging), and `acquireNowait()` raises
 * {@link WouldBlock} while anyone waits.
 *
 * It is owned by a task: only the holder may release it, and it is not reentrant (the
 * holder acquiring it again is an error, not a deadlock). Prefer {@link Lock.withLock},
 * which releases on every path. A lock can be made anywhere, also outside `run()`.
 *
 * @example
 * ```ts
 * import { Lock, sleep, withTaskGroup } from "structio";
 *
 * const lock = new Lock();
 * await withTaskGroup(async (tg) => {
 *   for (const name of ["a", "b"]) {
 *     tg.startSoon(() =>
 *       lock.withLock(async () => {
 *         console.log(name, "has the lock"); // a, then b
 *         await sleep(10);
 *       })
 *     );
 *   }
 * });
 * ```
 */
export class Lock {
  /** @internal The task holding the lock, or null. */
  _owner: TaskHandle<unknown> | null = null;
  /**
   * @internal The tasks waiting for the lock. Never non-empty while the lock is free: a
   * release hands over to the first waiter instead of freeing it. A {@link Condition}
   * moves notified waiters in here.
   */
  readonly _queue: WaitQueue<LockTicket> = new WaitQueue();
  readonly #fastAcquire: boolean;

  constructor(options?: LockOptions) {
    const { fastAcquire } = checkOptions(options);
    this.#fastAcquire = checkBoolean(fastAcquire, "fastAcquire", false);
  }

  /**
   * Acquires the lock, waiting in line if another task holds it. A checkpoint: it raises
   * {@link Cancelled} in a cancelled scope, and when the lock is free it takes it and
   * then lets other tasks run (unless `fastAcquire`). Once the lock is the task's, a
   * cancellation cannot take it away: the call returns and the cancellation comes at the
   * next checkpoint.
   */
  acquire(): Promise<void> {
    const scope = currentScope();
    const task = scope._task!;
    if (this._owner === task) return Promise.reject(reentryError());
    if (scope._effective) return Promise.reject(scope._cancelledError());
    if (this._owner === null) {
      // The lock is taken before the yield, so no task can slip in during it.
      this._owner = task;
      return this.#fastAcquire ? resolved : cancelShieldedCheckpoint();
    }
    return waitForGrant(this._queue, new LockTicket(task));
  }

  /** Acquires the lock if it is free, or raises {@link WouldBlock}. */
  acquireNowait(): void {
    const task = currentTask();
    if (this._owner === task) throw reentryError();
    if (this._owner !== null) throw new WouldBlock("the lock is held by another task");
    this._owner = task;
  }

  /**
   * Releases the lock, handing it to the task that has waited longest, if any. Only the
   * task holding the lock may release it.
   */
  release(): void {
    if (this._owner !== currentTask()) {
      throw new Error("the current task is not holding this lock");
    }
    this._handOver();
  }

  /** @internal Gives the lock to the first waiter, or frees it. */
  _handOver(): void {
    const next = this._queue.first;
    if (next === null) {
      this._owner = null;
    } else {
      this._owner = next.task;
      next.grant();
    }
  }

  /** Whether a task holds the lock. */
  locked(): boolean {
    return this._owner !== null;
  }

  /** Whether the lock is held, by whom, and how many tasks wait for it. */
  statistics(): LockStatistics {
    return {
      locked: this._owner !== null,
      owner: this._owner?.info ?? null,
      tasksWaiting: this._queue.size,
    };
  }

  /**
   * Runs `fn` holding the lock and returns its result; the lock is released however `fn`
   * ends (value, error or cancellation).
   *
   * @example
   * ```ts
   * import { Lock } from "structio";
   *
   * const lock = new Lock();
   * const total = await lock.withLock(async () => 1 + 1);
   * console.log(total, lock.locked()); // 2 false
   * ```
   */
  async withLock<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    checkFunction(fn, "fn");
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }
}

function reentryError(): Error {
  return new Error("the current task already holds this lock (a Lock is not reentrant)");
}
