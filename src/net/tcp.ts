/**
 * TCP connections and listeners: `connectTcp` with Happy Eyeballs and optional TLS, and
 * `createTcpListener` covering IPv4 and IPv6. AnyIO's `connect_tcp` and
 * `create_tcp_listener`.
 *
 * @module
 */
import type { RawListener, RawStream } from "../backends/net.ts";
import { ConnectionFailed, type ConnectionAttempt, isCancelled } from "../core/errors.ts";
import { getBackend } from "../core/run.ts";
import { withTaskGroup } from "../core/task-group.ts";
import { moveOnAfter } from "../core/timeouts.ts";
import { Event } from "../sync/event.ts";
import { checkBoolean, checkOptions } from "../sync/checks.ts";
import { acquire, discardStream } from "./acquire.ts";
import { checkBacklog, checkFamily, checkHost, checkPort } from "./checks.ts";
import { getaddrinfo } from "./dns.ts";
import { ipFamily } from "./ip.ts";
import { MultiListener } from "./multi-listener.ts";
import { SocketListener } from "./socket-listener.ts";
import { SocketStream } from "./socket-stream.ts";
import { clientSettings, type TlsClientOptions } from "./tls-options.ts";
import { startTls, type TLSStream } from "./tls-stream.ts";

/** Options of {@link connectTcp}. */
export interface ConnectTcpOptions {
  /** The local address to connect from (an IP literal or a name); only addresses of its family are tried. */
  localHost?: string;
  /** The local port to connect from (default: one the system picks). */
  localPort?: number;
  /**
   * Milliseconds to wait for one address before also trying the next (RFC 8305's
   * "Connection Attempt Delay"; default 250). A failed attempt starts the next at once.
   */
  happyEyeballsDelay?: number;
  /** Runs a TLS handshake after connecting: `true` for the defaults, or client options. */
  tls?: boolean | TlsClientOptions;
}

/** {@link ConnectTcpOptions} with TLS on: {@link connectTcp} then returns a {@link TLSStream}. */
export type ConnectTlsOptions = ConnectTcpOptions & { tls: true | TlsClientOptions };

/**
 * Orders addresses as RFC 8305 asks: alternating families, starting with the family of
 * the first address the resolver returned.
 */
function interleave<T extends { family: string }>(addresses: readonly T[]): T[] {
  if (addresses.length === 0) return [];
  const first = addresses.filter((a) => a.family === addresses[0].family);
  const other = addresses.filter((a) => a.family !== addresses[0].family);
  const result: T[] = [];
  for (let i = 0; i < Math.max(first.length, other.length); i++) {
    if (i < first.length) result.push(first[i]);
    if (i < other.length) result.push(other[i]);
  }
  return result;
}

/**
 * Connects to `host` on `port` over TCP and returns the connection as a
 * {@link SocketStream}, or as a {@link TLSStream} when `options.tls` is given.
 *
 * A host name is resolved first. With several addresses, they are tried as Happy
 * Eyeballs (RFC 8305) says: families alternating, each attempt started
 * `happyEyeballsDelay` ms after the previous one or as soon as it fails; the first
 * connection made wins and the other attempts are cancelled and closed.
 *
 * With `tls`, the server's certificate is verified against `tls.serverName` (default:
 * `host`) and the system's CAs (or `tls.ca`), unless `tls.insecureSkipVerify` is set.
 *
 * A checkpoint. Cancelled, it leaves no socket open: attempts in flight are aborted,
 * and one that connected anyway is closed.
 *
 * @throws {TypeError} if `host` is empty or not a string, or an option is not valid.
 * @throws {RangeError} if `port` is not from 1 to 65535, or `happyEyeballsDelay` is negative.
 * @throws {ConnectionFailed} if every address refused or failed; `attempts` holds each error.
 * @throws {BrokenResourceError} if the TLS handshake failed.
 * @throws the resolver's error (code ENOTFOUND, say) if `host` does not resolve.
 *
 * @example
 * ```ts
 * import { connectTcp, createTcpListener, SocketAttribute } from "structio";
 *
 * await using listener = await createTcpListener({ host: "localhost" });
 * const port = listener.extra(SocketAttribute.localPort);
 * await using stream = await connectTcp("localhost", port, { happyEyeballsDelay: 100 });
 * console.log(stream.extra(SocketAttribute.remotePort) === port); // true
 * ```
 */
