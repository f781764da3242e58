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
import {
  type NetBackend,
  type RawDatagramSocket,
  type RawListener,
  type RawStream,
  type TcpConnectSettings,
  type TcpListenSettings,
  type UdpSettings,
} from "./net.ts";
import { connectNodeTcp, NodeStream } from "./node-socket.ts";
import {
  abortable,
  deno,
  type DenoNetAddr,
  type DenoUnixAddr,
  familyOf,
  ipInfo,
  removeOwnSocket,
  removeStaleSocket,
  socketFileId,
  swallow,
  unixInfo,
} from "./deno-api.ts";
import { DenoStream } from "./deno-stream.ts";
import { startDenoTls, startNodeTls } from "./deno-tls.ts";
import { NativeListener } from "./deno-listener.ts";
import { canonicalIp, DenoDatagramSocket, udpUnavailable } from "./deno-datagram.ts";

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
        return await connectNodeTcp(settings, signal);
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
