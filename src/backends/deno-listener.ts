/**
 * A native Deno listener as a raw listener.
 *
 * @module
 */
import { type CancelWait, type RawListener, type RawStream, type SocketInfo } from "./net.ts";
import { Notifier } from "./notifier.ts";
import { asError, type DenoConn, type DenoListenerHandle } from "./deno-api.ts";

// ---------------------------------------------------------------------------------------
// Listeners.

/**
 * Accepted connections queue here while nobody takes them; beyond this many the
 * listener stops accepting, and the kernel's backlog holds (then refuses) the rest.
 */
export const MAX_ACCEPT_QUEUE = 128;

/**
 * A Deno listener as a {@link RawListener}. One `accept()` is kept in flight while fewer
 * than MAX_ACCEPT_QUEUE connections wait. An accept error is thrown once by `tryAccept`,
 * and accepting then resumes (EMFILE, say, passes).
 */
export class NativeListener implements RawListener {
  readonly info: SocketInfo;
  readonly #listener: DenoListenerHandle;
  readonly #wrap: (conn: DenoConn) => RawStream;
  readonly #onClosed: () => void;
  readonly #queue: RawStream[] = [];
  readonly #waiters = new Notifier();
  #accepting: Promise<void> | null = null;
  #error: Error | null = null;
  #closed: Promise<void> | null = null;

  constructor(listener: DenoListenerHandle, info: SocketInfo, wrap: (conn: DenoConn) => RawStream, onClosed: () => void) {
    this.#listener = listener;
    this.info = info;
    this.#wrap = wrap;
    this.#onClosed = onClosed;
    this.#accept();
  }

  #accept(): void {
    if (this.#accepting !== null || this.#closed !== null || this.#error !== null) return;
    if (this.#queue.length >= MAX_ACCEPT_QUEUE) return;
    this.#accepting = this.#listener.accept().then(
      (conn) => {
        this.#accepting = null;
        if (this.#closed !== null) {
          try {
            conn.close();
          } catch {
            // Already closed.
          }
          return;
        }
        this.#queue.push(this.#wrap(conn));
        this.#waiters.notify();
        this.#accept();
      },
      (err) => {
        this.#accepting = null;
        // After close, Deno rejects the pending accept with BadResource: nothing to report.
        if (this.#closed !== null) return;
        this.#error = asError(err);
        this.#waiters.notify();
      },
    );
  }

  tryAccept(): RawStream | null {
    const next = this.#queue.shift();
    if (next !== undefined) {
      this.#accept();
      return next;
    }
    const error = this.#error;
    if (error !== null) {
      this.#error = null;
      this.#accept();
      throw error;
    }
    return null;
  }

  onAcceptable(ready: () => void): CancelWait {
    const cancel = this.#waiters.add(ready);
    if (this.#queue.length > 0 || this.#error !== null || this.#closed !== null) {
      queueMicrotask(() => this.#waiters.notify());
    }
    return cancel;
  }

  close(): Promise<void> {
    if (this.#closed !== null) return this.#closed;
    try {
      this.#listener.close();
    } catch {
      // Already closed.
    }
    for (const stream of this.#queue.splice(0)) stream.abort();
    // Deno frees the socket (and, for Unix, unlinks its file) only once the pending
    // accept has been rejected, so closing waits for it: the address is free afterwards.
    this.#closed = (this.#accepting ?? Promise.resolve()).then(() => this.#onClosed());
    this.#waiters.notify();
    return this.#closed;
  }
}
