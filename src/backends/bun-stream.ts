/**
 * A Bun TCP or Unix socket (and, after upgradeTLS, a TLS one) as a raw stream.
 *
 * @module
 */
import { type CancelWait, EOF, type RawStream, type SocketInfo, type TlsInfo } from "./net.ts";
import { ChunkQueue } from "./chunk-queue.ts";
import { Notifier } from "./notifier.ts";
import { bunApi, type BunConnectOptions, type BunSocket, type BunSocketHandlers } from "./bun-api.ts";

// ---------------------------------------------------------------------------------------
// Streams

/** Read bytes queued beyond this pause the socket; the kernel then holds the rest. */
export const READ_HIGH_WATER = 64 * 1024;
/** `writable()` turns false while more than this waits in the userland write queue. */
export const WRITE_HIGH_WATER = 64 * 1024;

/** Queued writes smaller than this together are merged into one write. */
export const COALESCE_LIMIT = 64 * 1024;

export function closedError(): Error {
  return new Error("the socket is closed");
}

/**
 * The handlers of every stream socket. They are shared (Bun keeps one handler set per
 * connect or listen call) and dispatch through `socket.data`, which holds the
 * {@link BunStream}; a socket whose data is not one of ours (a listener's socket before
 * its `open`) is ignored.
 */
export const STREAM_HANDLERS: BunSocketHandlers = {
  binaryType: "uint8array",
  open: (socket) => streamOf(socket)?.attach(socket),
  data: (socket, data) => streamOf(socket)?.onData(data),
  end: (socket) => streamOf(socket)?.onEnd(),
  drain: (socket) => streamOf(socket)?.onDrain(),
  close: (socket, error) => streamOf(socket)?.onClose(error),
  error: (socket, error) => streamOf(socket)?.onError(error),
  handshake: (socket, success, error) => streamOf(socket)?.onHandshake(success, error),
};

export function streamOf(socket: BunSocket): BunStream | undefined {
  return socket.data instanceof BunStream ? socket.data : undefined;
}

/** What startTls must know of a TLS stream's handshake while it runs. */
export interface HandshakeWait {
  resolve(): void;
  reject(error: Error): void;
  /** Whether an authorization error fails the handshake (verification was asked for). */
  verify: boolean;
}

/**
 * A Bun socket as a {@link RawStream}.
 *
 * State invariants:
 * - The socket is paused exactly when `#paused`; it is paused only while `#received`
 *   holds READ_HIGH_WATER bytes or more, and `tryRead` resumes it once a take brings
 *   the count below that, so a stream that is read from always gets going again.
 * - `#outBytes` is the sum of the lengths in `#outQueue`. Nothing is passed to
 *   `socket.write` while `#outQueue` is non-empty but its head, so bytes leave in the
 *   order `write` took them. `shutdown()`/`end()` are deferred (`#shutdownPending`,
 *   `#endPending`) until the queue is empty, so FIN never overtakes data.
 * - `#released` is set once, by Bun's `close` handler or by `abort()`; from then on the
 *   socket is never touched again and every waiter has been woken.
 * - `#transferred` is set when startTls took the socket; from then on this object
 *   ignores every event (Bun keeps calling the plain socket's handlers with ciphertext)
 *   and never touches the socket, which belongs to the TLS stream.
 */
export class BunStream implements RawStream {
  info: SocketInfo;
  tls: TlsInfo | null = null;
  #socket: BunSocket | null = null;
  /** Whether `info` is read from the socket when it attaches (IP sockets). */
  readonly #ipInfo: boolean;
  readonly #readers = new Notifier();
  readonly #writers = new Notifier();
  readonly #received = new ChunkQueue();
  #paused = false;
  #ended = false;
  #error: Error | null = null;
  #outQueue: Uint8Array[] = [];
  #outBytes = 0;
  #shutdownRequested = false;
  #shutdownPending = false;
  #closing = false;
  #endPending = false;
  #released = false;
  #transferred = false;
  readonly #closed: Promise<void>;
  #resolveClosed!: () => void;
  /** Set while startTls waits for this (TLS) stream's handshake. */
  handshakeWait: HandshakeWait | null = null;

  /** `info` is final for Unix and TLS streams; for IP streams it is read at `attach`. */
  constructor(info: SocketInfo | null) {
    this.#ipInfo = info === null;
    this.info = info ?? { family: "IPv4", localAddress: "" };
    this.#closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
  }

