/**
 * A native Deno connection (TCP, Unix, or TLS from Deno.startTls) as a raw stream.
 *
 * @module
 */
import { type CancelWait, EOF, type RawStream, type SocketInfo, type TlsInfo } from "./net.ts";
import { Notifier } from "./notifier.ts";
import { CopySlab } from "./copy-slab.ts";
import { asError, CHUNK, closeQuietly, COPY_BELOW, type DenoConn, MERGE_BELOW } from "./deno-api.ts";

// ---------------------------------------------------------------------------------------
// Native TLS sockets outlive close() by about 100 ms.
//
// Deno's TLS (rustls-tokio-stream) does not close the TCP socket of a TLS 1.3 client at
// once: a background task sends close_notify, and a blocking thread drops the socket
// after sleeping 100 ms, so that a server still sending the end of its handshake gets no
// reset (`nonblocking_tcp_drop`; measured 101 to 115 ms on Deno 2.9). Nothing tells
// JavaScript when it is gone, so close() resolves once Deno holds no op on the
// connection, and the runtime lets the socket go a little later on its own.

// ---------------------------------------------------------------------------------------
// Streams over a native Deno connection.

/**
 * A Deno.Conn (TCP, Unix, or TLS from Deno.startTls) as a {@link RawStream}.
 *
 * Reading: at most one `conn.read` is in flight, into a 64 KiB buffer, and its result
 * is held in `#held` until `tryRead` takes it. A read starts only when a receiver finds
 * nothing held (`tryRead` or `onReadable`), as a raw read loop reads, so at most one
 * chunk waits here while nobody receives (the kernel's buffer and TCP flow control do
 * the rest), and a fresh stream has no read in flight, which lets Deno.startTls take
 * over its connection. Reading ahead as soon as the held bytes were taken made reads
 * smaller, since the read went out before the peer's next chunk had all arrived: in a
 * 64 KiB echo it took a third more read and write system calls than the raw loop, and
 * 15-20% more time; round trips gained nothing from it.
 *
 * Writing: `write` appends to a userland queue that `#pump` feeds to `conn.write`, which
 * may write partially; `writable()` is true while fewer than 64 KiB are queued.
 *
 * Errors of either direction are stored in `#error` and thrown by `tryRead` (after the
 * held bytes) and `write`. Once `#released` is set the connection is closed, and every
 * completion or failure of an operation still in flight is dropped: close and abort make
 * Deno reject pending ops with BadResource or Interrupted, which mean nothing then.
 *
 * Closing: Deno frees a connection's socket only once every op holding it (a read, a
 * write, a shutdown) has settled, and closing makes them reject only in a later turn. So
 * close() resolves once the connection is closed *and* no op is in flight (`#opsSettled`)
 * (a native TLS connection's socket lingers a little longer, see "Native TLS sockets
 * outlive close()").
 */
export class DenoStream implements RawStream {
  readonly info: SocketInfo;
  readonly #conn: DenoConn;
  #tls: TlsInfo | null;
  readonly #readers = new Notifier();
  readonly #writers = new Notifier();
  // Read side.
  #held: Uint8Array | null = null;
  #reading = false;
  #eof = false;
  /**
   * The read buffer `#held` is a view of, while no view of it was handed out (then
   * tryReadInto may read into it again); null otherwise.
   */
  #heldBuffer: Uint8Array | null = null;
  /** A read buffer to use again (see #startRead). */
  #spare: Uint8Array | null = null;
  /** Where small reads are copied to (see #startRead). */
  readonly #small = new CopySlab();
  // Write side.
  #queue: Uint8Array[] = [];
  #queued = 0;
  #pumping = false;
  #flushWaiters: Array<() => void> = [];
  #writeShut = false;
  #shutdown: Promise<void> | null = null;
  /** A conn.closeWrite() is in flight. */
  #shuttingDown = false;
  // Both.
  #error: Error | null = null;
  #closing = false;
  #closed: Promise<void> | null = null;
  #released = false;
  readonly #releasedWaiters: Array<() => void> = [];
  readonly #idleWaiters: Array<() => void> = [];

  constructor(conn: DenoConn, info: SocketInfo) {
    this.#conn = conn;
    this.info = info;
    this.#tls = null;
  }

  get tls(): TlsInfo | null {
    return this.#tls;
  }

  /** Records what the TLS handshake of a native TLS connection told. */
  handshakeDone(tlsInfo: TlsInfo): void {
    this.#tls = tlsInfo;
  }

