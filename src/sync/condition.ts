/**
 * Conditions: waiting, under a lock, for other tasks to say that something changed.
 *
 * @module
 */
import { CancelScope } from "../core/cancel-scope.ts";
import { checkpoint } from "../core/checkpoint.ts";
import { currentScope } from "../core/context.ts";
import type { TaskHandle } from "../core/task.ts";
import { checkCount, checkFunction, currentTask } from "./checks.ts";
import { Lock, type LockStatistics, LockTicket } from "./lock.ts";
import { WaitQueue } from "../core/wait-queue.ts";
import { waitForGrant } from "./ticket.ts";

/** What {@link Condition.statistics} reports. */
export interface ConditionStatistics {
  /** How many tasks wait in {@link Condition.wait} for a notification. */
  readonly tasksWaiting: number;
  /** The statistics of the underlying lock. */
  readonly lockStatistics: LockStatistics;
}

/** What a truthy value of type `T` can be: {@link Condition.waitFor}'s result. */
export type Truthy<T> = Exclude<T, false | 0 | 0n | "" | null | undefined>;

/** A task in `wait()`: first in the condition's queue, then (notified) in the lock's. */
class ConditionTicket extends LockTicket {
  notified = false;
}

/**
 * A lock together with a queue of tasks waiting for news. A task holding the lock calls
 * `wait()`, which releases the lock, waits for `notify()`, and takes the lock back
 * before returning; the notifier must hold the lock too, so no news falls between a
 * check and the wait.
 *
 * Notified tasks are woken in the order they started waiting and move straight into the
 * lock's queue, in that order, so they run one at a time once the notifier releases.
 * A waiter that is cancelled after its notification but before it got the lock back
 * passes the notification on to the next waiter, so cancellation never swallows one.
 *
 * Like {@link Lock}, only the task holding the lock may release it. A condition can be
 * made anywhere, also outside `run()`.
 *
 * @example
 * ```ts
 * import { Condition, withTaskGroup } from "structio";
 *
 * const condition = new Condition();
 * const items: string[] = [];
 * await withTaskGroup(async (tg) => {
 *   tg.startSoon(() =>
 *     condition.withLock(async () => {
 *       await condition.waitFor(() => items.length > 0);
 *       console.log("got", items.shift());
 *     })
 *   );
 *   await condition.withLock(() => {
 *     items.push("job");
 *     condition.notify();
 *   });
 * });
 * ```
 */
export class Condition {
  readonly #lock: Lock;
  readonly #waiters = new WaitQueue<ConditionTicket>();

  /**
   * @param lock the lock to use (by default a new one); it may be shared with other
   * conditions or used on its own.
   */
  constructor(lock?: Lock) {
    if (lock !== undefined && !(lock instanceof Lock)) throw new TypeError("lock must be a Lock");
    this.#lock = lock ?? new Lock();
  }

  /** Acquires the underlying lock; see {@link Lock.acquire}. */
  acquire(): Promise<void> {
    return this.#lock.acquire();
  }

  /** Acquires the underlying lock if it is free, or raises {@link WouldBlock}. */
  acquireNowait(): void {
    this.#lock.acquireNowait();
  }

  /** Releases the underlying lock; only the task holding it may. */
  release(): void {
    this.#lock.release();
  }

  /** Whether a task holds the underlying lock. */
  locked(): boolean {
    return this.#lock.locked();
  }

  /**
   * Wakes up to `n` waiters (default 1), those that have waited longest. The caller must
   * hold the lock; the woken tasks get it, one after another, once it is released.
   */
  notify(n = 1): void {
    checkCount(n, "n", 0, true);
    this.#checkHolder(currentTask());
    for (let i = 0; i < n && this.#notifyFirst(); i++);
  }

  /** Wakes every waiter. The caller must hold the lock. */
  notifyAll(): void {
    this.#checkHolder(currentTask());
    while (this.#notifyFirst());
  }

  /**
   * Releases the lock, waits for a notification, and takes the lock back. The caller
   * must hold the lock; it holds it again when this returns or raises, also when it
   * raises {@link Cancelled} (the lock is then retaken in a shielded scope).
   *
   * A checkpoint. Wakeups can be spurious (a notification passed on, a `notifyAll()`
   * for another reason), so check what you wait for in a loop, or use
   * {@link Condition.waitFor}.
   */
  async wait(): Promise<void> {
    const scope = currentScope();
    const task = scope._task!;
    if (scope._effective) throw scope._cancelledError();
    this.#checkHolder(task);
    const ticket = new ConditionTicket(task);
    // A notified waiter cancelled before it got the lock back passes the notification
    // on: it was taken off the condition's queue and must not be lost with this task.
    ticket.onCancel = () => {
      if (ticket.notified) this.#notifyFirst();
    };
    // Queued before the release, so a notify() made as soon as the lock is free sees it.
    // Granted by the lock: notify() moves the ticket into the lock's queue.
    const granted = waitForGrant(this.#waiters, ticket);
    this.#lock._handOver();
    try {
      await granted;
    } catch (err) {
      await new CancelScope({ shield: true }).run(() => this.#lock.acquire());
      throw err;
    }
  }

  /**
   * Waits until `predicate()` returns a truthy value, and returns that value. The caller
   * must hold the lock; the predicate runs holding it, first at once and then after
   * each wakeup. A checkpoint, also when the predicate is true at once.
   *
   * @example
   * ```ts
   * import { Condition } from "structio";
   *
   * const condition = new Condition();
   * let ready = true;
   * await condition.withLock(async () => {
   *   await condition.waitFor(() => ready); // true at once: returns after a checkpoint
   * });
   * ```
   */
  async waitFor<T>(predicate: () => T): Promise<Truthy<T>> {
    checkFunction(predicate, "predicate");
    this.#checkHolder(currentTask());
    // Holding the lock, so what the predicate reads cannot change during this yield.
    await checkpoint();
    let result: T;
    while (!(result = predicate())) await this.wait();
    return result as Truthy<T>;
  }

  /** How many tasks wait for a notification, and the state of the lock. */
  statistics(): ConditionStatistics {
    return { tasksWaiting: this.#waiters.size, lockStatistics: this.#lock.statistics() };
  }

  /**
   * Runs `fn` holding the lock and returns its result; the lock is released however `fn`
   * ends (value, error or cancellation).
   *
   * @example
   * ```ts
   * import { Condition } from "structio";
   *
   * const condition = new Condition();
   * await condition.withLock(() => condition.notifyAll());
   * ```
   */
  withLock<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    return this.#lock.withLock(fn);
  }

  #checkHolder(task: TaskHandle<unknown>): void {
    if (this.#lock._owner !== task) {
      throw new Error("the current task is not holding the condition's lock");
    }
  }

  /**
   * Moves the longest waiter into the lock's queue; false if none waits. The lock is held
   * here (by the notifier, or by whoever a cancelled notified waiter was queued behind),
   * so the waiter gets it by a hand-over, never by finding it free.
   */
  #notifyFirst(): boolean {
    const ticket = this.#waiters.shift();
    if (ticket === null) return false;
    ticket.notified = true;
    this.#lock._queue.push(ticket);
    return true;
  }
}