export async function connectTcp(host: string, port: number, options: ConnectTlsOptions): Promise<TLSStream>;
export async function connectTcp(host: string, port: number, options?: ConnectTcpOptions): Promise<SocketStream>;
export async function connectTcp(host: string, port: number, options?: ConnectTcpOptions): Promise<SocketStream> {
  checkHost(host, "host");
  checkPort(port, "port", 1);
  const o = checkOptions(options);
  if (o.localHost !== undefined) checkHost(o.localHost, "options.localHost");
  if (o.localPort !== undefined) checkPort(o.localPort, "options.localPort", 0);
  const delay = o.happyEyeballsDelay ?? 250;
  if (typeof delay !== "number") throw new TypeError(`options.happyEyeballsDelay must be a number, not ${typeof delay}`);
  if (!(delay >= 0)) throw new RangeError(`options.happyEyeballsDelay must be >= 0, not ${delay}`);
  const tls = o.tls === undefined || o.tls === false ? undefined : o.tls === true ? {} : o.tls;
  if (tls !== undefined && (typeof tls !== "object" || tls === null)) {
    throw new TypeError("options.tls must be a boolean or an object of TLS options");
  }
  const tlsSettings = tls === undefined ? undefined : clientSettings(tls, "options.tls", host);

  let localHost: string | undefined;
  if (o.localHost !== undefined) {
    localHost = ipFamily(o.localHost) === undefined ? (await getaddrinfo(o.localHost))[0]?.address : o.localHost;
    if (localHost === undefined) {
      const error = new Error(`options.localHost ${JSON.stringify(o.localHost)} resolves to no address`);
      throw new ConnectionFailed(`${host}:${port}`, [{ address: o.localHost, error }]);
    }
  }
  const localFamily = localHost === undefined ? undefined : ipFamily(localHost);
  const resolved = await getaddrinfo(host, port, { family: localFamily });
  const targets = interleave(resolved).map((a) => a.address);
  if (targets.length === 0) {
    throw new ConnectionFailed(`${host}:${port}`, [{ address: host, port, error: new Error("no address of a usable family") }]);
  }
  const raw = await happyEyeballs(targets, port, localHost, o.localPort, delay, `${host}:${port}`);
  const stream = new SocketStream(raw);
  if (tlsSettings === undefined) return stream;
  return await startTls(stream, { client: tlsSettings });
}

/** Connects to one address; a cancelled attempt leaves nothing open. */
function attempt(address: string, port: number, localHost: string | undefined, localPort: number | undefined): Promise<RawStream> {
  const net = getBackend().net;
  return acquire((signal) => net.connectTcp({ host: address, port, localHost, localPort }, signal), discardStream);
}

/**
 * Races connection attempts to `targets` as RFC 8305 says, and returns the first
 * connection made. The attempts run in a task group: the winner cancels the group,
 * which aborts every other attempt (and closes one that connected at the same moment).
 *
 * @internal Exported for the conformance suite, which races explicit address lists
 * (test machines seldom have a name that resolves to both families).
 */
export async function happyEyeballs(
  targets: readonly string[],
  port: number,
  localHost: string | undefined,
  localPort: number | undefined,
  delay: number,
  description: string,
): Promise<RawStream> {
  const failures: Array<ConnectionAttempt | undefined> = [];
  if (targets.length === 1) {
    try {
      return await attempt(targets[0], port, localHost, localPort);
    } catch (error) {
      if (isCancelled(error)) throw error;
      throw new ConnectionFailed(description, [{ address: targets[0], port, error }]);
    }
  }
  let winner: RawStream | null = null;
  try {
    await withTaskGroup(async (tg) => {
      for (const [index, address] of targets.entries()) {
        const failed = new Event();
        tg.startSoon(async () => {
          try {
            const raw = await attempt(address, port, localHost, localPort);
            // Two attempts can connect in the same turn; only the first is kept.
            if (winner !== null) return await discardStream(raw);
            winner = raw;
            tg.cancelScope.cancel("another address connected first");
          } catch (error) {
            if (isCancelled(error)) throw error;
            failures[index] = { address, port, error };
            failed.set();
          }
        });
        if (index < targets.length - 1) await moveOnAfter(delay, () => failed.wait());
      }
    });
  } catch (err) {
    if (winner !== null) await discardStream(winner);
    throw err;
  }
  if (winner !== null) return winner;
  throw new ConnectionFailed(description, failures.filter((f) => f !== undefined));
}

