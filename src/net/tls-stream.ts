/**
 * TLS over a connected socket. AnyIO's `TLSStream`.
 *
 * @module
 */
import type { RawStream, TlsClientSettings, TlsInfo, TlsServerSettings } from "../backends/net.ts";
import { isCancelled } from "../core/errors.ts";
import { getBackend } from "../core/run.ts";
import { checkOptions } from "../sync/checks.ts";
import type { TypedAttributeMap } from "../streams/typed-attributes.ts";
import { TLSAttribute } from "./attributes.ts";
import { acquire, discardStream } from "./acquire.ts";
import { SocketStream } from "./socket-stream.ts";
import { clientSettings, serverSettings, type TlsClientOptions, type TlsServerOptions } from "./tls-options.ts";
import { BrokenResourceError } from "../core/errors.ts";

/**
 * Runs a TLS handshake over `stream` with checked settings: the one place where
 * {@link TLSStream.wrap} and `connectTcp` start TLS.
 */
export async function startTls(
  stream: SocketStream,
  settings: { client: TlsClientSettings } | { server: TlsServerSettings },
): Promise<TLSStream> {
  const net = getBackend().net;
  const raw = stream._detach();
  try {
    return new TLSStream(await acquire((signal) => net.startTls(raw, settings, signal), discardStream));
  } catch (err) {
    if (isCancelled(err)) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new BrokenResourceError(`the TLS handshake failed: ${reason}`, { cause: err });
  }
}

/** Options of {@link TLSStream.wrap}: a client's, or a server's with `serverSide: true`. */
export type TlsWrapOptions = (TlsClientOptions & { serverSide?: false }) | (TlsServerOptions & { serverSide: true });

/**
 * A TLS connection: a {@link SocketStream} whose bytes are encrypted. Made by
 * {@link connectTcp} with `tls`, by {@link TLSListener}, or by {@link TLSStream.wrap}
 * from a plain connection (STARTTLS). `aclose()` and `sendEof()` send TLS's
 * close_notify alert.
 *
 * Typed attributes: {@link SocketAttribute} and {@link TLSAttribute}.
 *
 * @example
 * ```ts
 * import { connectTcp, TLSAttribute } from "structio";
 *
 * declare const port: number, caPem: string;
 * await using stream = await connectTcp("localhost", port, { tls: { ca: caPem, alpnProtocols: ["h2"] } });
 * console.log(stream.extra(TLSAttribute.alpnProtocol));
 * ```
 */
export class TLSStream extends SocketStream {
  readonly #tls: TlsInfo;

  /** @internal Made by {@link TLSStream.wrap} and friends. */
  constructor(raw: RawStream) {
    super(raw);
    if (raw.tls === null) throw new TypeError("the stream has no TLS session");
    this.#tls = raw.tls;
  }

  /**
   * Runs a TLS handshake over `stream`, a plain connection made by this library, and
   * returns the encrypted stream, which now owns the connection (`stream` acts as
   * closed). As a client by default; as a server with `serverSide: true` and a
   * certificate and key. A checkpoint: cancelled, the connection is closed.
   *
   * TLS runs in the runtime's own TLS engine on the socket, so only streams made by
   * {@link connectTcp}, {@link connectUnix} and listeners can be wrapped.
   *
   * @throws {TypeError} if `stream` is not such a stream, or an option is not valid.
   * @throws {BrokenResourceError} if the handshake failed (a certificate that does not
   *   verify, say); the runtime's error is its `cause`, and the connection is closed.
   *
   * @example
   * ```ts
   * import { connectTcp, TLSStream } from "structio";
   *
   * declare const port: number;
   * const plain = await connectTcp("mail.example.com", port);
   * await plain.send(new TextEncoder().encode("STARTTLS\r\n"));
   * // ... read the server's go-ahead, then:
   * await using secure = await TLSStream.wrap(plain, { serverName: "mail.example.com" });
   * ```
   */
  static async wrap(stream: SocketStream, options?: TlsWrapOptions): Promise<TLSStream> {
    if (!(stream instanceof SocketStream)) {
      throw new TypeError("stream must be a SocketStream made by connectTcp, connectUnix or a listener");
    }
    const o = checkOptions(options);
    const settings = o.serverSide === true
      ? { server: serverSettings(o, "options") }
      : { client: clientSettings(o, "options") };
    return await startTls(stream, settings);
  }

  /** {@link SocketAttribute}s and {@link TLSAttribute}s of this stream. */
  override get extraAttributes(): TypedAttributeMap {
    const map = new Map(super.extraAttributes);
    const tls = this.#tls;
    map.set(TLSAttribute.serverSide, () => tls.serverSide);
    map.set(TLSAttribute.alpnProtocol, () => tls.alpnProtocol);
    if (tls.tlsVersion !== undefined) map.set(TLSAttribute.tlsVersion, () => tls.tlsVersion);
    if (tls.cipher !== undefined) map.set(TLSAttribute.cipher, () => tls.cipher);
    if (tls.peerCertificate !== undefined) map.set(TLSAttribute.peerCertificate, () => tls.peerCertificate);
    return map;
  }
}
