/**
 * node:net and node:tls sockets as raw streams, and the node:tls settings: shared by the
 * node backend, and by the deno backend where it uses node:* (TLS Deno cannot do
 * natively, binding a client's local address).
 *
 * @module
 */
import net from "node:net";
import tls from "node:tls";
import { ChunkQueue } from "./chunk-queue.ts";
import { currentRuntime } from "./detect.ts";
import {
  type CancelWait,
  EOF,
  type RawStream,
  type SocketFamily,
  type SocketInfo,
  type TcpConnectSettings,
  type TlsClientSettings,
  type TlsInfo,
  type TlsServerSettings,
} from "./net.ts";
import { Notifier } from "./notifier.ts";

/** Bytes a stream holds for its receiver before it stops reading from the socket. */
export const HIGH_WATER_MARK = 65536;

/**
 * What a node:tls socket runs over when it is not a socket of its own (the deno
 * backend's bridge to a native connection): the raw stream it owns, and a gate through
 * which the stream on top holds back received bytes.
 */
export interface Bridge {
  readonly raw: RawStream;
  /** Bytes are passed up only while this says so. */
  gate: () => boolean;
  /** Called when the gate may have opened again. */
  kick(): void;
}

/**
 * Whether pausing `socket` is safe. Deno's node:tls loses the peer's end of stream when
 * it arrives while a TLS socket is paused (seen on Deno 2.9: the 'end' event never
 * comes), so there TLS sockets are never paused: over a bridge the gate holds bytes back
 * instead, and over a plain socket a receiver that falls behind lets bytes pile up.
 */
function canPause(socket: net.Socket): boolean {
  return !(socket instanceof tls.TLSSocket && currentRuntime() === "deno");
}

/**
 * A connected node:net (or node:tls) socket as a {@link RawStream}.
 *
 * The socket flows: every chunk goes into `#received` as it arrives, and reading stops
 * while that holds a high-water mark's worth (the socket is paused, or the bridge's gate
 * closes), so bytes never pile up while nobody receives. Paused mode with 'readable'
 * events would avoid the copy into our queue, but its wake-ups proved unreliable on
 * Deno's node:tls (a read that did not empty the buffer left 'readable' unarmed), while
 * 'data' and 'end' behave the same on every runtime.
 */
export class NodeStream implements RawStream {
  tls: TlsInfo | null = null;
  readonly socket: net.Socket;
  readonly #bridge: Bridge | null;
  readonly info: SocketInfo;
  readonly #readers = new Notifier();
  readonly #writers = new Notifier();
  readonly #received = new ChunkQueue();
  #paused = false;
  #ended = false;
  #error: Error | null = null;
  #closed: Promise<void> | null = null;
  // deno-lint-ignore no-explicit-any
  readonly #listeners: Array<[string, (...args: any[]) => void]>;

