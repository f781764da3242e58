/**
 * Networking through Bun's native socket APIs: Bun.connect, Bun.listen,
 * socket.upgradeTLS, Bun.udpSocket and Bun.dns. Bun has no native API for file
 * metadata (lstat, unlink, chmod), so the Unix socket file handling uses node:fs.
 *
 * Bun sockets push: every event (open, data, end, drain, close, error, handshake) is a
 * call into a handler object, and reads cannot be pulled. The {@link RawStream} contract
 * (readiness wait + synchronous transfer, see net.ts) is therefore built from two
 * userland queues per stream:
 * - received chunks wait in a read queue until `tryRead` takes them; above a high-water
 *   mark the socket is paused, so the queue stays bounded while nobody receives;
 * - bytes that `socket.write` did not take (it writes partially and returns the count)
 *   wait in a write queue that the `drain` handler pumps, so `write` always takes all.
 *
 * Findings this module relies on (probed on Bun 1.4.5):
 * - The chunk given to the `data` handler is a fresh allocation each time (its own
 *   ArrayBuffer, exactly sized); Bun never reuses it, so chunks are queued uncopied.
 * - Half-close needs `allowHalfOpen: true` (else Bun closes a socket as soon as the
 *   peer's FIN arrives) and `socket.shutdown()`; `socket.end()` closes both directions.
 * - A socket that already shut down its writing side may receive the peer's FIN as a
 *   bare `close` (no `end` call), so a clean close also means end of stream.
 * - After `upgradeTLS` the plain socket's handlers keep receiving the raw ciphertext
 *   and its close; the plain stream object is therefore marked transferred and ignores
 *   every later event.
 *
 * @module
 */
import {
  type CancelWait,
  EOF,
  type NetBackend,
  type RawDatagram,
  type RawDatagramSocket,
  type RawListener,
  type RawStream,
  type SocketFamily,
  type SocketInfo,
  type TcpConnectSettings,
  type TcpListenSettings,
  type TlsClientSettings,
  type TlsInfo,
  type TlsServerSettings,
  type UdpSettings,
} from "./net.ts";
import { ChunkQueue } from "./chunk-queue.ts";
import { DatagramQueue } from "./datagram-queue.ts";
import { Notifier } from "./notifier.ts";
import { chmodSocket, removeStaleSocket } from "./socket-file.ts";

// ---------------------------------------------------------------------------------------
// The slice of Bun's API this module uses (declared here: the project has no bun-types).

/** Bun's TCP, Unix or TLS socket (`Socket<Data>` in bun-types). */
interface BunSocket {
  /** Our per-socket state: the {@link BunStream} the handlers dispatch to. */
  data: unknown;
  readonly localAddress?: string;
  readonly localPort?: number;
  readonly localFamily?: string;
  readonly remoteAddress?: string;
  readonly remotePort?: number;
  readonly remoteFamily?: string;
  readonly alpnProtocol?: string | false | null;
  /** Writes what the kernel (or the TLS engine) takes now; -1 once the socket is closed. */
  write(data: Uint8Array): number;
  /** Sends FIN (close_notify for TLS) and keeps reading. */
  shutdown(): void;
  /** Closes both directions gracefully. */
  end(): void;
  /** Closes at once. */
  terminate(): void;
  pause(): void;
  resume(): void;
  setNoDelay(noDelay: boolean): boolean;
  upgradeTLS(options: BunUpgradeTlsOptions): [BunSocket, BunSocket];
  getTLSVersion(): string | null | undefined;
  getCipher(): { name?: string } | null | undefined;
  getPeerCertificate(): { raw?: Uint8Array } | null | undefined;
}

/** The handlers Bun calls for a socket's events. */
interface BunSocketHandlers {
  binaryType: "uint8array";
  open(socket: BunSocket): void;
  data(socket: BunSocket, data: Uint8Array): void;
  end(socket: BunSocket): void;
  drain(socket: BunSocket): void;
  close(socket: BunSocket, error?: Error): void;
  error(socket: BunSocket, error: Error): void;
  handshake(socket: BunSocket, success: boolean, authorizationError: Error | null): void;
}

/** Bun's TLS options (`TLSOptions`); ALPN lists in the wire format Bun requires. */
interface BunTlsOptions {
  ca?: string[];
  cert?: string;
  key?: string;
  serverName?: string;
  rejectUnauthorized?: boolean;
  requestCert?: boolean;
  ALPNProtocols?: ArrayBuffer;
}

interface BunUpgradeTlsOptions {
  data: unknown;
  tls: BunTlsOptions;
  socket: BunSocketHandlers;
  isServer?: boolean;
  /** Bytes already read from the plain socket, fed to the TLS engine first. */
  initialData?: Uint8Array;
}

