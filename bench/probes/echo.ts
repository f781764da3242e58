/**
 * The net suite's 64 KiB echo (4096 chunks, 256 MiB) in one process, in one of three
 * forms, printing `median X µs per chunk` for scripts/alternate.ts:
 *
 * - `raw`: the suite's baseline (bench/raw-net.ts) on the running runtime;
 * - `receive`: structio as the suite runs it, the client receiving with `receive()`;
 * - `into`: the same with the client receiving into one buffer (`receiveInto`).
 *
 * ```sh
 * node_modules/.bin/node scripts/alternate.ts --rounds 9 \
 *   "raw=node_modules/.bin/deno run -A bench/probes/echo.ts raw" \
 *   "receive=node_modules/.bin/deno run -A bench/probes/echo.ts receive" \
 *   "into=node_modules/.bin/deno run -A bench/probes/echo.ts into"
 * ```
 *
 * @module
 */
import process from "node:process";
import { connectTcp, createTcpListener, run, SocketAttribute, type SocketListener, withTaskGroup } from "../../src/index.ts";
import { expectCount } from "../harness.ts";
import { rawNet } from "../raw-net.ts";

const CHUNK = 65536;
const CHUNKS = 4096;

async function structioEcho(into: boolean): Promise<number> {
  return await run(async () => {
    await using multi = await createTcpListener({ host: "127.0.0.1" });
    const listener = multi.listeners[0] as SocketListener;
    let received = 0;
    await withTaskGroup(async (tg) => {
      tg.startSoon(() =>
        listener.serve(async (stream) => {
          for await (const chunk of stream) await stream.send(chunk);
        })
      );
      await using client = await connectTcp("127.0.0.1", listener.extra(SocketAttribute.localPort));
      await withTaskGroup(async (inner) => {
        inner.startSoon(async () => {
          const chunk = new Uint8Array(CHUNK);
          for (let i = 0; i < CHUNKS; i++) await client.send(chunk);
        });
        const buffer = new Uint8Array(CHUNK);
        while (received < CHUNKS * CHUNK) {
          received += into ? await client.receiveInto(buffer) : (await client.receive(CHUNK)).byteLength;
        }
      });
      tg.cancelScope.cancel();
    });
    return received;
  });
}

const forms: Record<string, () => Promise<number>> = {
  raw: () => rawNet().echo(CHUNKS, CHUNK),
  receive: () => structioEcho(false),
  into: () => structioEcho(true),
};
const form = forms[process.argv.at(-1) ?? ""];
if (form === undefined) throw new Error(`usage: echo.ts <${Object.keys(forms).join("|")}>`);
const start = performance.now();
expectCount("bytes echoed", await form(), CHUNKS * CHUNK);
const elapsed = performance.now() - start;
console.log(`${process.argv.at(-1)} median ${(elapsed * 1000 / CHUNKS).toFixed(2)} µs per chunk`);
