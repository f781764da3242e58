/**
 * TLS on the bun backend: socket.upgradeTLS, both sides.
 *
 * @module
 */
import { type RawStream, type TlsClientSettings, type TlsInfo, type TlsServerSettings } from "./net.ts";
import { type BunSocket, type BunTlsOptions } from "./bun-api.ts";
import { BunStream, STREAM_HANDLERS } from "./bun-stream.ts";

// ---------------------------------------------------------------------------------------
// TLS

/** ALPN protocol names in the wire format Bun's TLS options require (length-prefixed). */
export function alpnWire(protocols: readonly string[] | undefined): ArrayBuffer | undefined {
  if (protocols === undefined || protocols.length === 0) return undefined;
  const encoded = protocols.map((name) => new TextEncoder().encode(name));
  const out = new Uint8Array(encoded.reduce((sum, bytes) => sum + 1 + bytes.byteLength, 0));
  let offset = 0;
  for (const bytes of encoded) {
    if (bytes.byteLength === 0 || bytes.byteLength > 255) {
      throw new RangeError(`an ALPN protocol name must be 1 to 255 bytes long`);
    }
    out[offset++] = bytes.byteLength;
    out.set(bytes, offset);
    offset += bytes.byteLength;
  }
  return out.buffer;
}

export function clientTlsOptions(settings: TlsClientSettings): BunTlsOptions {
  return {
    serverName: settings.serverName,
    ca: settings.ca === undefined ? undefined : [...settings.ca],
    cert: settings.cert,
    key: settings.key,
    rejectUnauthorized: !settings.insecureSkipVerify,
    ALPNProtocols: alpnWire(settings.alpnProtocols),
  };
}

export function serverTlsOptions(settings: TlsServerSettings): BunTlsOptions {
  return {
    cert: settings.cert,
    key: settings.key,
    ca: settings.ca === undefined ? undefined : [...settings.ca],
    requestCert: settings.requireClientCert,
    rejectUnauthorized: settings.requireClientCert,
    ALPNProtocols: alpnWire(settings.alpnProtocols),
  };
}

export function readTlsInfo(socket: BunSocket, serverSide: boolean): TlsInfo {
  const alpn = socket.alpnProtocol;
  const peer = socket.getPeerCertificate();
  const raw = peer !== null && typeof peer === "object" ? peer.raw : undefined;
  return {
    serverSide,
    alpnProtocol: typeof alpn === "string" && alpn !== "" ? alpn : null,
    tlsVersion: socket.getTLSVersion() ?? undefined,
    cipher: socket.getCipher()?.name,
    peerCertificate: raw === undefined ? null : new Uint8Array(raw),
  };
}

/**
 * Upgrades `plain` in place with `socket.upgradeTLS` (both sides: `isServer` makes Bun
 * run the server handshake). The handshake's outcome is known before this resolves;
 * on failure or abort the TLS socket, and with it the connection, is terminated first.
 */
export async function upgradeToTls(
  plain: BunStream,
  settings: { client: TlsClientSettings } | { server: TlsServerSettings },
  signal: AbortSignal,
): Promise<RawStream> {
  try {
    await plain.flushForUpgrade(signal);
  } catch (error) {
    plain.abort();
    throw error;
  }
  const serverSide = "server" in settings;
  const tlsStream = new BunStream(plain.info);
  const { socket, pending } = plain.transfer();
  const handshake = new Promise<void>((resolve, reject) => {
    tlsStream.handshakeWait = {
      resolve,
      reject,
      verify: "server" in settings ? settings.server.requireClientCert : !settings.client.insecureSkipVerify,
    };
  });
  const onAbort = () => tlsStream.onError(signal.reason);
  try {
    const [, tlsSocket] = socket.upgradeTLS({
      data: tlsStream,
      tls: "server" in settings ? serverTlsOptions(settings.server) : clientTlsOptions(settings.client),
      socket: STREAM_HANDLERS,
      isServer: serverSide,
      initialData: pending,
    });
    tlsStream.attach(tlsSocket);
    signal.addEventListener("abort", onAbort, { once: true });
    if (signal.aborted) onAbort();
    await handshake;
  } catch (error) {
    tlsStream.handshakeWait = null;
    tlsStream.abort();
    socket.terminate();
    throw signal.aborted ? signal.reason : error;
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
  tlsStream.tls = readTlsInfo(tlsStream.socket!, serverSide);
  return tlsStream;
}