  /**
   * Binds the Bun socket (from `open`, or from the value Bun.connect/upgradeTLS return;
   * the second call finds it bound). A stream aborted before its connection arrived
   * closes the connection at once: that is how an aborted connect never leaks.
   */
  attach(socket: BunSocket): void {
    if (this.#socket !== null) return;
    this.#socket = socket;
    if (this.#closing) {
      socket.terminate();
      this.#markReleased();
      return;
    }
    if (this.#ipInfo) {
      this.info = ipInfo(socket);
      socket.setNoDelay(true);
    }
  }

  onData(data: Uint8Array): void {
    if (this.#transferred || this.#closing) return;
    this.#received.push(data);
    if (!this.#paused && this.#received.size >= READ_HIGH_WATER) {
      this.#paused = true;
      this.#socket?.pause();
    }
    this.#readers.notify();
  }

  onEnd(): void {
    if (this.#transferred) return;
    this.#ended = true;
    this.#readers.notify();
  }

  onDrain(): void {
    if (this.#transferred || this.#released) return;
    this.#pump();
  }

  onError(error: Error): void {
    if (this.#transferred) return;
    this.#error ??= error;
    this.#failHandshake(error);
    this.#wakeAll();
  }

  onClose(error: Error | undefined): void {
    if (this.#transferred) return;
    if (!this.#closing) {
      // The peer closed (or the connection broke) while we still used it. A clean
      // close without an `end` call is how Bun reports the peer's FIN to a socket that
      // already shut down its writing side: all data came before it, so it is EOF.
      if (error !== undefined) this.#error ??= error;
      else this.#ended = true;
    }
    this.#failHandshake(error ?? new Error("the connection closed during the TLS handshake"));
    this.#markReleased();
  }

  onHandshake(success: boolean, authorizationError: Error | null): void {
    if (this.#transferred) return;
    const wait = this.handshakeWait;
    if (wait === null) return;
    this.handshakeWait = null;
    if (!success) wait.reject(authorizationError ?? new Error("the TLS handshake failed"));
    else if (wait.verify && authorizationError !== null) wait.reject(authorizationError);
    else wait.resolve();
  }

  #failHandshake(error: Error): void {
    const wait = this.handshakeWait;
    if (wait === null) return;
    this.handshakeWait = null;
    wait.reject(error);
  }

  #markReleased(): void {
    if (this.#released) return;
    this.#released = true;
    this.#closing = true;
    // The read queue stays: what arrived before the peer closed is still delivered.
    this.#outQueue = [];
    this.#outBytes = 0;
    this.#resolveClosed();
    this.#wakeAll();
  }

  #wakeAll(): void {
    this.#readers.notify();
    this.#writers.notify();
  }

  tryRead(maxBytes: number): Uint8Array | null | typeof EOF {
    // ChunkQueue cuts a longer chunk and keeps its rest in front: no byte is lost or repeated.
    const chunk = this.#received.take(maxBytes);
    if (chunk !== null) {
      if (this.#paused && this.#received.size < READ_HIGH_WATER) {
        this.#paused = false;
        this.#socket?.resume();
      }
      return chunk;
    }
    if (this.#error !== null) throw this.#error;
    if (this.#ended) return EOF;
    if (this.#closing || this.#transferred) throw closedError();
    return null;
  }

  onReadable(ready: () => void): CancelWait {
    return this.#readers.add(ready);
  }

  writable(): boolean {
    // True on failure or close too, so that the waiting sender calls write() and gets
    // the error instead of waiting forever.
    return this.#outBytes < WRITE_HIGH_WATER || this.#error !== null || this.#closing || this.#transferred;
  }

  onWritable(ready: () => void): CancelWait {
    return this.#writers.add(ready);
  }

  write(data: Uint8Array): void {
    if (this.#error !== null) throw this.#error;
    if (this.#closing || this.#transferred || this.#socket === null) throw closedError();
    if (this.#shutdownRequested) throw new Error("the socket's writing side was shut down");
    if (data.byteLength === 0) return;
    let rest = data;
    if (this.#outQueue.length === 0) {
      const written = this.#socket.write(data);
      if (written < 0) {
        // Bun says -1 once its socket is closed; the close handler has not run yet.
        this.#error ??= closedError();
        throw this.#error;
      }
      if (written >= data.byteLength) return;
      rest = data.subarray(written);
    }
    this.#outQueue.push(rest);
    this.#outBytes += rest.byteLength;
  }

  /** Writes queued bytes while Bun takes them, then runs a deferred shutdown or end. */
  #pump(): void {
    const socket = this.#socket!;
    while (this.#outQueue.length > 0) {
      const head = this.#coalesceHead();
      const written = socket.write(head);
      if (written < 0) return; // closed: the close handler releases everything
      this.#outBytes -= written;
      if (written < head.byteLength) {
        this.#outQueue[0] = head.subarray(written);
        break;
      }
      this.#outQueue.shift();
    }
    if (this.#outQueue.length === 0) this.#afterFlush();
    if (this.#outBytes < WRITE_HIGH_WATER) this.#writers.notify();
  }

  /**
   * Merges small chunks at the front of the write queue into one (up to
   * COALESCE_LIMIT bytes), so that many small sends queued under backpressure go out in
   * a few writes, not one system call each. Order and bytes are unchanged.
   */
  #coalesceHead(): Uint8Array {
    const queue = this.#outQueue;
    if (queue.length < 2 || queue[0].byteLength + queue[1].byteLength > COALESCE_LIMIT) return queue[0];
    let count = 0;
    let size = 0;
    while (count < queue.length && size + queue[count].byteLength <= COALESCE_LIMIT) {
      size += queue[count].byteLength;
      count++;
    }
    const merged = concat(queue.slice(0, count), size);
    queue.splice(0, count, merged);
    return merged;
  }

  #afterFlush(): void {
    const socket = this.#socket!;
    if (this.#endPending) {
      this.#endPending = false;
      socket.end();
    } else if (this.#shutdownPending) {
      this.#shutdownPending = false;
      socket.shutdown();
    }
  }

  shutdownWrite(): void {
    if (this.#shutdownRequested || this.#closing || this.#transferred || this.#socket === null) return;
    this.#shutdownRequested = true;
    this.#shutdownPending = true;
    if (this.#outQueue.length === 0) this.#afterFlush();
  }

  close(): Promise<void> {
    if (this.#transferred) return Promise.resolve();
    if (!this.#closing) {
      this.#closing = true;
      // Received bytes are dropped now (nobody may read them any more); bytes written
      // are still sent: end() runs once the write queue is empty.
      this.#received.drain();
      if (this.#socket !== null) {
        this.#endPending = true;
        if (this.#outQueue.length === 0) this.#afterFlush();
      } else {
        this.#markReleased();
      }
      this.#wakeAll();
    }
    return this.#closed;
  }

  abort(): void {
    if (this.#transferred || this.#released) return;
    this.#closing = true;
    this.#received.drain();
    // terminate() releases the file descriptor at once; Bun also calls the close
    // handler, which then finds the stream released already.
    this.#socket?.terminate();
    if (this.#socket !== null) this.#markReleased();
    else this.#wakeAll(); // attach() terminates the connection when it arrives
  }

  /**
   * Resolves once every written byte was handed to Bun, so that the TLS handshake
   * starts after the plain bytes written before it. Rejects when the stream fails or
   * closes meanwhile, or when `signal` aborts.
   */
  async flushForUpgrade(signal: AbortSignal): Promise<void> {
    while (true) {
      if (signal.aborted) throw signal.reason;
      if (this.#error !== null) throw this.#error;
      if (this.#closing || this.#transferred || this.#socket === null) throw closedError();
      if (this.#outQueue.length === 0) return;
      await new Promise<void>((resolve) => {
        const onAbort = () => {
          cancel();
          resolve();
        };
        const cancel = this.#writers.add(() => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        });
        signal.addEventListener("abort", onAbort, { once: true });
      });
    }
  }

  /**
   * Hands the socket over to a TLS stream: from now on this object ignores the
   * socket's events. Returns the socket and the bytes received but not read yet (the
   * start of the peer's handshake, when it sent it right after its last plain bytes).
   */
  transfer(): { socket: BunSocket; pending: Uint8Array | undefined } {
    const socket = this.#socket!;
    this.#transferred = true;
    const size = this.#received.size;
    const pending = size === 0 ? undefined : concat(this.#received.drain(), size);
    if (this.#paused) {
      this.#paused = false;
      socket.resume();
    }
    this.#resolveClosed();
    this.#wakeAll();
    return { socket, pending };
  }

  /** The connected Bun socket (for TLS info), once attached. */
  get socket(): BunSocket | null {
    return this.#socket;
  }
}

export function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

export function ipFamily(family: string | undefined, address: string | undefined): "IPv4" | "IPv6" {
  if (family === "IPv6" || family === "IPv4") return family;
  return address?.includes(":") ? "IPv6" : "IPv4";
}

export function ipInfo(socket: BunSocket): SocketInfo {
  return {
    family: ipFamily(socket.localFamily ?? socket.remoteFamily, socket.localAddress),
    localAddress: socket.localAddress ?? "",
    localPort: socket.localPort,
    remoteAddress: socket.remoteAddress ?? "",
    remotePort: socket.remotePort,
  };
}

/**
 * Connects with Bun.connect, which takes no AbortSignal: on abort the promise rejects
 * at once with the signal's reason, and the stream is marked closing, so the
 * connection is terminated the moment it arrives (in `open`, which Bun calls before
 * its promise settles). A later rejection of Bun's promise is consumed here.
 */
export function connectStream(options: BunConnectOptions, stream: BunStream, signal: AbortSignal): Promise<RawStream> {
  return new Promise<RawStream>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    let settled = false;
    const onAbort = () => {
      settled = true;
      stream.abort();
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    let connecting: Promise<BunSocket>;
    try {
      connecting = bunApi().connect(options);
    } catch (error) {
      signal.removeEventListener("abort", onAbort);
      reject(error);
      return;
    }
    connecting.then(
      (socket) => {
        signal.removeEventListener("abort", onAbort);
        stream.attach(socket);
        if (settled) socket.terminate();
        else resolve(stream);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        if (!settled) reject(error);
      },
    );
  });
}
