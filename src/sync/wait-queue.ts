/**
 * The FIFO queue every blocking primitive parks its waiters in.
 *
 * A waiter takes its place (a {@link Ticket}) synchronously, at the call, and only then
 * parks with `parkUntil()`. The order is therefore the order of the calls, even when
 * `parkUntil()` first yields a macrotask for fairness: during that yield the ticket is
 * already queued, so a later caller cannot overtake it and a `*Nowait` call sees it.
 *
 * The queue hands over by {@link WaitQueue.grant}: the ticket leaves the queue, is marked
 * granted and its parked task is resolved, all in one synchronous step, after the
 * primitive has recorded the new owner. Two rules keep a hand-over from being lost or
 * given twice:
 *
 * - A ticket in a queue belongs to a task that is still waiting. A cancellation that
 *   comes first takes the ticket out of its queue at once (`Parked.onCancel`), so a
 *   release can never hand over to a task that has already given up.
 * - Completion wins. Once granted, the ticket's task returns normally even if its scope
 *   is cancelled a moment later (`Parked` settles only once), so what it was given is
 *   never dropped on the floor; the cancellation is delivered at its next checkpoint.
 *
 * One window is special: during parkUntil()'s fairness yield (a macrotask, taken at most
 * once per 64 checkpoints after 5 ms of busy work) the task is queued but not yet
 * registered with its scope, so a cancellation made then is only seen when the yield
 * ends. A grant made during the yield wins, even over a cancellation made earlier in it
 * (see {@link waitForGrant}); without a grant, the ticket leaves its queue when the yield
 * ends. Either way nothing is lost or given twice.
 *
 * @module
 * @internal
 */
import { type Parked, parkUntil } from "../core/checkpoint.ts";

/** A task's place in a {@link WaitQueue}. Primitives extend it with what they hand over to. */
export class Ticket {
  /** The queue holding the ticket; null once it has been granted or has left. */
  _queue: WaitQueue<Ticket> | null = null;
  /** The parked wait; null until `parkUntil()` has called its setup. */
  _parked: Parked<void> | null = null;
  /** Whether the ticket was granted (the hand-over happened). */
  _granted = false;
  /**
   * What else to undo when the ticket's task is cancelled before the hand-over; it runs
   * after the ticket has left its queue (a condition passes its notification on).
   */
  onCancel: (() => void) | null = null;
}

/** Tickets in arrival order; removal is O(1) (a Set keeps insertion order). */
export class WaitQueue<T extends Ticket> {
  readonly #tickets = new Set<T>();

  /** How many tasks wait here. */
  get size(): number {
    return this.#tickets.size;
  }

  /** The ticket that has waited longest, if any. */
  first(): T | undefined {
    for (const ticket of this.#tickets) return ticket;
    return undefined;
  }

  /** Queues `ticket` at the back. */
  push(ticket: T): void {
    ticket._queue = this as unknown as WaitQueue<Ticket>;
    this.#tickets.add(ticket);
  }

  /** Takes `ticket` out without waking it (to move it to another queue). */
  remove(ticket: T): void {
    if (ticket._queue !== (this as unknown as WaitQueue<Ticket>)) return;
    this.#tickets.delete(ticket);
    ticket._queue = null;
  }

  /**
   * Hands over to `ticket`: it leaves the queue and its task wakes and returns normally.
   * The caller records what it handed over (owner, borrower) before calling this.
   */
  grant(ticket: T): void {
    this.remove(ticket);
    ticket._granted = true;
    // Null while parkUntil() is still yielding before its setup: the setup then sees
    // `_granted` and resolves at once.
    ticket._parked?.resolve();
  }
}

/** Takes a cancelled ticket out of the queue it is in and runs its own undo. */
function leave(ticket: Ticket): void {
  ticket._queue?.remove(ticket);
  ticket.onCancel?.();
}

/**
 * Parks the current task until `ticket`, already pushed on a queue, is granted. If the
 * scope is cancelled first, the ticket leaves its queue and this raises
 * {@link Cancelled}; once granted, it returns normally whatever happens next.
 */
export async function waitForGrant(ticket: Ticket): Promise<void> {
  try {
    await parkUntil<void>((parked) => {
      if (ticket._granted) return parked.resolve();
      ticket._parked = parked;
      parked.onCancel = () => leave(ticket);
    });
  } catch (err) {
    // parkUntil() raised without parking: the scope was cancelled while it yielded (or
    // before). A grant made in that window stands (completion wins); the cancellation
    // is raised again at the task's next checkpoint, as cancellation is level-triggered.
    if (ticket._parked === null) {
      if (ticket._granted) return;
      leave(ticket);
    }
    throw err;
  }
}