  tryRead(maxBytes: number): Uint8Array | null | typeof EOF {
    const held = this.#held;
    if (held === null) return this.#nothingHeld();
    // The caller gets a view of the read buffer, which is then theirs: never read into
    // it again.
    this.#heldBuffer = null;
    if (held.byteLength > maxBytes) {
      this.#held = held.subarray(maxBytes);
      return held.subarray(0, maxBytes);
    }
    this.#takenAll();
    return held;
  }

  tryReadInto(buffer: Uint8Array): number | null | typeof EOF {
    const held = this.#held;
    if (held === null) return this.#nothingHeld();
    if (held.byteLength > buffer.byteLength) {
      buffer.set(held.subarray(0, buffer.byteLength));
      this.#held = held.subarray(buffer.byteLength);
      return buffer.byteLength;
    }
    buffer.set(held);
    // Copied out, and no view of it was handed out: the read buffer can be read into
    // again, which spares a fresh 64 KiB buffer per read (the cost that a
    // receive-into-your-own-buffer caller wants to avoid).
    if (this.#heldBuffer !== null) this.#spare = this.#heldBuffer;
    this.#takenAll();
    return held.byteLength;
  }

  /** All held bytes are taken; the next read starts when a receiver asks (see above). */
  #takenAll(): void {
    this.#held = null;
    this.#heldBuffer = null;
  }

