/**
 * Splits a loopback 1-byte round trip into layers, to see where structio's time goes:
 *
 * - `raw`: the net suite's baseline (bench/raw-net.ts) on the running runtime;
 * - `backend`: the running runtime's backend stream (src/backends/) driven by a plain
 *   loop, with no front end (no task, scope, checkpoint or busy flag);
 * - `structio`: `connectTcp` and a served echo handler, as the net suite does.
 *
 * Each process runs 5 batches of 20k round trips and prints the median in µs per round
 * trip (`median X`). Run the layers in alternating processes with scripts/alternate.ts:
 *
 * ```sh
 * node_modules/.bin/node scripts/alternate.ts --rounds 9 \
 *   "raw=node_modules/.bin/bun run bench/probes/round-trip-layers.ts raw" \
 *   "backend=node_modules/.bin/bun run bench/probes/round-trip-layers.ts backend" \
 *   "structio=node_modules/.bin/bun run bench/probes/round-trip-layers.ts structio"
 * ```
 *
 * @module
 */
import process from "node:process";
import { EOF, type NetBackend, type RawStream } from "../../src/backends/net.ts";
import { connectTcp, createTcpListener, run, SocketAttribute, type SocketListener, withTaskGroup } from "../../src/index.ts";
import { median, runtimeName } from "../harness.ts";
import { rawNet } from "../raw-net.ts";

const N = 20_000;
const BATCHES = 5;

async function nativeBackend(): Promise<NetBackend> {
  switch (runtimeName()) {
    case "bun":
      return (await import("../../src/backends/bun-net.ts")).createBunNet();
    case "deno":
      return (await import("../../src/backends/deno-net.ts")).createDenoNet();
    default:
      return (await import("../../src/backends/node-net.ts")).createNodeNet();
  }
}

/** Takes the next chunk, waiting for readiness as the front end would; null at the end. */
async function take(raw: RawStream): Promise<Uint8Array | null> {
  for (;;) {
    const chunk = raw.tryRead(65536);
    if (chunk === EOF) return null;
    if (chunk !== null) return chunk;
    await new Promise<void>((resolve) => raw.onReadable(resolve));
  }
}

async function backendRoundTrips(): Promise<number> {
  const net = await nativeBackend();
  const listener = await net.listenTcp({ host: "127.0.0.1", port: 0, backlog: 128, reusePort: false, ipv6Only: false });
  const client = await net.connectTcp({ host: "127.0.0.1", port: listener.info.localPort! }, new AbortController().signal);
  let server = listener.tryAccept();
  while (server === null) {
    await new Promise<void>((resolve) => listener.onAcceptable(resolve));
    server = listener.tryAccept();
  }
  const peer = server;
  const serving = (async () => {
    for (;;) {
      const chunk = await take(peer).catch(() => null);
      if (chunk === null) return;
      peer.write(chunk);
    }
  })();
  const byte = new Uint8Array(1);
  let replies = 0;
  for (let i = 0; i < N; i++) {
    client.write(byte);
    if ((await take(client)) !== null) replies++;
  }
  await client.close();
  await serving;
  await peer.close();
  await listener.close();
  return replies;
}

async function structioRoundTrips(): Promise<number> {
  let replies = 0;
  await run(async () => {
    await using multi = await createTcpListener({ host: "127.0.0.1" });
    const listener = multi.listeners[0] as SocketListener;
    await withTaskGroup(async (tg) => {
      tg.startSoon(() =>
        listener.serve(async (stream) => {
          for await (const chunk of stream) await stream.send(chunk);
        })
      );
      await using client = await connectTcp("127.0.0.1", listener.extra(SocketAttribute.localPort));
      const byte = new Uint8Array(1);
      for (let i = 0; i < N; i++) {
        await client.send(byte);
        replies += (await client.receive(1)).byteLength;
      }
      tg.cancelScope.cancel();
    });
  });
  return replies;
}

const layers: Record<string, () => Promise<number>> = {
  raw: () => rawNet().roundTrips(N),
  backend: backendRoundTrips,
  structio: structioRoundTrips,
};
const layer = layers[process.argv.at(-1) ?? ""];
if (layer === undefined) throw new Error(`usage: round-trip-layers.ts <${Object.keys(layers).join("|")}>`);
const samples: number[] = [];
for (let b = 0; b < BATCHES; b++) {
  const start = performance.now();
  const replies = await layer();
  if (replies !== N) throw new Error(`expected ${N} replies, got ${replies}`);
  samples.push(((performance.now() - start) * 1000) / N);
}
console.log(`${process.argv.at(-1)} median ${median(samples).toFixed(2)} µs per round trip`);
process.exit(0);
