/**
 * The networking part of the Backend interface: what every adapter (node, deno, bun)
 * offers for TCP, Unix sockets, UDP, TLS and DNS. The front ends in `src/net/` add
 * argument checks, checkpoints, cancellation and the stream classes on top.
 *
 * The shape is chosen so that cancellation can never lose data:
 * - Reads and writes are split into a *readiness wait* (`onReadable`, `onWritable`),
 *   which can be abandoned at any moment without effect, and a *synchronous transfer*
 *   (`tryRead`, `write`), which either happens whole or not at all. A cancelled
 *   receive or send therefore takes or sends nothing.
 * - Operations that make a resource (connect, handshake) take an AbortSignal. Aborting
 *   releases whatever was half made, and the promise then rejects promptly (a runtime
 *   whose connect cannot be interrupted rejects at once and closes the connection when
 *   it arrives); if the resource was already made, the promise resolves and the caller
 *   closes it.
 *
 * @module
 */

/** The address family of a socket. */
export type SocketFamily = "IPv4" | "IPv6" | "unix";

/**
 * What a socket knows about its ends. For IP sockets the addresses are IP literals and
 * the ports numbers; for Unix sockets the addresses are paths ("" for an unnamed end)
 * and the ports are undefined. A listener has no remote end.
 */
export interface SocketInfo {
  readonly family: SocketFamily;
  readonly localAddress: string;
  readonly localPort?: number;
  readonly remoteAddress?: string;
  readonly remotePort?: number;
}

/** What a TLS connection knows once its handshake is done; undefined where unknown. */
export interface TlsInfo {
  readonly serverSide: boolean;
  /** The protocol the peers agreed on with ALPN, or null when none was. */
  readonly alpnProtocol: string | null;
  /** "TLSv1.3", say; undefined when the runtime does not tell. */
  readonly tlsVersion?: string;
  /** The cipher suite's name; undefined when the runtime does not tell. */
  readonly cipher?: string;
  /** The peer's certificate in DER form, null when it sent none; undefined when the runtime does not tell. */
  readonly peerCertificate?: Uint8Array | null;
}

/** Returned by {@link RawStream.tryRead} at end of stream. */
export const EOF: unique symbol = Symbol("EOF");

/** Stops a readiness wait; calling it after the wait fired does nothing. */
export type CancelWait = () => void;

/**
 * A connected byte stream: TCP, Unix or TLS.
 *
 * Errors (a reset, a failed write) are thrown by `tryRead` and `write` once they are
 * known; the front end reports them as BrokenResourceError with the original as cause.
 */
export interface RawStream {
  readonly info: SocketInfo;
  /** Set once a TLS handshake finished on this stream. */
  readonly tls: TlsInfo | null;
  /**
   * Takes between 1 and `maxBytes` received bytes, or returns null when none are
   * buffered yet, or {@link EOF} once the peer finished sending and all was taken.
   */
  tryRead(maxBytes: number): Uint8Array | null | typeof EOF;
  /**
   * As `tryRead`, but copies the bytes into `buffer` and returns how many. Optional: a
   * stream that reads into buffers of its own implements it to reuse them; the front
   * end copies what `tryRead` returns otherwise.
   */
  tryReadInto?(buffer: Uint8Array): number | null | typeof EOF;
  /**
   * Calls `ready` once (never during this call) when `tryRead` may return something other than
   * null (data, EOF or an error), or when the stream is closed.
   */
  onReadable(ready: () => void): CancelWait;
  /** Whether `write` may be called now without buffering past the high-water mark. */
  writable(): boolean;
  /**
   * Calls `ready` once (never during this call) when `writable()` may have become true, or the
   * stream failed or was closed.
   */
  onWritable(ready: () => void): CancelWait;
  /**
   * Hands all of `data` to the runtime. The runtime may keep a reference to it until
   * it is flushed. Throws if the stream failed.
   */
  write(data: Uint8Array): void;
  /** Sends end-of-stream after what was written (a FIN; close_notify for TLS). */
  shutdownWrite(): void;
  /**
   * Flushes what was written, then releases the socket. Resolves once it is released,
   * also when `abort()` cut the flush short. Wakes every readiness waiter.
   */
  close(): Promise<void>;
  /** Releases the socket at once, dropping unsent data. Wakes every readiness waiter. */
  abort(): void;
}

/** A listening socket that queues accepted connections. */
export interface RawListener {
  readonly info: SocketInfo;
  /** Takes an accepted connection, or null when none is queued. Throws if listening failed. */
  tryAccept(): RawStream | null;
  /** Calls `ready` once (never during this call) when `tryAccept` may return a connection or throw, or on close. */
  onAcceptable(ready: () => void): CancelWait;
  /** Stops listening and closes every accepted connection not taken yet. */
  close(): Promise<void>;
}