  /** What tryRead and tryReadInto return when no bytes are held. */
  #nothingHeld(): null | typeof EOF {
    if (this.#error !== null) throw this.#error;
    if (this.#eof) return EOF;
    if (this.#released || this.#closing) throw new Error("the socket is closed");
    this.#startRead();
    return null;
  }

  onReadable(ready: () => void): CancelWait {
    const cancel = this.#readers.add(ready);
    if (this.#held !== null || this.#eof || this.#error !== null || this.#released) {
      // Already readable: notify from a microtask, since `ready` must not run during this call.
      queueMicrotask(() => this.#readers.notify());
    } else {
      this.#startRead();
    }
    return cancel;
  }

  /** Starts one read unless one is in flight, a chunk is held, or reading is over. */
  #startRead(): void {
    if (this.#reading || this.#held !== null || this.#eof || this.#error !== null || this.#released) return;
    this.#reading = true;
    const buffer = this.#spare ?? new Uint8Array(CHUNK);
    this.#spare = null;
    this.#conn.read(buffer).then(
      (n) => {
        this.#reading = false;
        if (this.#released) return this.#checkIdle();
        if (n === null) this.#eof = true;
        else if (n === 0) {
          this.#spare = buffer;
          return this.#startRead(); // 0 bytes is not the end; read on
        } else if (n <= COPY_BELOW) {
          // A small read is copied out and the buffer kept for the next read: a fresh
          // 64 KiB buffer per read costs more than the read itself when messages are
          // small (request/response traffic), and so does even a small fresh
          // ArrayBuffer, hence the slab. A large read hands its buffer over.
          this.#held = this.#small.copy(buffer, n);
          this.#spare = buffer;
        } else {
          this.#held = buffer.subarray(0, n);
          this.#heldBuffer = buffer;
        }
        this.#readers.notify();
      },
      (err) => {
        this.#reading = false;
        if (!this.#released) this.#fail(err);
        this.#checkIdle();
      },
    );
  }

  writable(): boolean {
    return this.#queued < CHUNK || this.#error !== null || this.#released;
  }

  onWritable(ready: () => void): CancelWait {
    const cancel = this.#writers.add(ready);
    if (this.writable()) queueMicrotask(() => this.#writers.notify());
    return cancel;
  }

  write(data: Uint8Array): void {
    if (this.#error !== null) throw this.#error;
    if (this.#released || this.#closing) throw new Error("the socket is closed");
    if (this.#writeShut) throw new Error("the socket's sending side was shut down");
    if (data.byteLength === 0) return;
    this.#queue.push(data);
    this.#queued += data.byteLength;
    if (!this.#pumping) void this.#pump();
  }

  /**
   * Writes the queue out, one conn.write at a time. It never rejects: a failed write is
   * stored in `#error` and drops the rest of the queue, since nothing after a lost byte
   * may be sent. It ends with the queue empty unless the stream failed or was released,
   * and in every case it wakes the flush waiters, so close() can go on.
   */
  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      while (this.#queue.length > 0 && !this.#released && this.#error === null) {
        const chunk = this.#mergeHead();
        let written: number;
        try {
          written = await this.#conn.write(chunk);
        } catch (err) {
          if (!this.#released) this.#fail(err);
          break;
        }
        // The head is still `chunk` here: write() only appends, and only the pump
        // removes, so the written bytes are exactly the head's first `written`.
        if (written >= chunk.byteLength) this.#queue.shift();
        else this.#queue[0] = chunk.subarray(written);
        this.#queued -= written;
        if (this.#queued < CHUNK) this.#writers.notify();
      }
    } finally {
      this.#pumping = false;
      const waiters = this.#flushWaiters;
      this.#flushWaiters = [];
      for (const resolve of waiters) resolve();
      this.#checkIdle();
    }
  }

  /** Merges small chunks at the head of the queue into one (up to 64 KiB) and returns it. */
  #mergeHead(): Uint8Array {
    const queue = this.#queue;
    const head = queue[0];
    if (queue.length === 1 || head.byteLength >= MERGE_BELOW) return head;
    let count = 0;
    let size = 0;
    while (count < queue.length && size + queue[count].byteLength <= CHUNK) size += queue[count++].byteLength;
    if (count <= 1) return head;
    const merged = new Uint8Array(size);
    let offset = 0;
    for (const part of queue.splice(0, count, merged)) {
      merged.set(part, offset);
      offset += part.byteLength;
    }
    return merged;
  }

  /** Resolves once nothing queued remains to write (or writing stopped for good). */
  #flushed(): Promise<void> {
    if (!this.#pumping) return Promise.resolve();
    return new Promise((resolve) => this.#flushWaiters.push(resolve));
  }

  shutdownWrite(): void {
    if (this.#writeShut || this.#closing || this.#released) return;
    this.#writeShut = true;
    this.#shutdown = this.#flushed().then(async () => {
      if (this.#released || this.#error !== null) return;
      this.#shuttingDown = true;
      try {
        await this.#conn.closeWrite();
      } catch (err) {
        // A peer that already went away makes shutdown(2) fail; that is a broken stream.
        if (!this.#released) this.#fail(err);
      } finally {
        this.#shuttingDown = false;
        this.#checkIdle();
      }
    });
  }

  close(): Promise<void> {
    if (this.#closed !== null) return this.#closed;
    this.#closing = true;
    this.#wakeAll();
    const released = new Promise<void>((resolve) => {
      if (this.#released) resolve();
      else this.#releasedWaiters.push(resolve);
    });
    const settled = (async () => {
      await this.#flushed();
      await this.#shutdown;
    })();
    // abort() during the flush releases the socket and so ends the wait at once, even if
    // a conn.write to a peer that never reads would not settle otherwise. Closing the
    // connection then makes every op in flight reject (writes and shutdowns too, on TCP
    // and TLS alike, as probed on Deno 2.9), so waiting for them ends.
    this.#closed = Promise.race([settled, released])
      .then(() => this.#release())
      .then(() => this.#opsSettled());
    return this.#closed;
  }

  abort(): void {
    this.#closing = true;
    this.#queue = [];
    this.#queued = 0;
    this.#release();
  }

  /**
   * Hands the connection to Deno.startTls if this stream never touched it in a way that
   * TLS would break: no read in flight or held, nothing queued, not shut down or
   * failed. The stream is then released without closing the connection. Returns null
   * (and changes nothing) otherwise.
   */
  takeIdleConn(): DenoConn | null {
    const idle = !this.#reading && this.#held === null && !this.#eof && !this.#pumping &&
      this.#queue.length === 0 && !this.#writeShut && !this.#closing && !this.#released && this.#error === null;
    if (!idle) return null;
    this.#closing = true;
    this.#released = true;
    this.#wakeAll();
    return this.#conn;
  }

  #fail(err: unknown): void {
    this.#error ??= asError(err);
    this.#queue = [];
    this.#queued = 0;
    this.#wakeAll();
  }

  /**
   * Resolves once no read, write or shutdown is in flight. Deno frees a connection's
   * socket only when the operations that hold it have settled (closing makes them
   * reject), so a close waits for them: once it resolves, the socket is really gone
   * (for a native TLS connection, handed to Deno's teardown: see close()).
   */
  #opsSettled(): Promise<void> {
    if (!this.#busy()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #busy(): boolean {
    return this.#reading || this.#pumping || this.#shuttingDown;
  }

  #checkIdle(): void {
    if (this.#busy()) return;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  #release(): void {
    if (!this.#released) {
      this.#released = true;
      closeQuietly(this.#conn);
    }
    for (const resolve of this.#releasedWaiters.splice(0)) resolve();
    this.#wakeAll();
  }

  #wakeAll(): void {
    this.#readers.notify();
    this.#writers.notify();
  }
}
