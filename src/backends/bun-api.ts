/**
 * The slice of Bun's API the bun backend uses (declared here: the project has no
 * bun-types).
 *
 * @module
 */

/** Bun's TCP, Unix or TLS socket (`Socket<Data>` in bun-types). */
export interface BunSocket {
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
export interface BunSocketHandlers {
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
export interface BunTlsOptions {
  ca?: string[];
  cert?: string;
  key?: string;
  serverName?: string;
  rejectUnauthorized?: boolean;
  requestCert?: boolean;
  ALPNProtocols?: ArrayBuffer;
}

export interface BunUpgradeTlsOptions {
  data: unknown;
  tls: BunTlsOptions;
  socket: BunSocketHandlers;
  isServer?: boolean;
  /** Bytes already read from the plain socket, fed to the TLS engine first. */
  initialData?: Uint8Array;
}

export type BunConnectOptions =
  & ({ hostname: string; port: number; localAddress?: string; localPort?: number } | { unix: string })
  & { allowHalfOpen: true; data: unknown; socket: BunSocketHandlers };

export type BunListenOptions =
  & ({ hostname: string; port: number; reusePort: boolean; ipv6Only: boolean } | { unix: string })
  & { allowHalfOpen: true; socket: BunSocketHandlers };

/** Bun's listener (`TCPSocketListener` / `UnixSocketListener`). */
export interface BunListener {
  /** Stops accepting; with `true` it would also close every accepted socket. */
  stop(closeActiveConnections?: boolean): void;
  getsockname(out: { address?: string; port?: number; family?: string }): void;
}

/** Bun's UDP socket (`udp.Socket` / `udp.ConnectedSocket`). */
export interface BunUdpSocket {
  readonly address: { address: string; port: number; family: string };
  readonly remoteAddress?: { address: string; port: number; family: string };
  /** True when the kernel took the datagram; false under backpressure (not sent, retry on drain). */
  send(data: Uint8Array, port?: number, address?: string): boolean;
  close(): void;
}

export interface BunUdpOptions {
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

export interface BunNamespace {
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
export const UDP_IPV6_ONLY = 8;
export const UDP_REUSE_ADDR = 16;

export function bunApi(): BunNamespace {
  const ns = (globalThis as { Bun?: BunNamespace }).Bun;
  if (ns === undefined) throw new Error("the bun backend needs the Bun runtime");
  return ns;
}
