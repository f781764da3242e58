/**
 * Networking through Deno's native APIs: Deno.connect and Deno.listen for TCP and Unix
 * sockets, Deno.startTls for client TLS, Deno.listenDatagram for UDP and Unix datagrams.
 *
 * Deno's sockets are completion-based (`await conn.read(buf)`), while the
 * {@link RawStream} interface is readiness-based (a wait that can be abandoned, then a
 * synchronous transfer). The adapters below bridge the two by keeping at most one
 * operation of each kind in flight and holding its result until it is taken: a read that
 * completes while nobody receives is not lost, it waits in `#held` for the next
 * `tryRead`. That is what keeps cancellation lossless on this backend.
 *
 * node:* modules are used only where Deno has no native API, and each such spot says so:
 * DNS (node:dns), server-side TLS and the client TLS features Deno.startTls lacks
 * (node:tls over a node:stream bridge), and connecting from a given local address
 * (node:net).
 *
 * @module
 */
import dns from "node:dns";
import net from "node:net";
import { Duplex } from "node:stream";
import tls from "node:tls";
import {
  type CancelWait,
  EOF,
  type NetBackend,
  type RawDatagram,
  type RawDatagramSocket,
  type RawListener,
  type RawStream,
  type SocketInfo,
  type TcpConnectSettings,
  type TcpListenSettings,
  type TlsClientSettings,
  type TlsInfo,
  type TlsServerSettings,
  type UdpSettings,
} from "./net.ts";
import { type Bridge, clientTlsOptions, NodeStream, readTlsInfo, serverTlsOptions, settleOn } from "./node-socket.ts";
import { DatagramQueue } from "./datagram-queue.ts";
import { Notifier } from "./notifier.ts";

// ---------------------------------------------------------------------------------------
// The slice of the Deno namespace this adapter uses (so no Deno type package is needed).

interface DenoNetAddr {
  transport: "tcp" | "udp";
  hostname: string;
  port: number;
}

interface DenoUnixAddr {
  transport: "unix" | "unixpacket";
  /** null for an unnamed end. */
  path: string | null;
}

type DenoAddr = DenoNetAddr | DenoUnixAddr;

interface DenoConn {
  read(buffer: Uint8Array): Promise<number | null>;
  write(data: Uint8Array): Promise<number>;
  closeWrite(): Promise<void>;
  close(): void;
  readonly localAddr: DenoAddr;
  readonly remoteAddr: DenoAddr;
  /** TCP connections only. */
  setNoDelay?(noDelay?: boolean): void;
}

interface DenoTlsConn extends DenoConn {
  handshake(): Promise<{ alpnProtocol: string | null }>;
}

interface DenoListenerHandle {
  accept(): Promise<DenoConn>;
  close(): void;
  readonly addr: DenoAddr;
}

interface DenoDatagramConn {
  receive(buffer?: Uint8Array): Promise<[Uint8Array, DenoAddr]>;
  send(data: Uint8Array, to: DenoAddr): Promise<number>;
  close(): void;
  readonly addr: DenoAddr;
}

interface DenoFileInfo {
  isSocket: boolean | null;
  ino: number | null;
  dev: number;
}

interface DenoNetNamespace {
  connect(
    options:
      | { transport: "tcp"; hostname: string; port: number; signal?: AbortSignal }
      | { transport: "unix"; path: string },
  ): Promise<DenoConn>;
  listen(
    options:
      | { transport: "tcp"; hostname: string; port: number; tcpBacklog?: number; reusePort?: boolean }
      | { transport: "unix"; path: string },
  ): DenoListenerHandle;
  startTls(
    conn: DenoConn,
    options: { hostname?: string; caCerts?: string[]; alpnProtocols?: string[] },
  ): Promise<DenoTlsConn>;
  /** Absent unless Deno runs with --unstable-net. */
  listenDatagram?(
    options:
      | { transport: "udp"; hostname: string; port: number; reuseAddress?: boolean }
      | { transport: "unixpacket"; path?: string },
  ): DenoDatagramConn;
  chmod(path: string, mode: number): Promise<void>;
  lstatSync(path: string): DenoFileInfo;
  removeSync(path: string): void;
}

function deno(): DenoNetNamespace {
  const ns = (globalThis as { Deno?: DenoNetNamespace }).Deno;
  if (ns === undefined) throw new Error("the deno backend needs the Deno runtime");
  return ns;
}

