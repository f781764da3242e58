/**
 * Networking: TCP, Unix and UDP sockets, TLS and name resolution, on every backend.
 *
 * @example
 * ```ts
 * import { connectTcp, createTcpListener, SocketAttribute } from "structio";
 *
 * await using listener = await createTcpListener({ host: "127.0.0.1" });
 * await using client = await connectTcp("127.0.0.1", listener.extra(SocketAttribute.localPort));
 * console.log(client.extra(SocketAttribute.family)); // "IPv4"
 * ```
 *
 * @module
 */
export type { SocketFamily } from "../backends/net.ts";
export { SocketAttribute, TLSAttribute } from "./attributes.ts";
export { type AddressInfo, getaddrinfo, type GetaddrinfoOptions, getnameinfo } from "./dns.ts";
export { MultiListener } from "./multi-listener.ts";
export { SocketListener } from "./socket-listener.ts";
export { SocketStream } from "./socket-stream.ts";
export { type ConnectTcpOptions, type ConnectTlsOptions, connectTcp, createTcpListener, type TcpListenerOptions } from "./tcp.ts";
export { type TlsListenerOptions, TLSListener } from "./tls-listener.ts";
export type { Pem, TlsClientOptions, TlsServerOptions } from "./tls-options.ts";
export { TLSStream, type TlsWrapOptions } from "./tls-stream.ts";
export {
  ConnectedUDPSocket,
  createConnectedUdpSocket,
  createConnectedUnixDatagramSocket,
  createUdpSocket,
  createUnixDatagramSocket,
  type Datagram,
  UDPSocket,
  type UdpSocketOptions,
  UNIXDatagramSocket,
} from "./udp.ts";
export { connectUnix, createUnixListener, type UnixListenerOptions } from "./unix.ts";
