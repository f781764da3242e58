/**
 * UDP and Unix datagram sockets. AnyIO's `UDPSocket`, `ConnectedUDPSocket`,
 * `UNIXDatagramSocket` and `ConnectedUNIXDatagramSocket`.
 *
 * @module
 */
import type { RawDatagram, RawDatagramSocket } from "../backends/net.ts";
import { checkpoint, waitForEvent } from "../core/checkpoint.ts";
import { BrokenResourceError, BusyResourceError, ClosedResourceError } from "../core/errors.ts";
import { getBackend } from "../core/run.ts";
import { checkBoolean, checkOptions } from "../sync/checks.ts";
import { checkBytes } from "../streams/checks.ts";
import { receiveUntilEnd } from "../streams/iterate.ts";
import { type TypedAttributeMap, TypedAttributeProvider } from "../streams/typed-attributes.ts";
import type { ObjectStream } from "../streams/types.ts";
import { checkFamily, checkHost, checkPath, checkPort } from "./checks.ts";
import { getaddrinfo } from "./dns.ts";
import { ipFamily } from "./ip.ts";
import { closeResource } from "./acquire.ts";
import { SocketAttribute } from "./attributes.ts";
import { socketAttributes } from "./socket-stream.ts";

/** A datagram with its peer's address: received from it, or to send to it. */
export interface Datagram {
  readonly data: Uint8Array;
  /** An IP literal for UDP (a host name is resolved when sending); a path for Unix datagram sockets. */
  readonly host: string;
  /** The port; 0 for Unix datagram sockets. */
  readonly port: number;
}

/**
 * What the datagram socket classes share: receiving as a checkpoint that takes nothing
 * when cancelled, sending, closing, iterating, and the socket's attributes. `T` is what
 * one `receive()` gives.
 */
abstract class DatagramSocketBase<T> extends TypedAttributeProvider {
  readonly #raw: RawDatagramSocket;
  #closed = false;
  #receiving = false;

  constructor(raw: RawDatagramSocket) {
    super();
    this.#raw = raw;
  }