// ---------------------------------------------------------------------------------------
// Small helpers.

/** Size of the buffer each read fills, and the write queue's high-water mark. */
const CHUNK = 64 * 1024;
/** Reads of at most this many bytes are copied out of the read buffer, which is then reused. */
const COPY_BELOW = 4096;

/** Small queued writes are merged into one conn.write up to this size (fewer ops). */
const MERGE_BELOW = 16 * 1024;

function swallow(): void {}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function familyOf(address: string): "IPv4" | "IPv6" {
  return address.includes(":") ? "IPv6" : "IPv4";
}

function ipInfo(conn: DenoConn): SocketInfo {
  const local = conn.localAddr as DenoNetAddr;
  const remote = conn.remoteAddr as DenoNetAddr;
  return {
    family: familyOf(local.hostname),
    localAddress: local.hostname,
    localPort: local.port,
    remoteAddress: remote.hostname,
    remotePort: remote.port,
  };
}

function unixInfo(conn: DenoConn): SocketInfo {
  return {
    family: "unix",
    localAddress: (conn.localAddr as DenoUnixAddr).path ?? "",
    remoteAddress: (conn.remoteAddr as DenoUnixAddr).path ?? "",
  };
}

/**
 * Waits for `pending`, a Deno operation that makes a resource, unless `signal` aborts
 * first. Then `interrupt` makes the operation stop (by closing what it works on, or
 * through the signal Deno was given), and the promise still waits for `pending` to
 * settle, hands a resource that arrived anyway to `dispose` and waits for that too, and
 * only then rejects with the signal's reason. Rejecting at once would let the caller go
 * on while a socket is still open: Deno frees a socket only once no operation holds it,
 * and an operation that cannot be interrupted (a Unix connect) still makes its
 * connection. Waiting is prompt all the same, since an interrupted operation rejects
 * within an event-loop turn and a Unix connect never blocks (it succeeds or fails at
 * once). A result that arrived before the abort wins: the promise resolves with it, and
 * the caller closes it.
 */
