/**
 * Turns: how the operations on one open file run one at a time, in the order they were
 * called, whichever task (or the same task, twice without awaiting) calls them.
 *
 * @module
 * @internal
 */
import { currentScope } from "../core/context.ts";
import { WaitQueue } from "../core/wait-queue.ts";
import { Ticket, waitForGrant } from "../sync/ticket.ts";

/**
 * A FIFO of operations on one resource. Unlike a {@link Lock} it belongs to no task, so
 * one task may start two operations at once (two reads without awaiting the first, or
 * through `Promise.all`); the second simply runs after the first.
 *
 * Invariant: the queue is non-empty only while a turn is taken. `leave()` hands the
 * turn straight to the first waiter (the turn stays taken), so no caller arriving later
 * can take it first.
 *
 * @internal
 */
export class Turns {
  #taken = false;
  readonly #queue = new WaitQueue<Ticket>();

  /**
   * Raises {@link Cancelled} if the current scope is cancelled; otherwise takes the turn
   * at once (returning undefined, with no yield) or waits in line for it. A cancelled
   * wait leaves the line and raises, having taken nothing; once the turn is handed
   * over, the call returns even if its scope is cancelled a moment later.
   */
  enter(): Promise<void> | undefined {
    const scope = currentScope();
    if (scope._effective) throw scope._cancelledError();
    if (!this.#taken) {
      this.#taken = true;
      return undefined;
    }
    return waitForGrant(this.#queue, new Ticket());
  }

  /** Ends the turn: hands it to the first waiter, or frees it. */
  leave(): void {
    const next = this.#queue.first;
    if (next === null) this.#taken = false;
    else next.grant();
  }
}