type BunConnectOptions =
  & ({ hostname: string; port: number; localAddress?: string; localPort?: number } | { unix: string })
  & { allowHalfOpen: true; data: unknown; socket: BunSocketHandlers };

type BunListenOptions =
  & ({ hostname: string; port: number; reusePort: boolean; ipv6Only: boolean } | { unix: string })
  & { allowHalfOpen: true; socket: BunSocketHandlers };

/** Bun's listener (`TCPSocketListener` / `UnixSocketListener`). */
interface BunListener {
  /** Stops accepting; with `true` it would also close every accepted socket. */
  stop(closeActiveConnections?: boolean): void;
  getsockname(out: { address?: string; port?: number; family?: string }): void;
}

/** Bun's UDP socket (`udp.Socket` / `udp.ConnectedSocket`). */
interface BunUdpSocket {
  readonly address: { address: string; port: number; family: string };
  readonly remoteAddress?: { address: string; port: number; family: string };
  /** True when the kernel took the datagram; false under backpressure (not sent, retry on drain). */
  send(data: Uint8Array, port?: number, address?: string): boolean;
  close(): void;
}

interface BunUdpOptions {
  hostname: string;
  port: number;
  /** Bun's undocumented bind flags (the values its own node:dgram passes). */
  flags: number;
  binaryType: "uint8array";
  connect?: { hostname: string; port: number };
  socket: {
    data(socket: BunUdpSocket, data: Uint8Array, port: number, address: string): void;
    drain(socket: BunUdpSocket): void;
    error(socket: BunUdpSocket, error: Error): void;
  };
}

interface BunNamespace {
  connect(options: BunConnectOptions): Promise<BunSocket>;
  listen(options: BunListenOptions): BunListener;
  udpSocket(options: BunUdpOptions): Promise<BunUdpSocket>;
  dns: {
    lookup(
      host: string,
      options: { family: 0 | 4 | 6; backend: "system" },
    ): Promise<Array<{ address: string; family: 4 | 6 }>>;
    lookupService(address: string, port: number): Promise<[string, string]>;
  };
}

/** Bun.udpSocket's bind flags, as Bun's node:dgram defines them. */
const UDP_IPV6_ONLY = 8;
const UDP_REUSE_ADDR = 16;

function bunApi(): BunNamespace {
  const ns = (globalThis as { Bun?: BunNamespace }).Bun;
  if (ns === undefined) throw new Error("the bun backend needs the Bun runtime");
  return ns;
}

// ---------------------------------------------------------------------------------------
// Streams

/** Read bytes queued beyond this pause the socket; the kernel then holds the rest. */
const READ_HIGH_WATER = 64 * 1024;
/** `writable()` turns false while more than this waits in the userland write queue. */
const WRITE_HIGH_WATER = 64 * 1024;

/** Queued writes smaller than this together are merged into one write. */
const COALESCE_LIMIT = 64 * 1024;

function closedError(): Error {
  return new Error("the socket is closed");
}

/**
 * The handlers of every stream socket. They are shared (Bun keeps one handler set per
 * connect or listen call) and dispatch through `socket.data`, which holds the
 * {@link BunStream}; a socket whose data is not one of ours (a listener's socket before
 * its `open`) is ignored.
 */
const STREAM_HANDLERS: BunSocketHandlers = {
  binaryType: "uint8array",
  open: (socket) => streamOf(socket)?.attach(socket),
  data: (socket, data) => streamOf(socket)?.onData(data),
  end: (socket) => streamOf(socket)?.onEnd(),
  drain: (socket) => streamOf(socket)?.onDrain(),
  close: (socket, error) => streamOf(socket)?.onClose(error),
  error: (socket, error) => streamOf(socket)?.onError(error),
  handshake: (socket, success, error) => streamOf(socket)?.onHandshake(success, error),
};

function streamOf(socket: BunSocket): BunStream | undefined {
  return socket.data instanceof BunStream ? socket.data : undefined;
}