  protected async receiveDatagram(): Promise<RawDatagram> {
    if (this.#closed) throw new ClosedResourceError();
    if (this.#receiving) throw new BusyResourceError("receiving from this socket");
    this.#receiving = true;
    try {
      await checkpoint();
      const raw = this.#raw;
      for (;;) {
        if (this.#closed) throw new ClosedResourceError();
        let datagram: RawDatagram | null;
        try {
          datagram = raw.tryReceive();
        } catch (err) {
          throw new BrokenResourceError(`the socket failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        }
        if (datagram !== null) return datagram;
        await waitForEvent((ready) => raw.onReceivable(ready));
      }
    } finally {
      this.#receiving = false;
    }
  }

  /**
   * Sends one datagram. The checkpoint comes first and the hand-over is not
   * interrupted, so a cancelled send sends nothing and a completed one was sent.
   */
  protected async sendDatagram(data: Uint8Array, host?: string, port?: number): Promise<void> {
    if (this.#closed) throw new ClosedResourceError();
    await checkpoint();
    if (this.#closed) throw new ClosedResourceError();
    try {
      await this.#raw.send(data, host, port);
    } catch (err) {
      if (this.#closed) throw new ClosedResourceError();
      throw new BrokenResourceError(`the datagram could not be sent: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  /**
   * Closes the socket. Idempotent; a waiting receive raises {@link ClosedResourceError}.
   * Never raises `Cancelled` (see {@link SocketStream.aclose}).
   */
  async aclose(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await closeResource(this.#raw.close(), () => {});
  }

  /** The same as `aclose()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }

  /** {@link SocketAttribute}s of this socket. */
  override get extraAttributes(): TypedAttributeMap {
    return socketAttributes(this.#raw.info);
  }

  /** Receives the next datagram. A checkpoint; cancelled, it takes nothing. */
  abstract receive(): Promise<T>;

  /** Datagram sockets have no end of stream: sending EOF does nothing. */
  async sendEof(): Promise<void> {
    await checkpoint();
  }

  /** Receives datagrams for as long as the loop runs (datagram sockets have no end of stream). */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return receiveUntilEnd(this);
  }
}

/** The datagram object of `send(datagram)`, checked. */
function checkDatagram(datagram: Datagram): Datagram {
  if (datagram === null || typeof datagram !== "object") throw new TypeError("datagram must be an object with data, host and port");
  return datagram;
}

/**
 * An unconnected UDP socket: an object stream of {@link Datagram}s, each received with
 * its sender's address, each sent to the address it carries. UDP may lose, repeat or
 * reorder datagrams; while nobody receives, at most 256 are kept and older ones dropped.
 *
 * @example
 * ```ts
 * import { createUdpSocket, SocketAttribute } from "structio";
 *
 * await using a = await createUdpSocket({ localHost: "127.0.0.1" });
 * await using b = await createUdpSocket({ localHost: "127.0.0.1" });
 * await a.sendto(new TextEncoder().encode("hi"), "127.0.0.1", b.extra(SocketAttribute.localPort));
 * const { data, host, port } = await b.receive();
 * console.log(new TextDecoder().decode(data), host, port === a.extra(SocketAttribute.localPort));
 * ```
 */
export class UDPSocket extends DatagramSocketBase<Datagram> implements ObjectStream<Datagram> {
  /** Receives the next datagram with its sender's address. A checkpoint; cancelled, it takes nothing. */
  async receive(): Promise<Datagram> {
    const { data, address, port } = await this.receiveDatagram();
    return { data, host: address, port };
  }

  /** Sends `datagram.data` to `datagram.host` and `datagram.port`. */
  send(datagram: Datagram): Promise<void> {
    const { data, host, port } = checkDatagram(datagram);
    return this.sendto(data, host, port);
  }

  /**
   * Sends `data` to `host` (resolved first if it is a name) and `port`.
   *
   * @throws {TypeError} if `data` is not a Uint8Array or `host` is empty.
   * @throws {RangeError} if `port` is not from 1 to 65535.
   */
  async sendto(data: Uint8Array, host: string, port: number): Promise<void> {
    checkBytes(data, "data");
    checkHost(host, "host");
    checkPort(port, "port", 1);
    const address = ipFamily(host) === undefined
      ? (await getaddrinfo(host, port, { family: this.extra(SocketAttribute.family) === "IPv6" ? "IPv6" : "IPv4" }))[0]?.address
      : host;
    if (address === undefined) throw new TypeError(`host ${JSON.stringify(host)} has no address of this socket's family`);
    await this.sendDatagram(data, address, port);
  }
}

/**
 * A UDP socket connected to one peer: an object stream of datagram payloads, sent to
 * and received from that peer only.
 *
 * @example
 * ```ts
 * import { createConnectedUdpSocket, createUdpSocket, SocketAttribute } from "structio";
 *
 * await using server = await createUdpSocket({ localHost: "127.0.0.1" });
 * await using client = await createConnectedUdpSocket("127.0.0.1", server.extra(SocketAttribute.localPort));
 * await client.send(new TextEncoder().encode("ping"));
 * const { data, host, port } = await server.receive();
 * await server.sendto(data, host, port);
 * console.log(new TextDecoder().decode(await client.receive())); // "ping"
 * ```
 */
export class ConnectedUDPSocket extends DatagramSocketBase<Uint8Array> implements ObjectStream<Uint8Array> {
  /** Receives the next datagram's payload. A checkpoint; cancelled, it takes nothing. */
  async receive(): Promise<Uint8Array> {
    return (await this.receiveDatagram()).data;
  }

  /**
   * Sends `data` as one datagram to the peer.
   *
   * @throws {TypeError} if `data` is not a Uint8Array.
   */
  async send(data: Uint8Array): Promise<void> {
    checkBytes(data, "data");
    await this.sendDatagram(data);
  }
}

/**
 * An unconnected Unix datagram socket: like {@link UDPSocket}, with socket paths for
 * addresses (`port` is always 0). Only the deno backend has them (with Deno's
 * `--unstable-net` flag); elsewhere creating one raises an error that says so.
 *
 * @example
 * ```ts
 * import { createUnixDatagramSocket } from "structio";
 *
 * try {
 *   await using socket = await createUnixDatagramSocket({ localPath: `/tmp/structio-dgram-${Date.now()}.sock` });
 * } catch (err) {
 *   console.log(String(err)); // on node and bun: no Unix datagram sockets
 * }
 * ```
 */
export class UNIXDatagramSocket extends DatagramSocketBase<Datagram> implements ObjectStream<Datagram> {
  /** Receives the next datagram with its sender's path ("" for an unbound sender). */
  async receive(): Promise<Datagram> {
    const { data, address } = await this.receiveDatagram();
    return { data, host: address, port: 0 };
  }

  /** Sends `datagram.data` to the socket at `datagram.host`. */
  send(datagram: Datagram): Promise<void> {
    const { data, host } = checkDatagram(datagram);
    return this.sendto(data, host);
  }

  /**
   * Sends `data` to the socket at `path`.
   *
   * @throws {TypeError} if `data` is not a Uint8Array or `path` is empty.
   */
  async sendto(data: Uint8Array, path: string): Promise<void> {
    checkBytes(data, "data");
    checkPath(path, "path");
    await this.sendDatagram(data, path, 0);
  }
}

/** Options of {@link createUdpSocket}. */
export interface UdpSocketOptions {
  /** The family, when `localHost` does not settle it (default "IPv4"). */
  family?: "IPv4" | "IPv6";
  /** The local address or name to bind to (default: every interface of the family). */
  localHost?: string;
  /** The local port (default 0: one the system picks). */
  localPort?: number;
  /** Lets several sockets bind the same address and port (default false). */
  reusePort?: boolean;
}

async function openUdp(options: UdpSocketOptions | undefined, remote?: { host: string; port: number }): Promise<RawDatagramSocket> {
  const o = checkOptions(options);
  let family = checkFamily(o.family, "options.family");
  if (o.localHost !== undefined) checkHost(o.localHost, "options.localHost");
  const localPort = checkPort(o.localPort ?? 0, "options.localPort", 0);
  const reusePort = checkBoolean(o.reusePort, "options.reusePort", false);
  let remoteHost: string | undefined;
  if (remote !== undefined) {
    const found = await getaddrinfo(remote.host, remote.port, { family });
    if (found.length === 0) throw new TypeError(`remoteHost ${JSON.stringify(remote.host)} has no ${family} address`);
    remoteHost = found[0].address;
    family ??= found[0].family;
  }
  let localHost = o.localHost;
  if (localHost !== undefined) {
    const found = await getaddrinfo(localHost, localPort, { family });
    if (found.length === 0) throw new TypeError(`options.localHost ${JSON.stringify(localHost)} has no ${family ?? ""} address`);
    localHost = found[0].address;
    family = found[0].family;
  }
  family ??= "IPv4";
  localHost ??= family === "IPv6" ? "::" : "0.0.0.0";
  return await getBackend().net.createUdp({ family, localHost, localPort, remoteHost, remotePort: remote?.port, reusePort });
}

/**
 * Opens an unconnected UDP socket bound to `localHost` and `localPort`.
 *
 * @throws {TypeError} if an option is not valid.
 * @throws {RangeError} if `localPort` is not from 0 to 65535.
 *
 * @example
 * ```ts
 * import { createUdpSocket, SocketAttribute } from "structio";
 *
 * await using socket = await createUdpSocket({ localHost: "127.0.0.1", localPort: 0 });
 * console.log(socket.extra(SocketAttribute.localPort) > 0); // true
 * ```
 */
export async function createUdpSocket(options?: UdpSocketOptions): Promise<UDPSocket> {
  return new UDPSocket(await openUdp(options));
}

/**
 * Opens a UDP socket connected to `remoteHost` (resolved first if it is a name) and
 * `remotePort`: it sends there and receives only from there.
 *
 * @throws {TypeError} if `remoteHost` is empty, or an option is not valid.
 * @throws {RangeError} if a port is out of range.
 *
 * @example
 * ```ts
 * import { createConnectedUdpSocket, SocketAttribute } from "structio";
 *
 * await using socket = await createConnectedUdpSocket("127.0.0.1", 9);
 * console.log(socket.extra(SocketAttribute.remotePort)); // 9
 * ```
 */
export async function createConnectedUdpSocket(
  remoteHost: string,
  remotePort: number,
  options?: UdpSocketOptions,
): Promise<ConnectedUDPSocket> {
  checkHost(remoteHost, "remoteHost");
  checkPort(remotePort, "remotePort", 1);
  return new ConnectedUDPSocket(await openUdp(options, { host: remoteHost, port: remotePort }));
}

/**
 * Opens a Unix datagram socket bound to `localPath` (unbound when not given). See
 * {@link UNIXDatagramSocket} for where the runtimes have them.
 *
 * @throws {TypeError} if `localPath` is given and not a non-empty string.
 * @throws {Error} on a backend without Unix datagram sockets, saying so.
 *
 * @example
 * ```ts
 * import { createUnixDatagramSocket } from "structio";
 *
 * await createUnixDatagramSocket().then((s) => s.aclose(), (err) => console.log(String(err)));
 * ```
 */
export async function createUnixDatagramSocket(options?: { localPath?: string }): Promise<UNIXDatagramSocket> {
  const o = checkOptions(options);
  if (o.localPath !== undefined) checkPath(o.localPath, "options.localPath");
  return new UNIXDatagramSocket(await getBackend().net.createUnixDatagram(o.localPath, undefined));
}

/**
 * Opens a Unix datagram socket connected to the socket at `remotePath`: an object
 * stream of payloads, as {@link ConnectedUDPSocket} is for UDP.
 *
 * @throws {TypeError} if a path is not a non-empty string.
 * @throws {Error} on a backend without Unix datagram sockets, saying so.
 *
 * @example
 * ```ts
 * import { createConnectedUnixDatagramSocket } from "structio";
 *
 * await createConnectedUnixDatagramSocket("/tmp/no-such.sock").catch((err) => console.log(String(err)));
 * ```
 */
export async function createConnectedUnixDatagramSocket(
  remotePath: string,
  options?: { localPath?: string },
): Promise<ConnectedUDPSocket> {
  checkPath(remotePath, "remotePath");
  const o = checkOptions(options);
  if (o.localPath !== undefined) checkPath(o.localPath, "options.localPath");
  return new ConnectedUDPSocket(await getBackend().net.createUnixDatagram(o.localPath, remotePath));
}
