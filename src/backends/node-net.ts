/**
 * Networking through node:net, node:tls, node:dgram and node:dns. It runs on Node.js and,
 * through their compatibility layers, on Deno and Bun.
 *
 * @module
 */
import dgram from "node:dgram";
import dns from "node:dns";
import net from "node:net";
import tls from "node:tls";
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
  type UdpSettings,
} from "./net.ts";
import { currentRuntime } from "./detect.ts";
import { ChunkQueue } from "./chunk-queue.ts";
import { Notifier } from "./notifier.ts";
import { chmodSocket, removeStaleSocket } from "./socket-file.ts";

/**
 * A connected node:net (or node:tls) socket as a {@link RawStream}.
 *
 * The socket flows: every chunk goes into `#received` as it arrives, and the socket is
 * paused while that holds a high-water mark's worth, so bytes never pile up while
 * nobody receives (the kernel's window then pushes back on the peer). Paused mode with
 * 'readable' events would avoid the copy into our queue, but its wake-ups proved
 * unreliable on Deno's node:tls (a read that did not empty the buffer left 'readable'
 * unarmed), while 'data' and 'end' behave the same on every runtime.
 */
/** Bytes a stream holds for its receiver before it stops reading from the socket. */
const HIGH_WATER_MARK = 65536;

/**
 * Whether pausing `socket` is safe. Deno's node:tls loses the peer's end of stream when
 * it arrives while a TLS socket is paused (seen on Deno 2.9: the 'end' event never
 * comes), so there TLS sockets are never paused and a receiver that falls behind lets
 * bytes pile up. Deno's own backend has no such problem.
 */
function canPause(socket: net.Socket): boolean {
  return !(socket instanceof tls.TLSSocket && currentRuntime() === "deno");
}

class NodeStream implements RawStream {
  readonly #family: SocketFamily;
  readonly #unixPath: { local: string; remote: string } | undefined;
  #info: SocketInfo | undefined;
  tls: TlsInfo | null = null;
  readonly socket: net.Socket;
  readonly #readers = new Notifier();
  readonly #writers = new Notifier();
  readonly #received = new ChunkQueue();
  #paused = false;
  #ended = false;
  #error: Error | null = null;

