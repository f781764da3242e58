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
  type NetBackend,
  type RawDatagramSocket,
  type RawListener,
  type RawStream,
  type TcpConnectSettings,
  type TcpListenSettings,
  type UdpSettings,
} from "./net.ts";
import { chmodSocket, removeStaleSocket } from "./socket-file.ts";
import { bunApi, UDP_IPV6_ONLY, UDP_REUSE_ADDR } from "./bun-api.ts";
import { BunStream, connectStream, STREAM_HANDLERS } from "./bun-stream.ts";
import { BunStreamListener } from "./bun-listener.ts";
import { upgradeToTls } from "./bun-tls.ts";
import { BunDatagramSocket } from "./bun-datagram.ts";

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
