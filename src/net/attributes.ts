/**
 * The typed attributes of sockets and TLS streams, looked up with `stream.extra(...)`
 * through any number of wrappers. AnyIO's `SocketAttribute` and `TLSAttribute`.
 *
 * @module
 */
import type { SocketFamily } from "../backends/net.ts";
import { typedAttribute, typedAttributeSet } from "../streams/typed-attributes.ts";

/**
 * What a socket (a stream, listener or UDP socket) knows about its ends. For IP sockets
 * addresses are IP literals; for Unix sockets they are paths ("" for an unnamed end),
 * and the port attributes are not provided. Listeners and unconnected UDP sockets do
 * not provide the remote attributes.
 *
 * @example
 * ```ts
 * import { connectTcp, createTcpListener, SocketAttribute } from "structio";
 *
 * await using listener = await createTcpListener({ host: "127.0.0.1" });
 * const port = listener.extra(SocketAttribute.localPort);
 * await using client = await connectTcp("127.0.0.1", port);
 * console.log(client.extra(SocketAttribute.family), client.extra(SocketAttribute.remotePort) === port);
 * ```
 */
export const SocketAttribute = typedAttributeSet("SocketAttribute", {
  /** "IPv4", "IPv6" or "unix". */
  family: typedAttribute<SocketFamily>(),
  /** This end's address: an IP literal or a socket path. */
  localAddress: typedAttribute<string>(),
  /** This end's port (IP sockets only). */
  localPort: typedAttribute<number>(),
  /** The peer's address (connected sockets only). */
  remoteAddress: typedAttribute<string>(),
  /** The peer's port (connected IP sockets only). */
  remotePort: typedAttribute<number>(),
});

/**
 * What a TLS stream knows once its handshake is done. The deno backend's native TLS does
 * not tell the TLS version, cipher or peer certificate; there those attributes are not
 * provided.
 *
 * @example
 * ```ts
 * import { type TLSStream, TLSAttribute } from "structio";
 *
 * function describe(stream: TLSStream): string {
 *   return `${stream.extra(TLSAttribute.tlsVersion, "?")} ${stream.extra(TLSAttribute.alpnProtocol)}`;
 * }
 * ```
 */
export const TLSAttribute = typedAttributeSet("TLSAttribute", {
  /** The protocol agreed with ALPN ("h2", say), or null when none was. */
  alpnProtocol: typedAttribute<string | null>(),
  /** The cipher suite's name. */
  cipher: typedAttribute<string>(),
  /** The peer's certificate in DER form, or null when it sent none. */
  peerCertificate: typedAttribute<Uint8Array | null>(),
  /** Whether this end is the server. */
  serverSide: typedAttribute<boolean>(),
  /** The TLS version, "TLSv1.3" say. */
  tlsVersion: typedAttribute<string>(),
});