/** Options of {@link createTcpListener}. */
export interface TcpListenerOptions {
  /** The address or name to listen on (default: every interface, IPv4 and IPv6). */
  host?: string;
  /** The port (default 0: one the system picks, the same on every address). */
  port?: number;
  /** Only addresses of this family. */
  family?: "IPv4" | "IPv6";
  /** The most connections the system queues before they are accepted (default 65536; the runtime may cap it). */
  backlog?: number;
  /** Lets several listeners share the port (SO_REUSEPORT; default false). */
  reusePort?: boolean;
}

/** How many times a listener with port 0 retries when another program took its port on a second address. */
const PORT_RETRIES = 10;

/**
 * Listens for TCP connections on every address of `host` (default: every interface,
 * IPv4 and IPv6) and returns a {@link MultiListener} of one {@link SocketListener} per
 * address, all on the same port: with port 0 the system picks it for the first address
 * and the others take the same one. IPv6 sockets accept IPv6 only, so that the IPv4
 * socket can share the port; on a backend that cannot do that (the node backend on
 * Deno), every interface is covered by one dual-stack "::" listener instead.
 *
 * @throws {TypeError} if an option is not valid.
 * @throws {RangeError} if `port` is not from 0 to 65535, or `backlog` is not a whole number >= 1.
 * @throws the runtime's error (code EADDRINUSE, say) if listening failed.
 *
 * @example
 * ```ts
 * import { createTcpListener, SocketAttribute } from "structio";
 *
 * await using listener = await createTcpListener({ host: "localhost", port: 0 });
 * console.log(listener.listeners.length, listener.extra(SocketAttribute.localPort));
 * ```
 */
export async function createTcpListener(options?: TcpListenerOptions): Promise<MultiListener<SocketStream>> {
  const o = checkOptions(options);
  if (o.host !== undefined) checkHost(o.host, "options.host");
  const port = checkPort(o.port ?? 0, "options.port", 0);
  const family = checkFamily(o.family, "options.family");
  const backlog = checkBacklog(o.backlog ?? 65536);
  const reusePort = checkBoolean(o.reusePort, "options.reusePort", false);
  const net = getBackend().net;
  const addresses = o.host === undefined ? wildcards(family, net.ipv6OnlyListeners) : await getaddrinfo(o.host, port, { family });
  if (addresses.length === 0) throw new TypeError(`options.host ${JSON.stringify(o.host)} has no ${family} address`);
  for (let tries = 0;; tries++) {
    const listeners: RawListener[] = [];
    try {
      let chosen = port;
      for (const { address } of addresses) {
        let listener: RawListener;
        try {
          listener = await net.listenTcp({ host: address, port: chosen, backlog, reusePort, ipv6Only: true });
        } catch (err) {
          // Listening on every interface makes do with IPv4 on a system without IPv6.
          if (o.host === undefined && address === "::" && family === undefined && isFamilyUnsupported(err)) {
            if (listeners.length === 0) listeners.push(await net.listenTcp({ host: "0.0.0.0", port: chosen, backlog, reusePort, ipv6Only: false }));
            continue;
          }
          throw err;
        }
        listeners.push(listener);
        chosen = listener.info.localPort!;
      }
      return new MultiListener(listeners.map((raw) => new SocketListener(raw)));
    } catch (err) {
      for (const listener of listeners) await listener.close();
      // With port 0, the port the system gave the first address may be taken on
      // another; pick a new one rather than fail.
      const taken = (err as { code?: unknown })?.code === "EADDRINUSE";
      if (!(port === 0 && taken && listeners.length > 0 && tries < PORT_RETRIES)) throw err;
    }
  }
}

/**
 * The wildcard addresses that cover every interface: "0.0.0.0" and "::" (IPv6 only),
 * or "::" alone, dual-stack, on a backend that cannot make IPv6-only listeners (an
 * IPv4 listener could not share its port).
 */
function wildcards(family: "IPv4" | "IPv6" | undefined, ipv6Only: boolean): Array<{ family: "IPv4" | "IPv6"; address: string }> {
  if (family === "IPv4") return [{ family, address: "0.0.0.0" }];
  if (family === "IPv6" || !ipv6Only) return [{ family: "IPv6", address: "::" }];
  return [{ family: "IPv4", address: "0.0.0.0" }, { family: "IPv6", address: "::" }];
}

/** Whether `err` says the system has no IPv6 (listening on "::" then fails). */
function isFamilyUnsupported(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === "EAFNOSUPPORT" || code === "EADDRNOTAVAIL";
}