/** What startTls must know of a TLS stream's handshake while it runs. */
interface HandshakeWait {
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
class BunStream implements RawStream {
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

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function ipFamily(family: string | undefined, address: string | undefined): "IPv4" | "IPv6" {
  if (family === "IPv6" || family === "IPv4") return family;
  return address?.includes(":") ? "IPv6" : "IPv4";
}

function ipInfo(socket: BunSocket): SocketInfo {
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
function connectStream(options: BunConnectOptions, stream: BunStream, signal: AbortSignal): Promise<RawStream> {
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

// ---------------------------------------------------------------------------------------
// Listeners

/**
 * A Bun listener as a {@link RawListener}: accepted connections queue until taken.
 *
 * Bun.listen takes no backlog: the parameter of listenTcp/listenUnix is ignored (Bun
 * uses its own default). Closing stops the listener with `stop()` (not `stop(true)`,
 * which would also close the connections already taken) and aborts the queued ones.
 */
class BunStreamListener implements RawListener {
  /** Final once `start` ran: an IP listener's address and port come from getsockname. */
  info: SocketInfo;
  #listener: BunListener | null = null;
  readonly #queue: BunStream[] = [];
  readonly #waiters = new Notifier();
  #closed = false;
  readonly #unixPath: string | undefined;
  readonly #family: SocketFamily;

  constructor(family: SocketFamily, unixPath: string | undefined) {
    this.#family = family;
    this.#unixPath = unixPath;
    this.info = { family, localAddress: unixPath ?? "" };
  }

  /** The handlers for this listener's sockets: `open` makes and queues the stream. */
  handlers(): BunSocketHandlers {
    return { ...STREAM_HANDLERS, open: (socket) => this.#accept(socket) };
  }

  start(listener: BunListener): void {
    this.#listener = listener;
    if (this.#unixPath === undefined) {
      const address: { address?: string; port?: number; family?: string } = {};
      listener.getsockname(address);
      this.info = {
        family: this.#family,
        localAddress: address.address ?? "",
        localPort: address.port,
      };
    }
  }

  #accept(socket: BunSocket): void {
    if (this.#closed) {
      socket.terminate();
      return;
    }
    const stream = new BunStream(
      this.#unixPath === undefined ? null : { family: "unix", localAddress: this.#unixPath, remoteAddress: "" },
    );
    socket.data = stream;
    stream.attach(socket);
    this.#queue.push(stream);
    this.#waiters.notify();
  }

  tryAccept(): RawStream | null {
    return this.#queue.shift() ?? null;
  }

  onAcceptable(ready: () => void): CancelWait {
    return this.#waiters.add(ready);
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    // stop() also removes a Unix listener's socket file (Bun unlinks it).
    this.#listener?.stop();
    this.#listener = null;
    for (const stream of this.#queue.splice(0)) stream.abort();
    this.#waiters.notify();
    return Promise.resolve();
  }
}

// ---------------------------------------------------------------------------------------
// TLS

/** ALPN protocol names in the wire format Bun's TLS options require (length-prefixed). */
function alpnWire(protocols: readonly string[] | undefined): ArrayBuffer | undefined {
  if (protocols === undefined || protocols.length === 0) return undefined;
  const encoded = protocols.map((name) => new TextEncoder().encode(name));
  const out = new Uint8Array(encoded.reduce((sum, bytes) => sum + 1 + bytes.byteLength, 0));
  let offset = 0;
  for (const bytes of encoded) {
    if (bytes.byteLength === 0 || bytes.byteLength > 255) {
      throw new RangeError(`an ALPN protocol name must be 1 to 255 bytes long`);
    }
    out[offset++] = bytes.byteLength;
    out.set(bytes, offset);
    offset += bytes.byteLength;
  }
  return out.buffer;
}

function clientTlsOptions(settings: TlsClientSettings): BunTlsOptions {
  return {
    serverName: settings.serverName,
    ca: settings.ca === undefined ? undefined : [...settings.ca],
    cert: settings.cert,
    key: settings.key,
    rejectUnauthorized: !settings.insecureSkipVerify,
    ALPNProtocols: alpnWire(settings.alpnProtocols),
  };
}

function serverTlsOptions(settings: TlsServerSettings): BunTlsOptions {
  return {
    cert: settings.cert,
    key: settings.key,
    ca: settings.ca === undefined ? undefined : [...settings.ca],
    requestCert: settings.requireClientCert,
    rejectUnauthorized: settings.requireClientCert,
    ALPNProtocols: alpnWire(settings.alpnProtocols),
  };
}

function readTlsInfo(socket: BunSocket, serverSide: boolean): TlsInfo {
  const alpn = socket.alpnProtocol;
  const peer = socket.getPeerCertificate();
  const raw = peer !== null && typeof peer === "object" ? peer.raw : undefined;
  return {
    serverSide,
    alpnProtocol: typeof alpn === "string" && alpn !== "" ? alpn : null,
    tlsVersion: socket.getTLSVersion() ?? undefined,
    cipher: socket.getCipher()?.name,
    peerCertificate: raw === undefined ? null : new Uint8Array(raw),
  };
}

/**
 * Upgrades `plain` in place with `socket.upgradeTLS` (both sides: `isServer` makes Bun
 * run the server handshake). The handshake's outcome is known before this resolves;
 * on failure or abort the TLS socket, and with it the connection, is terminated first.
 */
async function upgradeToTls(
  plain: BunStream,
  settings: { client: TlsClientSettings } | { server: TlsServerSettings },
  signal: AbortSignal,
): Promise<RawStream> {
  try {
    await plain.flushForUpgrade(signal);
  } catch (error) {
    plain.abort();
    throw error;
  }
  const serverSide = "server" in settings;
  const tlsStream = new BunStream(plain.info);
  const { socket, pending } = plain.transfer();
  const handshake = new Promise<void>((resolve, reject) => {
    tlsStream.handshakeWait = {
      resolve,
      reject,
      verify: "server" in settings ? settings.server.requireClientCert : !settings.client.insecureSkipVerify,
    };
  });
  const onAbort = () => tlsStream.onError(signal.reason);
  try {
    const [, tlsSocket] = socket.upgradeTLS({
      data: tlsStream,
      tls: "server" in settings ? serverTlsOptions(settings.server) : clientTlsOptions(settings.client),
      socket: STREAM_HANDLERS,
      isServer: serverSide,
      initialData: pending,
    });
    tlsStream.attach(tlsSocket);
    signal.addEventListener("abort", onAbort, { once: true });
    if (signal.aborted) onAbort();
    await handshake;
  } catch (error) {
    tlsStream.handshakeWait = null;
    tlsStream.abort();
    socket.terminate();
    throw signal.aborted ? signal.reason : error;
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
  tlsStream.tls = readTlsInfo(tlsStream.socket!, serverSide);
  return tlsStream;
}

// ---------------------------------------------------------------------------------------
// UDP

interface PendingSend {
  readonly data: Uint8Array;
  readonly address: string | undefined;
  readonly port: number | undefined;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A Bun UDP socket as a {@link RawDatagramSocket}.
 *
 * Sends keep their order: a datagram Bun refused under backpressure (send() returned
 * false: not sent) waits in `#sendQueue`, and later sends queue behind it until the
 * `drain` handler hands them over; each send() resolves once its datagram was taken.
 */
class BunDatagramSocket implements RawDatagramSocket {
  info: SocketInfo = { family: "IPv4", localAddress: "" };
  #socket: BunUdpSocket | null = null;
  readonly #received = new DatagramQueue();
  #sendQueue: PendingSend[] = [];
  #closed = false;

  start(socket: BunUdpSocket, family: "IPv4" | "IPv6"): void {
    this.#socket = socket;
    const remote = socket.remoteAddress;
    this.info = {
      family,
      localAddress: socket.address.address,
      localPort: socket.address.port,
      remoteAddress: remote?.address,
      remotePort: remote?.port,
    };
  }

  onData(data: Uint8Array, port: number, address: string): void {
    if (this.#closed) return;
    this.#received.push({ data, address, port });
  }

  onError(error: Error): void {
    this.#received.fail(error);
  }

  onDrain(): void {
    while (this.#sendQueue.length > 0 && !this.#closed) {
      const next = this.#sendQueue[0];
      let accepted: boolean;
      try {
        accepted = this.#trySend(next.data, next.address, next.port);
      } catch (error) {
        this.#sendQueue.shift();
        next.reject(error);
        continue;
      }
      if (!accepted) return;
      this.#sendQueue.shift();
      next.resolve();
    }
  }

  #trySend(data: Uint8Array, address: string | undefined, port: number | undefined): boolean {
    const socket = this.#socket!;
    return address === undefined ? socket.send(data) : socket.send(data, port, address);
  }

  tryReceive(): RawDatagram | null {
    return this.#received.take();
  }

  onReceivable(ready: () => void): CancelWait {
    return this.#received.onReady(ready);
  }

  send(data: Uint8Array, address?: string, port?: number): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    if (this.#sendQueue.length === 0) {
      try {
        if (this.#trySend(data, address, port)) return Promise.resolve();
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return new Promise((resolve, reject) => this.#sendQueue.push({ data, address, port, resolve, reject }));
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    // Bun's close() releases the socket synchronously; sends still waiting for a
    // drain will never go out.
    this.#socket?.close();
    for (const pending of this.#sendQueue.splice(0)) pending.reject(closedError());
    this.#received.wake();
    return Promise.resolve();
  }
}

// ---------------------------------------------------------------------------------------
// The backend

/**
 * Builds the Bun-native networking adapter (see the module comment). Throws when not
 * running on Bun.
 *
 * @example
 * ```ts
 * const net = createBunNet();
 * const stream = await net.connectTcp({ host: "127.0.0.1", port: 8080 }, AbortSignal.timeout(5000));
 * stream.write(new TextEncoder().encode("hello"));
 * await stream.close();
 * ```
 */
export function createBunNet(): NetBackend {
  const bun = bunApi();
  return {
    // Bun.listen honours ipv6Only (probed: "::" with ipv6Only and "0.0.0.0" share a port).
    ipv6OnlyListeners: true,

    connectTcp(settings: TcpConnectSettings, signal: AbortSignal): Promise<RawStream> {
      const stream = new BunStream(null);
      return connectStream({
        hostname: settings.host,
        port: settings.port,
        // Not in Bun's documented options, but Bun.connect binds to them (probed).
        localAddress: settings.localHost,
        localPort: settings.localPort,
        allowHalfOpen: true,
        data: stream,
        socket: STREAM_HANDLERS,
      }, stream, signal);
    },

    async listenTcp(settings: TcpListenSettings): Promise<RawListener> {
      const family = settings.host.includes(":") ? "IPv6" : "IPv4";
      const listener = new BunStreamListener(family, undefined);
      // Bun.listen throws at once when it cannot listen; settings.backlog is ignored
      // (Bun.listen has no backlog option).
      listener.start(bun.listen({
        hostname: settings.host,
        port: settings.port,
        reusePort: settings.reusePort,
        ipv6Only: settings.ipv6Only,
        allowHalfOpen: true,
        socket: listener.handlers(),
      }));
      return listener;
    },

    connectUnix(path: string, signal: AbortSignal): Promise<RawStream> {
      const stream = new BunStream({ family: "unix", localAddress: "", remoteAddress: path });
      return connectStream({ unix: path, allowHalfOpen: true, data: stream, socket: STREAM_HANDLERS }, stream, signal);
    },

    async listenUnix(path: string, mode: number | undefined, _backlog: number): Promise<RawListener> {
      removeStaleSocket(path);
      const listener = new BunStreamListener("unix", path);
      listener.start(bun.listen({ unix: path, allowHalfOpen: true, socket: listener.handlers() }));
      if (mode !== undefined) {
        try {
          // Bun has no native chmod.
          chmodSocket(path, mode);
        } catch (error) {
          await listener.close();
          throw error;
        }
      }
      return listener;
    },

    async startTls(stream, settings, signal): Promise<RawStream> {
      if (!(stream instanceof BunStream)) {
        throw new TypeError("the bun backend can only start TLS on its own sockets");
      }
      return await upgradeToTls(stream, settings, signal);
    },

    async createUdp(settings: UdpSettings): Promise<RawDatagramSocket> {
      const result = new BunDatagramSocket();
      const socket = await bun.udpSocket({
        hostname: settings.localHost,
        port: settings.localPort,
        // As node-net: reusePort maps to SO_REUSEADDR, and an IPv6 socket is IPv6-only.
        flags: (settings.reusePort ? UDP_REUSE_ADDR : 0) | (settings.family === "IPv6" ? UDP_IPV6_ONLY : 0),
        binaryType: "uint8array",
        connect: settings.remoteHost === undefined
          ? undefined
          : { hostname: settings.remoteHost, port: settings.remotePort! },
        socket: {
          data: (_socket, data, port, address) => result.onData(data, port, address),
          drain: () => result.onDrain(),
          error: (_socket, error) => result.onError(error),
        },
      });
      result.start(socket, settings.family);
      return result;
    },

    createUnixDatagram(): Promise<RawDatagramSocket> {
      return Promise.reject(
        new Error("the bun backend has no Unix datagram sockets: Bun.udpSocket offers only UDP"),
      );
    },

    async getaddrinfo(host, family) {
      // The "system" backend is the operating system's resolver (getaddrinfo), so
      // /etc/hosts and nsswitch apply, as with node:dns lookup.
      const found = await bun.dns.lookup(host, {
        family: family === undefined ? 0 : family === "IPv4" ? 4 : 6,
        backend: "system",
      });
      const seen = new Set<string>();
      const result: Array<{ family: "IPv4" | "IPv6"; address: string }> = [];
      for (const entry of found) {
        if (seen.has(entry.address)) continue;
        seen.add(entry.address);
        result.push({ family: entry.family === 6 ? "IPv6" : "IPv4", address: entry.address });
      }
      return result;
    },

    async getnameinfo(address, port) {
      const [host, service] = await bun.dns.lookupService(address, port);
      return { host, service };
    },
  };
}
