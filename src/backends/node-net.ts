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
  type NetBackend,
  type RawDatagram,
  type RawDatagramSocket,
  type RawListener,
  type RawStream,
  type SocketFamily,
  type SocketInfo,
  type TcpListenSettings,
  type UdpSettings,
} from "./net.ts";
import { currentRuntime } from "./detect.ts";
import { clientTlsOptions, connectNodeTcp, ipInfo, NodeStream, readTlsInfo, serverTlsOptions, settleOn } from "./node-socket.ts";
import { DatagramQueue } from "./datagram-queue.ts";
import { Notifier } from "./notifier.ts";
import { chmodSocket, removeStaleSocket } from "./socket-file.ts";

/**
 * Wraps `socket` with the plain stream's `info` and waits for its handshake.
 *
 * The stream (and so its 'data' and 'end' listeners) comes first: Deno's node:tls
 * loses the peer's end of stream when it arrives while the socket does not flow yet,
 * as it may right after the handshake when the peer sends a little and ends at once
 * (seen on Deno 2.9 with 256 KiB to 1.5 MiB sent: the 'end' event never came). No
 * application data comes before the handshake, so nothing is read too early.
 */
async function secured(socket: tls.TLSSocket, serverSide: boolean, info: SocketInfo, signal: AbortSignal): Promise<RawStream> {
  const stream = new NodeStream(socket, info);
  // node:tls says a handshake is done with 'secure' on the server and 'secureConnect' on the client.
  await settleOn(socket, serverSide ? "secure" : "secureConnect", signal, () => socket.destroy());
  stream.tls = readTlsInfo(socket, serverSide);
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
    if (this.#path !== undefined) return new NodeStream(socket, { family: "unix", localAddress: this.#path, remoteAddress: "" });
    return new NodeStream(socket, ipInfo(socket, this.#family));
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
  info: SocketInfo;
  readonly #socket: dgram.Socket;
  readonly #received = new DatagramQueue();
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
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      this.#received.push({ data: bytes, address: rinfo.address, port: rinfo.port });
    });
    socket.on("error", (err) => this.#received.fail(err));
  }

  tryReceive(): RawDatagram | null {
    return this.#received.take();
  }

  onReceivable(ready: () => void): CancelWait {
    return this.#received.onReady(ready);
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
    this.#received.wake();
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }
}

/** Builds the node:* networking adapter. */
export function createNodeNet(): NetBackend {
  return {
    // Deno's node:net ignores ipv6Only: its "::" listeners are always dual-stack.
    ipv6OnlyListeners: currentRuntime() !== "deno",

    connectTcp: connectNodeTcp,

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
      return new NodeStream(socket, { family: "unix", localAddress: "", remoteAddress: path });
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
      const info = stream.info;
      const plain = stream.detach();
      if ("client" in settings) {
        return await secured(tls.connect({ socket: plain, ...clientTlsOptions(settings.client) }), false, info, signal);
      }
      return await secured(new tls.TLSSocket(plain, serverTlsOptions(settings.server)), true, info, signal);
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
