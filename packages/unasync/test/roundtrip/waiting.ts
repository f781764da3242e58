/**
 * How the round-trip library waits: the one thing its async and sync flavours cannot
 * share, so it is written by hand in both, here, outside the twinned folders. The
 * twinned code names `AsyncWaiters`; the prefix rule makes its twin name `SyncWaiters`.
 *
 * @module
 */

/**
 * Raised by a synchronous wait: with no other task to wake it, it would wait forever.
 *
 * @example
 * ```ts
 * new SyncQueue<number>(1).get(); // throws WouldBlock: the queue is empty
 * ```
 */
export class WouldBlock extends Error {
  override name = "WouldBlock";
}

/**
 * Callers waiting for a change; `wakeAll()` lets every one of them look again.
 *
 * @example
 * ```ts
 * const changed = new AsyncWaiters();
 * while (items.length === 0) await changed.wait(); // and changed.wakeAll() after a push
 * ```
 */
export class AsyncWaiters {
  #wakers: Array<() => void> = [];

  /** Resolves at the next `wakeAll()`. */
  wait(): Promise<void> {
    return new Promise((resolve) => this.#wakers.push(resolve));
  }

  wakeAll(): void {
    const wakers = this.#wakers;
    this.#wakers = [];
    for (const wake of wakers) wake();
  }
}

/**
 * The synchronous flavour: one thread, so nothing could ever wake a waiter.
 *
 * @example
 * ```ts
 * while (items.length === 0) new SyncWaiters().wait(); // throws WouldBlock
 * ```
 */
export class SyncWaiters {
  wait(): void {
    throw new WouldBlock("this would wait forever: nothing else runs while a synchronous caller waits");
  }

  wakeAll(): void {}
}