  constructor(socket: net.Socket, family: SocketFamily, unixPath?: { local: string; remote: string }) {
    this.socket = socket;
    this.#family = family;
    this.#unixPath = unixPath;
    const wakeAll = () => {
      this.#readers.notify();
      this.#writers.notify();
    };
    this.#listeners = [
      ["data", (chunk: Uint8Array) => {
        this.#received.push(chunk);
        if (this.#received.size >= HIGH_WATER_MARK && !this.#paused && canPause(socket)) {
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

  // deno-lint-ignore no-explicit-any
  readonly #listeners: Array<[string, (...args: any[]) => void]>;

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

  /** Read on first use: asking the system for both addresses costs two system calls. */
  get info(): SocketInfo {
    if (this.#info !== undefined) return this.#info;
    const socket = this.socket;
    const family = this.#family;
    this.#info = this.#unixPath === undefined
      ? {
        family,
        localAddress: socket.localAddress ?? "",
        localPort: socket.localPort,
        remoteAddress: socket.remoteAddress ?? "",
        remotePort: socket.remotePort,
      }
      : { family, localAddress: this.#unixPath.local, remoteAddress: this.#unixPath.remote };
    return this.#info;
  }

  tryRead(maxBytes: number): Uint8Array | null | typeof EOF {
    const chunk = this.#received.take(maxBytes);
    if (chunk === null) {
      if (this.#error !== null) throw this.#error;
      return this.#ended ? EOF : null;
    }
    if (this.#paused && this.#received.size < HIGH_WATER_MARK) {
      this.#paused = false;
      this.socket.resume();
    }
    return chunk;
  }

  onReadable(ready: () => void): CancelWait {
    return this.#readers.add(ready);
  }

  writable(): boolean {
    return !this.socket.writableNeedDrain;
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
    void this.info; // the addresses are gone once the socket is
    const socket = this.socket;
    if (socket.closed) return Promise.resolve();
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    // destroySoon() ends the writable side and destroys the socket once everything
    // written was flushed: a close never drops data that send() already accepted.
    socket.destroySoon();
    this.#readers.notify();
    this.#writers.notify();
    return closed;
  }

  abort(): void {
    void this.info;
    this.socket.destroy();
    this.#readers.notify();
    this.#writers.notify();
  }
}

/**
 * Waits for `emitter` to emit `success`, rejecting on 'error', on 'close' (a peer that
 * hangs up mid-handshake closes the socket without an error), or when `signal` aborts;
 * each failure first calls `abort`, which must release what is half made.
 */
function settleOn(emitter: NodeJS.EventEmitter, success: string, signal: AbortSignal | null, abort: () => void): Promise<void> {
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

function toBuffers(pems: readonly string[] | undefined): string[] | undefined {
  return pems === undefined ? undefined : [...pems];
}

function clientTlsOptions(settings: TlsClientSettings): tls.ConnectionOptions {
  const name = settings.serverName;
  // SNI carries host names only (RFC 6066); an IP address is verified as `host`.
  const ip = name !== undefined && net.isIP(name) !== 0;
  return {
    servername: ip ? undefined : name,
    host: ip ? name : undefined,
    ca: toBuffers(settings.ca),
    cert: settings.cert,
    key: settings.key,
    ALPNProtocols: settings.alpnProtocols === undefined ? undefined : [...settings.alpnProtocols],
    rejectUnauthorized: !settings.insecureSkipVerify,
  };
}

function readTlsInfo(socket: tls.TLSSocket, serverSide: boolean): TlsInfo {
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

async function wrapTlsClient(
  socket: tls.TLSSocket,
  family: SocketFamily,
  signal: AbortSignal,
  unixPath?: { local: string; remote: string },
): Promise<RawStream> {
  await settleOn(socket, "secureConnect", signal, () => socket.destroy());
  const stream = new NodeStream(socket, family, unixPath);
  stream.tls = readTlsInfo(socket, false);
  return stream;
}

/** A node:net server as a {@link RawListener}: accepted sockets queue until taken. */
class NodeListener implements RawListener {
  readonly info: SocketInfo;
  readonly #server: net.Server;
  readonly #queue: NodeStream[] = [];
  readonly #waiters = new Notifier();
  readonly #family: SocketFamily;
  readonly #path: string | undefined;
  #error: Error | null = null;

  constructor(server: net.Server, family: SocketFamily, path?: string) {
    this.#server = server;
    this.#family = family;
    this.#path = path;
    const address = server.address();
    this.info = path !== undefined || address === null || typeof address === "string"
      ? { family, localAddress: path ?? String(address) }
      : { family, localAddress: address.address, localPort: address.port };
    server.on("connection", (socket: net.Socket) => {
      this.#queue.push(this.#wrap(socket));
      this.#waiters.notify();
    });
    server.on("error", (err) => {
      this.#error ??= err;
      this.#waiters.notify();
    });
  }

  #wrap(socket: net.Socket): NodeStream {
    if (this.#path !== undefined) return new NodeStream(socket, "unix", { local: this.#path, remote: "" });
    return new NodeStream(socket, this.#family);
  }

  tryAccept(): RawStream | null {
    const next = this.#queue.shift();
    if (next !== undefined) return next;
    if (this.#error !== null) throw this.#error;
    return null;
  }

  onAcceptable(ready: () => void): CancelWait {
    return this.#waiters.add(ready);
  }

  close(): Promise<void> {
    for (const stream of this.#queue.splice(0)) stream.abort();
    this.#waiters.notify();
    if (!this.#server.listening) return Promise.resolve();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** Starts `server` listening with `options`; resolves once it listens. */
function startListening(server: net.Server, options: net.ListenOptions): Promise<void> {
  const listening = settleOn(server, "listening", null, () => server.close());
  server.listen(options);
  return listening;
}

/** A node:dgram socket as a {@link RawDatagramSocket}. */
class NodeDatagramSocket implements RawDatagramSocket {
  /** Datagrams kept while nobody receives; the oldest is dropped beyond this, as UDP may. */
  static readonly MAX_QUEUED = 256;
  info: SocketInfo;
  readonly #socket: dgram.Socket;
  readonly #queue: RawDatagram[] = [];
  readonly #waiters = new Notifier();
  #error: Error | null = null;
  #closed = false;

  constructor(socket: dgram.Socket, family: "IPv4" | "IPv6") {
    this.#socket = socket;
    const local = socket.address();
    let remote: net.AddressInfo | undefined;
    try {
      remote = socket.remoteAddress();
    } catch {
      remote = undefined;
    }
    this.info = {
      family,
      localAddress: local.address,
      localPort: local.port,
      remoteAddress: remote?.address,
      remotePort: remote?.port,
    };
    socket.on("message", (data, rinfo) => {
      if (this.#queue.length >= NodeDatagramSocket.MAX_QUEUED) this.#queue.shift();
      this.#queue.push({ data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), address: rinfo.address, port: rinfo.port });
      this.#waiters.notify();
    });
    socket.on("error", (err) => {
      this.#error ??= err;
      this.#waiters.notify();
    });
  }

  tryReceive(): RawDatagram | null {
    const next = this.#queue.shift();
    if (next !== undefined) return next;
    if (this.#error !== null) throw this.#error;
    return null;
  }

  onReceivable(ready: () => void): CancelWait {
    return this.#waiters.add(ready);
  }

  send(data: Uint8Array, address?: string, port?: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (err: Error | null) => (err === null ? resolve() : reject(err));
      if (address === undefined) this.#socket.send(data, done);
      else this.#socket.send(data, port, address, done);
    });
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.#waiters.notify();
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }
}

/** Builds the node:* networking adapter. */
export function createNodeNet(): NetBackend {
  return {
    // Deno's node:net ignores ipv6Only: its "::" listeners are always dual-stack.
    ipv6OnlyListeners: currentRuntime() !== "deno",

    async connectTcp(settings: TcpConnectSettings, signal: AbortSignal): Promise<RawStream> {
      const socket = net.connect({
        host: settings.host,
        port: settings.port,
        localAddress: settings.localHost,
        localPort: settings.localPort,
        allowHalfOpen: true,
        noDelay: true,
      });
      await settleOn(socket, "connect", signal, () => socket.destroy());
      return new NodeStream(socket, net.isIPv6(settings.host) ? "IPv6" : "IPv4");
    },

    async listenTcp(settings: TcpListenSettings): Promise<RawListener> {
      const server = net.createServer({ allowHalfOpen: true, noDelay: true });
      await startListening(server, {
        host: settings.host,
        port: settings.port,
        backlog: settings.backlog,
        ipv6Only: settings.ipv6Only,
        reusePort: settings.reusePort,
      } as net.ListenOptions);
      return new NodeListener(server, net.isIPv6(settings.host) ? "IPv6" : "IPv4");
    },

    async connectUnix(path: string, signal: AbortSignal): Promise<RawStream> {
      const socket = net.connect({ path, allowHalfOpen: true });
      await settleOn(socket, "connect", signal, () => socket.destroy());
      return new NodeStream(socket, "unix", { local: "", remote: path });
    },

    async listenUnix(path: string, mode: number | undefined, backlog: number): Promise<RawListener> {
      removeStaleSocket(path);
      const server = net.createServer({ allowHalfOpen: true });
      await startListening(server, { path, backlog });
      if (mode !== undefined) {
        try {
          chmodSocket(path, mode);
        } catch (err) {
          await new Promise((resolve) => server.close(resolve));
          throw err;
        }
      }
      return new NodeListener(server, "unix", path);
    },

    async startTls(stream, settings, signal): Promise<RawStream> {
      if (!(stream instanceof NodeStream)) throw new TypeError("the node backend can only start TLS on its own sockets");
      const plain = stream.detach();
      const unixPath = stream.info.family === "unix"
        ? { local: stream.info.localAddress, remote: stream.info.remoteAddress ?? "" }
        : undefined;
      if ("client" in settings) {
        const socket = tls.connect({ socket: plain, ...clientTlsOptions(settings.client) });
        return await wrapTlsClient(socket, stream.info.family, signal, unixPath);
      }
      const server = settings.server;
      const socket = new tls.TLSSocket(plain, {
        isServer: true,
        secureContext: tls.createSecureContext({ cert: server.cert, key: server.key, ca: toBuffers(server.ca) }),
        requestCert: server.requireClientCert,
        rejectUnauthorized: server.requireClientCert,
        ALPNProtocols: server.alpnProtocols === undefined ? undefined : [...server.alpnProtocols],
      });
      await settleOn(socket, "secure", signal, () => socket.destroy());
      const result = new NodeStream(socket, stream.info.family, unixPath);
      result.tls = readTlsInfo(socket, true);
      return result;
    },

    async createUdp(settings: UdpSettings): Promise<RawDatagramSocket> {
      const socket = dgram.createSocket({
        type: settings.family === "IPv6" ? "udp6" : "udp4",
        reuseAddr: settings.reusePort,
        ipv6Only: settings.family === "IPv6",
      });
      await new Promise<void>((resolve, reject) => {
        socket.once("error", reject);
        socket.bind(settings.localPort, settings.localHost, () => {
          socket.off("error", reject);
          resolve();
        });
      }).catch((err) => {
        socket.close();
        throw err;
      });
      if (settings.remoteHost !== undefined) {
        await new Promise<void>((resolve, reject) => {
          socket.connect(settings.remotePort!, settings.remoteHost, (err?: Error) => (err ? reject(err) : resolve()));
        }).catch((err) => {
          socket.close();
          throw err;
        });
      }
      return new NodeDatagramSocket(socket, settings.family);
    },

    createUnixDatagram(): Promise<RawDatagramSocket> {
      return Promise.reject(new Error("the node backend has no Unix datagram sockets: node:dgram offers only UDP"));
    },

    async getaddrinfo(host, family) {
      const found = await dns.promises.lookup(host, { all: true, family: family === undefined ? 0 : family === "IPv4" ? 4 : 6 });
      return found.map((entry) => ({ family: entry.family === 6 ? "IPv6" as const : "IPv4" as const, address: entry.address }));
    },

    async getnameinfo(address, port) {
      const { hostname, service } = await dns.promises.lookupService(address, port);
      return { host: hostname, service };
    },
  };
}
