/**
 * Helpers of the networking conformance suite: connected pairs, test data, the TLS
 * fixtures, and waits that synchronise on checkpoints instead of sleeps.
 */
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  checkpoint,
  connectTcp,
  createTcpListener,
  createUnixListener,
  SocketAttribute,
  type SocketListener,
  type SocketStream,
} from "../../src/index.ts";
import type { TlsClientOptions, TlsServerOptions } from "../../src/index.ts";
import { assertBytes, concat, pattern } from "../harness/bytes.ts";

export { assertBytes, concat, pattern };

const fixtures = new URL("../fixtures/tls/", import.meta.url);
const read = (name: string) => readFileSync(new URL(name, fixtures), "utf8");

/** The test CA, and a server and client certificate it signed. */
export const certs = {
  ca: read("ca.pem"),
  otherCa: read("other-ca.pem"),
  serverCert: read("server.pem"),
  serverKey: read("server.key"),
  clientCert: read("client.pem"),
  clientKey: read("client.key"),
  path: (name: string) => new URL(name, fixtures).pathname,
};

/** Server options with the test certificate. */
export function serverTls(extra: Partial<TlsServerOptions> = {}): TlsServerOptions {
  return { cert: certs.serverCert, key: certs.serverKey, ...extra };
}

/** Client options trusting the test CA. */
export function clientTls(extra: Partial<TlsClientOptions> = {}): TlsClientOptions {
  return { ca: certs.ca, ...extra };
}

export const text = (s: string) => new TextEncoder().encode(s);
export const str = (b: Uint8Array) => new TextDecoder().decode(b);

/** Receives until end of stream. */
export async function receiveAll(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return concat(chunks);
}

/** Receives exactly `n` bytes (fails at end of stream). */
export async function receiveExactly(stream: SocketStream, n: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let got = 0;
  while (got < n) {
    const chunk = await stream.receive(n - got);
    chunks.push(chunk);
    got += chunk.byteLength;
  }
  return concat(chunks);
}

/** A connected pair over loopback TCP, and the listener; close all with `close()`. */
export interface Pair {
  client: SocketStream;
  server: SocketStream;
  listener: SocketListener;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

async function pairOn(listener: SocketListener, connect: () => Promise<SocketStream>): Promise<Pair> {
  const client = await connect();
  const server = await listener.accept();
  const close = async () => {
    await client.aclose();
    await server.aclose();
    await listener.aclose();
  };
  return { client, server, listener, close, [Symbol.asyncDispose]: close };
}

/** A connected TCP pair on `host` (default 127.0.0.1). */
export async function tcpPair(host = "127.0.0.1"): Promise<Pair> {
  const multi = await createTcpListener({ host });
  const listener = multi.listeners[0] as SocketListener;
  const port = listener.extra(SocketAttribute.localPort);
  return await pairOn(listener, () => connectTcp(host, port));
}

let unixCounter = 0;

/** A fresh socket path in the temporary directory. */
export function socketPath(): string {
  return join(tmpdir(), `structio-test-${process.pid}-${++unixCounter}.sock`);
}

/** A connected Unix socket pair. */
export async function unixPair(): Promise<Pair & { path: string }> {
  const path = socketPath();
  const { connectUnix } = await import("../../src/index.ts");
  const listener = await createUnixListener(path);
  return { ...(await pairOn(listener, () => connectUnix(path))), path };
}

/** Yields checkpoints until `condition()` holds; fails after many (no sleeping). */
export async function until(condition: () => boolean, what: string, spins = 100_000): Promise<void> {
  for (let i = 0; i < spins; i++) {
    if (condition()) return;
    await checkpoint();
  }
  throw new Error(`gave up waiting until ${what}`);
}

/** A port nothing listens on: one that a listener had, after it closed. */
export async function closedPort(host = "127.0.0.1"): Promise<number> {
  const listener = await createTcpListener({ host });
  const port = listener.extra(SocketAttribute.localPort);
  await listener.aclose();
  return port;
}

/** The error's code (ECONNREFUSED, say), looking through `cause`. */
export function codeOf(err: unknown): unknown {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined; e != null; e = e.cause as typeof e) {
    if (e.code !== undefined) return e.code;
  }
  return undefined;
}
