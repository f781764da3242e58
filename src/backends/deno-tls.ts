/**
 * TLS on the deno backend: Deno.startTls where it can, node:tls over a bridge to the
 * native connection where it cannot.
 *
 * @module
 */
import { Duplex } from "node:stream";
import tls from "node:tls";
import { EOF, type RawStream, type SocketInfo, type TlsClientSettings, type TlsServerSettings } from "./net.ts";
import { type Bridge, clientTlsOptions, NodeStream, readTlsInfo, serverTlsOptions, settleOn } from "./node-socket.ts";
import {
  abortable,
  asError,
  CHUNK,
  closeQuietly,
  deno,
  type DenoConn,
  type DenoTlsConn,
  swallow,
} from "./deno-api.ts";
import { DenoStream } from "./deno-stream.ts";

// ---------------------------------------------------------------------------------------
// node:tls over a bridge. Deno has no server-side TLS upgrade of an accepted connection,
// and its client-side Deno.startTls cannot send a client certificate, skip verification,
// run over a Unix socket, or start on a stream that already has a read in flight. For
// those, node:tls (which Deno implements) runs over a node:stream Duplex that reads and
// writes the RawStream. This is the only reason node:tls and node:stream are used here.

/**
 * A node:stream Duplex over a {@link RawStream}, so node:tls can run on one of this
 * backend's streams. Reads go through `tryRead`/`onReadable` and writes through
 * `write`/`onWritable`, so backpressure holds on both sides: a write callback is called
 * only once the raw stream is below its high-water mark again.
 *
 * Received bytes are passed on only while `gate()` allows (see canPause in node-socket.ts
 * for why); whoever closed the gate calls `kick()` once it may be open again.
 */
export class RawDuplex extends Duplex implements Bridge {
  readonly raw: RawStream;
  gate: () => boolean = () => true;
  /** Node asked for data (`_read`) and `push` has not refused any since. */
  #wanted = false;
  #waitingRead = false;

  constructor(raw: RawStream) {
    super({ allowHalfOpen: true });
    this.raw = raw;
  }

  override _read(): void {
    this.#wanted = true;
    this.#pull();
  }

  /** Moves received bytes (or the end) into the Duplex while wanted and allowed. */
  kick(): void {
    this.#pull();
  }

  #pull(): void {
    while (this.#wanted && !this.#waitingRead && !this.destroyed && this.gate()) {
      let chunk: Uint8Array | null | typeof EOF;
      try {
        chunk = this.raw.tryRead(CHUNK);
      } catch (err) {
        this.destroy(asError(err));
        return;
      }
      if (chunk === null) {
        this.#waitingRead = true;
        this.raw.onReadable(() => {
          this.#waitingRead = false;
          this.#pull();
        });
        return;
      }
      if (chunk === EOF) {
        this.#wanted = false;
        this.push(null);
        return;
      }
      this.#wanted = this.push(chunk);
    }
  }

  override _write(chunk: Uint8Array, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    try {
      this.raw.write(chunk);
    } catch (err) {
      callback(asError(err));
      return;
    }
    const check = () => {
      if (this.raw.writable()) callback();
      else this.raw.onWritable(check);
    };
    check();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.raw.shutdownWrite();
    callback();
  }

  override _destroy(err: Error | null, callback: (error: Error | null) => void): void {
    // An error aborts the raw stream; an orderly end closes it, flushing what TLS wrote
    // last (its close_notify). NodeStream makes the same calls; both are idempotent.
    if (err !== null) this.raw.abort();
    else void this.raw.close();
    callback(err);
  }
}

/** Runs a TLS handshake with node:tls over `raw` (see the section comment). */
export async function startNodeTls(
  raw: RawStream,
  settings: { client: TlsClientSettings } | { server: TlsServerSettings },
  signal: AbortSignal,
): Promise<RawStream> {
  const duplex = new RawDuplex(raw);
  const serverSide = "server" in settings;
  const socket = "client" in settings
    ? tls.connect({ socket: duplex, ...clientTlsOptions(settings.client, raw.info.remoteAddress ?? "localhost") })
    : new tls.TLSSocket(duplex, serverTlsOptions(settings.server));
  // node:tls says a handshake is done with 'secure' on the server and 'secureConnect' on the client.
  const success = serverSide ? "secure" : "secureConnect";
  // The stream on top listens before the handshake ends, as in the node backend's
  // `secured`: made after it, a client that sent 256 KiB and ended at once sometimes
  // (9 runs in 80) saw an end of stream the server never sent, while the server never
  // saw the client's. No application data comes before the handshake.
  const stream = new NodeStream(socket, raw.info, duplex);
  try {
    await settleOn(socket, success, signal, () => {
      socket.destroy();
      raw.abort();
    });
  } catch (err) {
    // abort() released the raw stream, but its socket is freed only once the bridge's
    // pending read settled; close() waits for that, so the rejection comes after.
    await raw.close();
    throw err;
  }
  stream.tls = readTlsInfo(socket, serverSide);
  return stream;
}

/** Client TLS with Deno.startTls on the (idle, TCP) connection of a DenoStream. */
export async function startDenoTls(
  conn: DenoConn,
  info: SocketInfo,
  client: TlsClientSettings,
  signal: AbortSignal,
): Promise<RawStream> {
  let tlsConn: DenoTlsConn;
  try {
    // Deno.startTls only wraps the connection, synchronously (the handshake runs in
    // handshake() below), so there is nothing to abort here.
    tlsConn = await deno().startTls(conn, {
      hostname: client.serverName ?? info.remoteAddress,
      caCerts: client.ca === undefined ? undefined : [...client.ca],
      alpnProtocols: client.alpnProtocols === undefined ? undefined : [...client.alpnProtocols],
    });
  } catch (err) {
    // A failed startTls either left the connection alone or took it and dropped it.
    closeQuietly(conn);
    throw err;
  }
  // The stream owns the TLS connection from here on, so every way out below closes it
  // with DenoStream.close(), which resolves only once Deno let go of the socket.
  const stream = new DenoStream(tlsConn, info);
  try {
    // Deno's handshake() takes no signal; closing the connection makes it reject, and
    // abortable() waits for that, so no handshake op holds the socket afterwards.
    const handshake = await abortable(tlsConn.handshake(), signal, () => stream.abort(), swallow);
    stream.handshakeDone({ serverSide: false, alpnProtocol: handshake.alpnProtocol ?? null });
    return stream;
  } catch (err) {
    stream.abort();
    await stream.close();
    throw err;
  }
}
