/**
 * Tickets: how a blocking synchronisation primitive parks a task in its
 * {@link WaitQueue} and hands it what it waited for (a lock, a permit, a token).
 *
 * {@link waitForGrant} queues the task's {@link Ticket} in the setup of `parkUntil()`,
 * which runs synchronously at the call, right after registering the task with its scope
 * (and before any fairness yield). So:
 *
 * - A queue's order is the order of the calls, and a `*Nowait` call made after a
 *   blocking one sees its ticket, so it raises {@link WouldBlock} rather than barge.
 * - A ticket in a queue belongs to a task that is still waiting. A cancellation takes it
 *   out of its queue at once (`Parked.onCancel`), so a hand-over never goes to a task
 *   that has given up. In a scope already cancelled, nothing is queued.
 *
 * A primitive hands over by {@link Ticket.grant}, after recording the new owner: the
 * ticket leaves its queue and its task wakes, in one synchronous step. Completion wins:
 * once granted, the task returns normally even if its scope is cancelled a moment later
 * (`Parked` settles only once); the cancellation comes at its next checkpoint.
 *
 * @module
 * @internal
 */
import { type Parked, parkUntil } from "../core/checkpoint.ts";
import { type WaitQueue, WaitQueueNode } from "../core/wait-queue.ts";

/**
 * A task's place in a {@link WaitQueue}. Primitives extend it with what they hand over
 * to (a task, a borrower).
 *
 * @internal
 *
 * @example
 * ```ts
 * const queue = new WaitQueue<Ticket>();
 * const waiting = waitForGrant(queue, new Ticket());
 * queue.first?.grant(); // `waiting` resolves
 * ```
 */
export class Ticket extends WaitQueueNode {
  /** The parked wait; set when the ticket is queued. */
  _parked: Parked<void> | null = null;
  /**
   * What else to undo when the ticket's task is cancelled before the hand-over; it runs
   * after the ticket has left its queue (a condition passes its notification on).
   */
  onCancel: (() => void) | null = null;

  /**
   * Hands over to this ticket: it leaves its queue and its task wakes and returns
   * normally. The caller records what it handed over (owner, borrower) before this.
   */
  grant(): void {
    this._queue?.remove(this);
    this._parked!.resolve();
  }
}

/**
 * Queues `ticket` at the back of `queue` and parks the current task until it is granted.
 * If the scope is cancelled first, the ticket leaves whatever queue it is in by then (a
 * condition moves it into its lock's) and this raises {@link Cancelled}; once granted,
 * it returns normally whatever happens next.
 *
 * It is `async` on purpose: the caller resumes one microtask later than if it awaited
 * `parkUntil()` itself, which lets the granting task finish its step first (the "no
 * barging" test of Lock relies on that order).
 *
 * @internal
 */
export async function waitForGrant<T extends Ticket>(queue: WaitQueue<T>, ticket: T): Promise<void> {
  await parkUntil<void>((parked) => {
    ticket._parked = parked;
    parked.onCancel = () => {
      ticket._queue?.remove(ticket);
      ticket.onCancel?.();
    };
    queue.push(ticket);
  });
}
