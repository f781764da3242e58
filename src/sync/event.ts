/**
 * Events: a one-shot flag that tasks wait for.
 *
 * @module
 */
import { checkpoint } from "../core/checkpoint.ts";
import { WaitQueue } from "../core/wait-queue.ts";
import { Ticket, waitForGrant } from "./ticket.ts";

/** What {@link Event.statistics} reports. */
export interface EventStatistics {
  /** How many tasks are parked in {@link Event.wait}. */
  readonly tasksWaiting: number;
}

/**
 * A flag that starts unset and is set once: `set()` wakes every task parked in `wait()`,
 * and later waits return at once. An event cannot be cleared; make a new one instead
 * (as in Trio and AnyIO, this rules out a class of races where a waiter misses a set
 * that was undone before it ran).
 *
 * Events can be made anywhere, also outside `run()`, and used from any run.
 *
 * @example
 * ```ts
 * import { Event, withTaskGroup } from "structio";
 *
 * const ready = new Event();
 * await withTaskGroup(async (tg) => {
 *   tg.startSoon(async () => {
 *     await ready.wait();
 *     console.log("notified");
 *   });
 *   ready.set();
 * });
 * ```
 */
export class Event {
  #set = false;
  /** The parked waiters, in arrival order. A cancelled waiter leaves at once. */
  readonly #waiters = new WaitQueue<Ticket>();

  /**
   * Sets the flag and wakes every waiter, in the order they started waiting. Setting
   * a set event does nothing. A waiter woken here returns normally even if its scope is
   * cancelled a moment later (completion wins).
   */
  set(): void {
    if (this.#set) return;
    this.#set = true;
    for (let next = this.#waiters.first; next !== null; next = this.#waiters.first) next.grant();
  }

  /** Whether `set()` has been called. */
  isSet(): boolean {
    return this.#set;
  }

  /**
   * Waits until the flag is set. A checkpoint, also when the flag is already set: it
   * raises {@link Cancelled} in a cancelled scope and lets other tasks run.
   */
  wait(): Promise<void> {
    return this.#set ? checkpoint() : waitForGrant(this.#waiters, new Ticket());
  }

  /** How many tasks are waiting. */
  statistics(): EventStatistics {
    return { tasksWaiting: this.#waiters.size };
  }
}