/** One datagram received, with the sender's address. */
export interface RawDatagram {
  readonly data: Uint8Array;
  readonly address: string;
  readonly port: number;
}

/** A UDP socket, bound and optionally connected to one peer. */
export interface RawDatagramSocket {
  readonly info: SocketInfo;
  /** Takes the oldest queued datagram, or null when none is queued. */
  tryReceive(): RawDatagram | null;
  /** Calls `ready` once (never during this call) when `tryReceive` may return a datagram or throw, or on close. */
  onReceivable(ready: () => void): CancelWait;
  /** Sends one datagram (to the connected peer when `address` is undefined). */
  send(data: Uint8Array, address?: string, port?: number): Promise<void>;
  close(): Promise<void>;
}

/** TLS settings of a client; certificates and keys in PEM. */
export interface TlsClientSettings {
  /** The name to verify the server's certificate against and to send with SNI. */
  readonly serverName?: string;
  /** Trusted CA certificates (replacing the system's); undefined uses the system's. */
  readonly ca?: readonly string[];
  readonly cert?: string;
  readonly key?: string;
  readonly alpnProtocols?: readonly string[];
  /** Skips verification of the server's certificate. Insecure. */
  readonly insecureSkipVerify: boolean;
}

/** TLS settings of a server; certificates and keys in PEM. */
export interface TlsServerSettings {
  readonly cert: string;
  readonly key: string;
  /** CAs trusted for client certificates. */
  readonly ca?: readonly string[];
  /** Asks the client for a certificate and rejects the handshake without a valid one. */
  readonly requireClientCert: boolean;
  readonly alpnProtocols?: readonly string[];
}

/** Settings for a TCP connection; `host` is always an IP literal. */
export interface TcpConnectSettings {
  readonly host: string;
  readonly port: number;
  readonly localHost?: string;
  readonly localPort?: number;
}

/** Settings for a TCP listener; `host` is always an IP literal. */
export interface TcpListenSettings {
  readonly host: string;
  readonly port: number;
  readonly backlog: number;
  readonly reusePort: boolean;
  /** For an IPv6 host: accept IPv6 only (so that an IPv4 listener can share the port). */
  readonly ipv6Only: boolean;
}

/** Settings for a UDP socket; hosts are IP literals. */
export interface UdpSettings {
  readonly family: "IPv4" | "IPv6";
  readonly localHost: string;
  readonly localPort: number;
  readonly remoteHost?: string;
  readonly remotePort?: number;
  readonly reusePort: boolean;
}

/** One address found by {@link NetBackend.getaddrinfo}. */
export interface ResolvedAddress {
  readonly family: "IPv4" | "IPv6";
  readonly address: string;
}

/**
 * The networking adapter of one runtime.
 *
 * Every method that makes a resource takes an AbortSignal: see the module comment.
 */
export interface NetBackend {
  /**
   * Whether `listenTcp` honours `ipv6Only`. Where it does not (Deno's node:net), a
   * listener on "::" also takes IPv4 connections, as IPv4-mapped addresses.
   */
  readonly ipv6OnlyListeners: boolean;
  connectTcp(settings: TcpConnectSettings, signal: AbortSignal): Promise<RawStream>;
  listenTcp(settings: TcpListenSettings): Promise<RawListener>;
  connectUnix(path: string, signal: AbortSignal): Promise<RawStream>;
  /** Listens on `path`, replacing a stale socket file there; `mode` sets its permissions. */
  listenUnix(path: string, mode: number | undefined, backlog: number): Promise<RawListener>;
  /**
   * Runs a TLS handshake over a connected stream, which then belongs to the result.
   * Rejects (after releasing the stream) if the handshake fails or is aborted.
   */
  startTls(
    stream: RawStream,
    settings: { client: TlsClientSettings } | { server: TlsServerSettings },
    signal: AbortSignal,
  ): Promise<RawStream>;
  createUdp(settings: UdpSettings): Promise<RawDatagramSocket>;
  /**
   * A Unix datagram socket bound to `localPath` (unbound when undefined) and connected
   * to `remotePath` when given. Rejects with an error that says so on a runtime that
   * has no Unix datagram sockets.
   */
  createUnixDatagram(localPath: string | undefined, remotePath: string | undefined): Promise<RawDatagramSocket>;
  getaddrinfo(host: string, family: "IPv4" | "IPv6" | undefined): Promise<ResolvedAddress[]>;
  getnameinfo(address: string, port: number): Promise<{ host: string; service: string }>;
}