  constructor(socket: net.Socket, info: SocketInfo, bridge: Bridge | null = null) {
    this.socket = socket;
    this.info = info;
    this.#bridge = bridge;
    if (bridge !== null) bridge.gate = () => this.#received.size < HIGH_WATER_MARK;
    const wakeAll = () => {
      this.#readers.notify();
      this.#writers.notify();
    };
    this.#listeners = [
      ["data", (chunk: Uint8Array) => {
        this.#received.push(chunk);
        if (bridge === null && !this.#paused && this.#received.size >= HIGH_WATER_MARK && canPause(socket)) {
          this.#paused = true;
          socket.pause();
        }
        this.#readers.notify();
      }],
      ["end", () => {
        this.#ended = true;
        this.#readers.notify();
      }],
      ["drain", () => this.#writers.notify()],
      ["error", (err: Error) => {
        this.#error ??= err;
        wakeAll();
      }],
      ["close", wakeAll],
    ];
    for (const [event, listener] of this.#listeners) socket.on(event, listener);
  }

  /**
   * Gives the socket up to a new owner (a TLS wrapper): removes exactly this stream's
   * listeners (the runtime's own must stay) and puts back bytes read but not taken, so
   * the new owner reads them first.
   */
  detach(): net.Socket {
    for (const [event, listener] of this.#listeners) this.socket.off(event, listener);
    this.socket.pause();
    for (const chunk of this.#received.drain().reverse()) this.socket.unshift(chunk);
    return this.socket;
  }

  tryRead(maxBytes: number): Uint8Array | null | typeof EOF {
    const chunk = this.#received.take(maxBytes);
    if (chunk === null) {
      if (this.#error !== null) throw this.#error;
      if (this.#ended) return EOF;
      if (this.socket.destroyed) throw new Error("the socket is closed");
      return null;
    }
    if (this.#received.size < HIGH_WATER_MARK) {
      if (this.#bridge !== null) this.#bridge.kick();
      else if (this.#paused) {
        this.#paused = false;
        this.socket.resume();
      }
    }
    return chunk;
  }

  onReadable(ready: () => void): CancelWait {
    return this.#readers.add(ready);
  }

  writable(): boolean {
    // Also true once the socket failed or closed, so that a waiting sender calls write()
    // and gets the error instead of waiting for a drain that never comes.
    return !this.socket.writableNeedDrain || this.#error !== null || this.socket.destroyed;
  }

  onWritable(ready: () => void): CancelWait {
    return this.#writers.add(ready);
  }

  write(data: Uint8Array): void {
    if (this.#error !== null) throw this.#error;
    if (this.socket.destroyed) throw new Error("the socket is closed");
    this.socket.write(data);
  }

  shutdownWrite(): void {
    if (!this.socket.destroyed) this.socket.end();
  }

  close(): Promise<void> {
    if (this.#closed !== null) return this.#closed;
    const socket = this.socket;
    const socketClosed = socket.closed
      ? Promise.resolve()
      : new Promise<void>((resolve) => socket.once("close", () => resolve()));
    // destroySoon() ends the writable side and destroys the socket once everything
    // written was flushed (over a bridge: into the raw stream, whose close flushes it
    // on): a close never drops data that send() already accepted.
    socket.destroySoon();
    this.#readers.notify();
    this.#writers.notify();
    this.#closed = socketClosed.then(() => this.#bridge?.raw.close());
    return this.#closed;
  }

  abort(): void {
    this.socket.destroy();
    this.#bridge?.raw.abort();
    this.#readers.notify();
    this.#writers.notify();
  }
}

/**
 * Waits for `emitter` to emit `success`, rejecting on 'error', on 'close' (a peer that
 * hangs up mid-handshake closes the socket without an error), or when `signal` aborts;
 * each failure first calls `abort`, which must release what is half made.
 */
export function settleOn(
  emitter: NodeJS.EventEmitter,
  success: string,
  signal: AbortSignal | null,
  abort: () => void,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const cleanup = () => {
      emitter.off(success, onSuccess);
      emitter.off("error", onError);
      emitter.off("close", onClose);
      signal?.removeEventListener("abort", onAbort);
    };
    const onSuccess = () => {
      cleanup();
      resolve();
    };
    const fail = (err: unknown) => {
      cleanup();
      abort();
      reject(err);
    };
    const onError = (err: Error) => fail(err);
    const onClose = () => fail(Object.assign(new Error("the peer closed the connection"), { code: "ECONNRESET" }));
    const onAbort = () => fail(signal!.reason);
    if (signal?.aborted) return onAbort();
    emitter.on(success, onSuccess);
    emitter.on("error", onError);
    emitter.on("close", onClose);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function copy<T>(list: readonly T[] | undefined): T[] | undefined {
  return list === undefined ? undefined : [...list];
}

/** node:tls options of a client, for `tls.connect`; `fallbackHost` names the server when `serverName` does not. */
export function clientTlsOptions(settings: TlsClientSettings, fallbackHost?: string): tls.ConnectionOptions {
  const name = settings.serverName ?? fallbackHost;
  // SNI carries host names only (RFC 6066); an IP address is verified as `host`.
  const ip = name !== undefined && net.isIP(name) !== 0;
  return {
    servername: ip ? undefined : name,
    host: name,
    ca: copy(settings.ca),
    cert: settings.cert,
    key: settings.key,
    ALPNProtocols: copy(settings.alpnProtocols),
    rejectUnauthorized: !settings.insecureSkipVerify,
  };
}

/** node:tls options of a server, for `new tls.TLSSocket(socket, ...)`. */
export function serverTlsOptions(settings: TlsServerSettings): tls.TLSSocketOptions {
  return {
    isServer: true,
    secureContext: tls.createSecureContext({ cert: settings.cert, key: settings.key, ca: copy(settings.ca) }),
    requestCert: settings.requireClientCert,
    rejectUnauthorized: settings.requireClientCert,
    ALPNProtocols: copy(settings.alpnProtocols),
  };
}

/** What a node:tls socket tells of its session once the handshake is done. */
export function readTlsInfo(socket: tls.TLSSocket, serverSide: boolean): TlsInfo {
  const peer = socket.getPeerCertificate(false);
  const raw = peer !== null && typeof peer === "object" && "raw" in peer ? peer.raw : undefined;
  return {
    serverSide,
    alpnProtocol: typeof socket.alpnProtocol === "string" ? socket.alpnProtocol : null,
    tlsVersion: socket.getProtocol() ?? undefined,
    cipher: socket.getCipher()?.name,
    peerCertificate: raw === undefined ? null : new Uint8Array(raw),
  };
}

/**
 * What a connected IP socket knows of its ends, asked of the system at once (two
 * system calls). Not on first use: Node destroys a socket's handle as soon as the
 * connection fails (a reset, say), and then knows neither address, so attributes
 * first asked for after a reset would come back empty.
 */
export function ipInfo(socket: net.Socket, family: SocketFamily): SocketInfo {
  return {
    family,
    localAddress: socket.localAddress ?? "",
    localPort: socket.localPort,
    remoteAddress: socket.remoteAddress ?? "",
    remotePort: socket.remotePort,
  };
}

/**
 * Connects over TCP with node:net: the node backend's connect, and the deno backend's
 * when a local address must be bound (which Deno.connect cannot do). A failed or
 * aborted connect rejects only once the socket is closed (destroy() closes it in a
 * later turn), so nothing half made outlives the rejection.
 */
export async function connectNodeTcp(settings: TcpConnectSettings, signal: AbortSignal): Promise<NodeStream> {
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
    if (!socket.closed) await new Promise((resolve) => socket.once("close", resolve));
    throw err;
  }
  return new NodeStream(socket, ipInfo(socket, net.isIPv6(settings.host) ? "IPv6" : "IPv4"));
}
