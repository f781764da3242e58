/**
 * The datagrams a socket received and nobody took yet.
 *
 * @module
 */
import type { CancelWait, RawDatagram } from "./net.ts";
import { Notifier } from "./notifier.ts";

/**
 * A bounded FIFO of received datagrams with its readiness waiters: what every backend's
 * datagram socket keeps between the runtime handing a datagram over and a task taking
 * it. Beyond {@link DatagramQueue.LIMIT} datagrams the oldest is dropped, as UDP itself
 * may drop one, so a socket nobody reads from cannot grow without bound. A socket error
 * (an ICMP "port unreachable" on a connected socket, say) is reported once, by the next
 * `take()` that finds no datagram, and the socket goes on.
 */
export class DatagramQueue {
  /** Datagrams kept while nobody receives. */
  static readonly LIMIT = 256;
  readonly #queue: RawDatagram[] = [];
  readonly #waiters = new Notifier();
  #error: Error | null = null;

  push(datagram: RawDatagram): void {
    if (this.#queue.length >= DatagramQueue.LIMIT) this.#queue.shift();
    this.#queue.push(datagram);
    this.#waiters.notify();
  }

  /** Records an error for the next `take()` that finds nothing. */
  fail(error: Error): void {
    this.#error ??= error;
    this.#waiters.notify();
  }

  /** Takes the oldest datagram, or null when none is queued; throws a recorded error once. */
  take(): RawDatagram | null {
    const next = this.#queue.shift();
    if (next !== undefined) return next;
    const error = this.#error;
    if (error !== null) {
      this.#error = null;
      throw error;
    }
    return null;
  }

  /** Whether `take()` would return a datagram or throw. */
  get ready(): boolean {
    return this.#queue.length > 0 || this.#error !== null;
  }

  onReady(ready: () => void): CancelWait {
    return this.#waiters.add(ready);
  }

  /** Wakes every waiter (on close). */
  wake(): void {
    this.#waiters.notify();
  }
}