async function abortable<T>(
  pending: Promise<T>,
  signal: AbortSignal,
  interrupt: () => void,
  dispose: (late: T) => void | Promise<void>,
): Promise<T> {
  type Outcome = { ok: true; value: T } | { ok: false; error: unknown };
  const outcome = pending.then(
    (value): Outcome => ({ ok: true, value }),
    (error): Outcome => ({ ok: false, error }),
  );
  let onAbort = swallow;
  const aborted = new Promise<null>((resolve) => {
    onAbort = () => resolve(null);
  });
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  let first: Outcome | null;
  try {
    first = await Promise.race([outcome, aborted]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
  if (first === null) {
    interrupt();
    const late = await outcome;
    if (late.ok) await dispose(late.value);
    throw signal.reason;
  }
  if (first.ok) return first.value;
  throw first.error;
}

/** Closes `conn`, which may be closed already (by Deno, or consumed by Deno.startTls). */
function closeQuietly(conn: { close(): void }): void {
  try {
    conn.close();
  } catch {
    // Already closed: released either way.
  }
}

/** The file's identity if `path` names a socket, else null (missing or another kind). */
function socketFileId(path: string): string | null {
  try {
    const stat = deno().lstatSync(path);
    return stat.isSocket ? `${stat.dev}:${stat.ino}` : null;
  } catch {
    return null;
  }
}

/**
 * Removes the file at `path` if it is a socket, so a listener can take over the path of
 * one that died without cleaning up. Any other file is left for listen() to fail on.
 */
function removeStaleSocket(path: string): void {
  if (socketFileId(path) === null) return;
  try {
    deno().removeSync(path);
  } catch {
    // Gone meanwhile, or not ours to remove: listen() reports what matters.
  }
}

/** Removes our socket file at `path` if it is still the one we made (`id`). */
function removeOwnSocket(path: string, id: string | null): void {
  if (id !== null && socketFileId(path) === id) removeStaleSocket(path);
}

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
 * Reading: at most one `conn.read` is in flight, into a fresh 64 KiB buffer, and its
 * result is held in `#held` until `tryRead` takes it. The next read starts only once the
 * held bytes are all taken, so at most one chunk waits here while nobody receives (the
 * kernel's buffer and TCP flow control do the rest). The first read starts on the first
 * `tryRead` or `onReadable`, so a fresh stream has no read in flight, which lets
 * Deno.startTls take over its connection.
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
class DenoStream implements RawStream {
  readonly info: SocketInfo;
  readonly #conn: DenoConn;
  #tls: TlsInfo | null;
  readonly #readers = new Notifier();
  readonly #writers = new Notifier();
  // Read side.
  #held: Uint8Array | null = null;
  #reading = false;
  #eof = false;
  /** A read buffer to use again (see #startRead). */
  #spare: Uint8Array | null = null;
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
    if (held !== null) {
      if (held.byteLength > maxBytes) {
        this.#held = held.subarray(maxBytes);
        return held.subarray(0, maxBytes);
      }
      // All held bytes are taken: read ahead, so the next chunk is (likely) on its way
      // while the caller handles this one.
      this.#held = null;
      this.#startRead();
      return held;
    }
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
          // small (request/response traffic). A large read hands its buffer over.
          this.#held = buffer.slice(0, n);
          this.#spare = buffer;
        } else this.#held = buffer.subarray(0, n);
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

// ---------------------------------------------------------------------------------------
// node:tls over a bridge. Deno has no server-side TLS upgrade of an accepted connection,
// and its client-side Deno.startTls cannot send a client certificate, skip verification,
// run over a Unix socket, or start on a stream that already has a read in flight. For
// those, node:tls (which Deno implements) runs over a node:stream Duplex that reads and
// writes the RawStream. This is the only reason node:tls and node:stream are used here.

/**
 * A node:stream Duplex over a {@link RawStream}, so node:tls can run on one of this
 * backend's streams. Reads go through `tryRead`/`onReadable` and writes through
 * `write`/`onWritable`, so backpressure holds on both sides: a write callback is called
 * only once the raw stream is below its high-water mark again.
 *
 * Received bytes are passed on only while `gate()` allows (see canPause in node-socket.ts
 * for why); whoever closed the gate calls `kick()` once it may be open again.
 */
class RawDuplex extends Duplex implements Bridge {
  readonly raw: RawStream;
  gate: () => boolean = () => true;
  /** Node asked for data (`_read`) and `push` has not refused any since. */
  #wanted = false;
  #waitingRead = false;

  constructor(raw: RawStream) {
    super({ allowHalfOpen: true });
    this.raw = raw;
  }

  override _read(): void {
    this.#wanted = true;
    this.#pull();
  }

  /** Moves received bytes (or the end) into the Duplex while wanted and allowed. */
  kick(): void {
    this.#pull();
  }

  #pull(): void {
    while (this.#wanted && !this.#waitingRead && !this.destroyed && this.gate()) {
      let chunk: Uint8Array | null | typeof EOF;
      try {
        chunk = this.raw.tryRead(CHUNK);
      } catch (err) {
        this.destroy(asError(err));
        return;
      }
      if (chunk === null) {
        this.#waitingRead = true;
        this.raw.onReadable(() => {
          this.#waitingRead = false;
          this.#pull();
        });
        return;
      }
      if (chunk === EOF) {
        this.#wanted = false;
        this.push(null);
        return;
      }
      this.#wanted = this.push(chunk);
    }
  }

  override _write(chunk: Uint8Array, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    try {
      this.raw.write(chunk);
    } catch (err) {
      callback(asError(err));
      return;
    }
    const check = () => {
      if (this.raw.writable()) callback();
      else this.raw.onWritable(check);
    };
    check();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.raw.shutdownWrite();
    callback();
  }

  override _destroy(err: Error | null, callback: (error: Error | null) => void): void {
    // An error aborts the raw stream; an orderly end closes it, flushing what TLS wrote
    // last (its close_notify). NodeStream makes the same calls; both are idempotent.
    if (err !== null) this.raw.abort();
    else void this.raw.close();
    callback(err);
  }
}

/** Runs a TLS handshake with node:tls over `raw` (see the section comment). */
async function startNodeTls(
  raw: RawStream,
  settings: { client: TlsClientSettings } | { server: TlsServerSettings },
  signal: AbortSignal,
): Promise<RawStream> {
  const duplex = new RawDuplex(raw);
  const serverSide = "server" in settings;
  const socket = "client" in settings
    ? tls.connect({ socket: duplex, ...clientTlsOptions(settings.client, raw.info.remoteAddress ?? "localhost") })
    : new tls.TLSSocket(duplex, serverTlsOptions(settings.server));
  // node:tls says a handshake is done with 'secure' on the server and 'secureConnect' on the client.
  const success = serverSide ? "secure" : "secureConnect";
  try {
    await settleOn(socket, success, signal, () => {
      socket.destroy();
      raw.abort();
    });
  } catch (err) {
    // abort() released the raw stream, but its socket is freed only once the bridge's
    // pending read settled; close() waits for that, so the rejection comes after.
    await raw.close();
    throw err;
  }
  const stream = new NodeStream(socket, raw.info, duplex);
  stream.tls = readTlsInfo(socket, serverSide);
  return stream;
}

/** Client TLS with Deno.startTls on the (idle, TCP) connection of a DenoStream. */
async function startDenoTls(
  conn: DenoConn,
  info: SocketInfo,
  client: TlsClientSettings,
  signal: AbortSignal,
): Promise<RawStream> {
  let tlsConn: DenoTlsConn;
  try {
    // Deno.startTls only wraps the connection, synchronously (the handshake runs in
    // handshake() below), so there is nothing to abort here.
    tlsConn = await deno().startTls(conn, {
      hostname: client.serverName ?? info.remoteAddress,
      caCerts: client.ca === undefined ? undefined : [...client.ca],
      alpnProtocols: client.alpnProtocols === undefined ? undefined : [...client.alpnProtocols],
    });
  } catch (err) {
    // A failed startTls either left the connection alone or took it and dropped it.
    closeQuietly(conn);
    throw err;
  }
  // The stream owns the TLS connection from here on, so every way out below closes it
  // with DenoStream.close(), which resolves only once Deno let go of the socket.
  const stream = new DenoStream(tlsConn, info);
  try {
    // Deno's handshake() takes no signal; closing the connection makes it reject, and
    // abortable() waits for that, so no handshake op holds the socket afterwards.
    const handshake = await abortable(tlsConn.handshake(), signal, () => stream.abort(), swallow);
    stream.handshakeDone({ serverSide: false, alpnProtocol: handshake.alpnProtocol ?? null });
    return stream;
  } catch (err) {
    stream.abort();
    await stream.close();
    throw err;
  }
}

// ---------------------------------------------------------------------------------------
// Listeners.

/**
 * Accepted connections queue here while nobody takes them; beyond this many the
 * listener stops accepting, and the kernel's backlog holds (then refuses) the rest.
 */
const MAX_ACCEPT_QUEUE = 128;

/**
 * A Deno listener as a {@link RawListener}. One `accept()` is kept in flight while fewer
 * than MAX_ACCEPT_QUEUE connections wait. An accept error is thrown once by `tryAccept`,
 * and accepting then resumes (EMFILE, say, passes).
 */
class NativeListener implements RawListener {
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


// ---------------------------------------------------------------------------------------
// Datagram sockets.

/**
 * A Deno datagram socket (UDP, or Unix "unixpacket") as a {@link RawDatagramSocket}.
 *
 * One `receive()` is kept in flight from the start, so datagrams are taken from the
 * kernel as they come, as node:dgram does; up to MAX_QUEUED of them wait here, and the
 * oldest is dropped beyond that, as UDP may. Deno's datagram sockets cannot connect(2),
 * so a "connected" socket filters: `accepts` drops datagrams from other senders.
 */
class DenoDatagramSocket implements RawDatagramSocket {
  readonly info: SocketInfo;
  readonly #socket: DenoDatagramConn;
  readonly #toAddr: (address: string, port: number) => DenoAddr;
  readonly #remote: DenoAddr | null;
  readonly #accepts: (from: DenoAddr) => boolean;
  readonly #onClosed: () => void;
  readonly #received = new DatagramQueue();
  #receiving: Promise<void> | null = null;
  #closed: Promise<void> | null = null;

  constructor(options: {
    socket: DenoDatagramConn;
    info: SocketInfo;
    toAddr: (address: string, port: number) => DenoAddr;
    remote: DenoAddr | null;
    accepts: (from: DenoAddr) => boolean;
    canReceive: boolean;
    onClosed: () => void;
  }) {
    this.#socket = options.socket;
    this.info = options.info;
    this.#toAddr = options.toAddr;
    this.#remote = options.remote;
    this.#accepts = options.accepts;
    this.#onClosed = options.onClosed;
    // An unbound Unix datagram socket has no address to receive on: its receive() would
    // never settle, so none is started.
    if (options.canReceive) this.#receive();
  }

  #receive(): void {
    if (this.#receiving !== null || this.#closed !== null) return;
    this.#receiving = this.#socket.receive().then(
      ([data, from]) => {
        this.#receiving = null;
        if (this.#closed !== null) return;
        if (this.#accepts(from)) {
          // Deno returns a view of a 64 KiB buffer; a copy keeps a queued datagram small.
          const own = data.byteLength === data.buffer.byteLength ? data : data.slice();
          this.#received.push(
            "hostname" in from
              ? { data: own, address: from.hostname, port: from.port }
              : { data: own, address: from.path ?? "", port: 0 },
          );
        }
        this.#receive();
      },
      (err) => {
        this.#receiving = null;
        // After close, Deno rejects the pending receive with Interrupted: nothing to report.
        if (this.#closed !== null) return;
        this.#received.fail(asError(err));
      },
    );
  }

  tryReceive(): RawDatagram | null {
    try {
      return this.#received.take();
    } catch (error) {
      // The error ended the receive in flight; receiving resumes (an ICMP error need not end a socket).
      this.#receive();
      throw error;
    }
  }

  onReceivable(ready: () => void): CancelWait {
    const cancel = this.#received.onReady(ready);
    if (this.#received.ready || this.#closed !== null) queueMicrotask(() => this.#received.wake());
    return cancel;
  }

  async send(data: Uint8Array, address?: string, port?: number): Promise<void> {
    if (this.#closed !== null) throw new Error("the socket is closed");
    const to = address === undefined ? this.#remote : this.#toAddr(address, port ?? 0);
    if (to === null) throw new Error("the socket is not connected: send() needs an address");
    await this.#socket.send(data, to);
  }

  close(): Promise<void> {
    if (this.#closed !== null) return this.#closed;
    try {
      this.#socket.close();
    } catch {
      // Already closed.
    }
    // As with listeners, the port is free once the pending receive has been rejected.
    this.#closed = (this.#receiving ?? Promise.resolve()).then(() => this.#onClosed());
    this.#received.wake();
    return this.#closed;
  }
}

/** `host` in one canonical form, so addresses from Deno and from the user compare equal. */
function canonicalIp(host: string): string {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (mapped !== null) return mapped[1];
  if (!bare.includes(":")) return bare;
  // Expand "::" and drop leading zeros: "0:0:0:0:0:0:0:1" and "::1" become equal.
  const [head, tail] = bare.includes("::") ? bare.split("::") : [bare, undefined];
  const headParts = head === "" ? [] : head.split(":");
  const tailParts = tail === undefined || tail === "" ? [] : tail.split(":");
  const fill = tail === undefined ? [] : new Array<string>(8 - headParts.length - tailParts.length).fill("0");
  return [...headParts, ...fill, ...tailParts].map((part) => part.replace(/^0+(?=.)/, "")).join(":");
}

function udpUnavailable(): Error {
  return new Error(
    "UDP on the deno backend needs Deno's --unstable-net flag (Deno.listenDatagram is unstable); " +
      'run with --unstable-net, or use backend "node"',
  );
}

// ---------------------------------------------------------------------------------------
// The adapter.

/**
 * Builds the Deno networking adapter (native Deno.* sockets; see the module comment for
 * where node:* modules stand in). Throws when not running on Deno.
 *
 * @example
 * ```ts
 * import { createDenoNet } from "./deno-net.ts";
 *
 * const net = createDenoNet();
 * const listener = await net.listenTcp({ host: "127.0.0.1", port: 0, backlog: 128, reusePort: false, ipv6Only: false });
 * console.log(listener.info.localPort);
 * await listener.close();
 * ```
 */
export function createDenoNet(): NetBackend {
  const ns = deno();

  return {
    // Deno.listen has no IPV6_V6ONLY: a listener on "::" is dual-stack (Linux's default),
    // so an IPv4 listener on "0.0.0.0" with the same port fails with EADDRINUSE (probed
    // on Deno 2.9). Deno's node:net ignores ipv6Only likewise.
    ipv6OnlyListeners: false,

    async connectTcp(settings: TcpConnectSettings, signal: AbortSignal): Promise<RawStream> {
      if (settings.localHost !== undefined || settings.localPort !== undefined) {
        // Deno.connect cannot bind the local end, so this one case uses node:net.
        const socket = net.connect({
          host: settings.host,
          port: settings.port,
          localAddress: settings.localHost,
          localPort: settings.localPort,
          allowHalfOpen: true,
          noDelay: true,
        });
        try {
          await settleOn(socket, "connect", signal, () => socket.destroy());
        } catch (err) {
          // destroy() closes the socket in a later turn: the rejection waits for that.
          if (!socket.closed) await new Promise((resolve) => socket.once("close", resolve));
          throw err;
        }
        const info: SocketInfo = {
          family: familyOf(socket.localAddress ?? settings.host),
          localAddress: socket.localAddress ?? "",
          localPort: socket.localPort,
          remoteAddress: socket.remoteAddress ?? settings.host,
          remotePort: socket.remotePort ?? settings.port,
        };
        return new NodeStream(socket, info);
      }
      if (signal.aborted) throw signal.reason;
      // Deno.connect cancels its connect op when its signal aborts, but it also checks the
      // signal in a `finally` once the op is done (Deno 2.9): an abort that lands after the
      // op made the connection, before Deno.connect resumes, throws there and loses the
      // connection with its socket open for good. So Deno gets a signal of its own whose
      // throwIfAborted() does nothing: aborted, the op rejects (Interrupted) or hands over
      // a connection that abortable() closes.
      const connecting = new AbortController();
      Object.defineProperty(connecting.signal, "throwIfAborted", { value: swallow });
      const conn = await abortable(
        ns.connect({ transport: "tcp", hostname: settings.host, port: settings.port, signal: connecting.signal }),
        signal,
        () => connecting.abort(signal.reason),
        (late) => late.close(),
      );
      conn.setNoDelay?.(true);
      return new DenoStream(conn, ipInfo(conn));
    },

    async listenTcp(settings: TcpListenSettings): Promise<RawListener> {
      // Deno.listen has no ipv6Only option (see ipv6OnlyListeners): `settings.ipv6Only`
      // cannot be honoured and is ignored.
      const listener = ns.listen({
        transport: "tcp",
        hostname: settings.host,
        port: settings.port,
        tcpBacklog: settings.backlog,
        reusePort: settings.reusePort,
      });
      const addr = listener.addr as DenoNetAddr;
      return new NativeListener(
        listener,
        { family: familyOf(settings.host), localAddress: addr.hostname, localPort: addr.port },
        (conn) => {
          conn.setNoDelay?.(true);
          return new DenoStream(conn, ipInfo(conn));
        },
        swallow,
      );
    },

    async connectUnix(path: string, signal: AbortSignal): Promise<RawStream> {
      // Deno.connect takes no signal for Unix sockets: an aborted connect is waited for
      // (it never blocks) and the connection it made closed, by abortable().
      const conn = await abortable(ns.connect({ transport: "unix", path }), signal, swallow, (late) => late.close());
      const info = unixInfo(conn);
      return new DenoStream(conn, { ...info, remoteAddress: info.remoteAddress || path });
    },

    async listenUnix(path: string, mode: number | undefined, _backlog: number): Promise<RawListener> {
      // Deno.listen has no backlog option for Unix sockets (only tcpBacklog for TCP), so
      // `_backlog` is ignored here and the default (511) applies.
      removeStaleSocket(path);
      const listener = ns.listen({ transport: "unix", path });
      if (mode !== undefined) {
        try {
          await ns.chmod(path, mode);
        } catch (err) {
          listener.close();
          removeStaleSocket(path);
          throw err;
        }
      }
      const id = socketFileId(path);
      return new NativeListener(
        listener,
        { family: "unix", localAddress: path },
        (conn) => {
          const info = unixInfo(conn);
          return new DenoStream(conn, { ...info, localAddress: info.localAddress || path });
        },
        // Deno unlinks the socket file itself once the listener is gone (measured on
        // Deno 2.9); this removes it should a version not, and only if it is still ours.
        () => removeOwnSocket(path, id),
      );
    },

    async startTls(stream, settings, signal): Promise<RawStream> {
      if (!(stream instanceof DenoStream) && !(stream instanceof NodeStream)) {
        throw new TypeError("the deno backend can only start TLS on its own streams");
      }
      if (signal.aborted) {
        stream.abort();
        throw signal.reason;
      }
      if ("client" in settings) {
        const client = settings.client;
        const native = stream instanceof DenoStream && stream.tls === null && stream.info.family !== "unix" &&
          client.cert === undefined && client.key === undefined && !client.insecureSkipVerify;
        // Deno.startTls verifies the peer always, sends no client certificate, works on
        // TCP only, and needs a connection that nobody reads or writes: anything else
        // goes through node:tls (see the section comment above startNodeTls).
        const conn = native ? stream.takeIdleConn() : null;
        if (conn !== null) return await startDenoTls(conn, stream.info, client, signal);
      }
      return await startNodeTls(stream, settings, signal);
    },

    async createUdp(settings: UdpSettings): Promise<RawDatagramSocket> {
      const listenDatagram = ns.listenDatagram;
      if (listenDatagram === undefined) throw udpUnavailable();
      // reuseAddress sets SO_REUSEADDR (and SO_REUSEPORT on Linux and the BSDs).
      // An IPv6 socket on "::" is dual-stack: Deno has no IPV6_V6ONLY for datagrams.
      const socket = listenDatagram.call(ns, {
        transport: "udp",
        hostname: settings.localHost,
        port: settings.localPort,
        reuseAddress: settings.reusePort,
      });
      const local = socket.addr as DenoNetAddr;
      const remote: DenoNetAddr | null = settings.remoteHost === undefined
        ? null
        : { transport: "udp", hostname: settings.remoteHost, port: settings.remotePort ?? 0 };
      const remoteIp = remote === null ? "" : canonicalIp(remote.hostname);
      return new DenoDatagramSocket({
        socket,
        info: {
          family: settings.family,
          localAddress: local.hostname,
          localPort: local.port,
          remoteAddress: remote?.hostname,
          remotePort: remote?.port,
        },
        toAddr: (address, port) => ({ transport: "udp", hostname: address, port }),
        remote,
        // Deno cannot connect(2) a datagram socket, so a connected one drops datagrams
        // from anyone but its peer, as the kernel would.
        accepts: (from) =>
          remote === null ||
          (from.transport === "udp" && from.port === remote.port && canonicalIp(from.hostname) === remoteIp),
        canReceive: true,
        onClosed: swallow,
      });
    },

    async createUnixDatagram(localPath: string | undefined, remotePath: string | undefined): Promise<RawDatagramSocket> {
      const listenDatagram = ns.listenDatagram;
      if (listenDatagram === undefined) {
        throw new Error(
          "Unix datagram sockets on the deno backend need Deno's --unstable-net flag (Deno.listenDatagram is unstable)",
        );
      }
      // Deno's "unixpacket" transport is a SOCK_DGRAM Unix socket (as measured: unbound
      // senders, per-datagram sender paths), i.e. what this method promises.
      if (localPath !== undefined) removeStaleSocket(localPath);
      const socket = listenDatagram.call(
        ns,
        localPath === undefined ? { transport: "unixpacket" } : { transport: "unixpacket", path: localPath },
      );
      // Unlike its listeners, Deno leaves a datagram socket's file behind on close.
      const id = localPath === undefined ? null : socketFileId(localPath);
      const remote: DenoUnixAddr | null = remotePath === undefined ? null : { transport: "unixpacket", path: remotePath };
      return new DenoDatagramSocket({
        socket,
        info: { family: "unix", localAddress: localPath ?? "", remoteAddress: remotePath },
        toAddr: (address) => ({ transport: "unixpacket", path: address }),
        remote,
        accepts: (from) => remotePath === undefined || (from.transport === "unixpacket" && from.path === remotePath),
        canReceive: localPath !== undefined,
        onClosed: () => {
          if (localPath !== undefined) removeOwnSocket(localPath, id);
        },
      });
    },

    // Deno.resolveDns queries DNS servers only and ignores /etc/hosts (so "localhost"
    // may not resolve), and Deno has no reverse lookup of addresses to names; node:dns
    // runs the system's getaddrinfo/getnameinfo, as the other backends do.
    async getaddrinfo(host, family) {
      const found = await dns.promises.lookup(host, {
        all: true,
        family: family === undefined ? 0 : family === "IPv4" ? 4 : 6,
      });
      return found.map((entry) => ({ family: entry.family === 6 ? "IPv6" as const : "IPv4" as const, address: entry.address }));
    },

    async getnameinfo(address, port) {
      const { hostname, service } = await dns.promises.lookupService(address, port);
      return { host: hostname, service };
    },
  };
}
