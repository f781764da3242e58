/**
 * The processes suite's `cat` pipe (4096 chunks of 64 KiB, 256 MiB) in one process, in
 * one of three forms, printing `median X µs per chunk` over 5 runs for
 * scripts/alternate.ts:
 *
 * - `raw`: the suite's baseline (bench/raw-process.ts) on the running runtime;
 * - `structio`: `openProcess(["cat"])` as the suite runs it, receiving 64 KiB at most;
 * - `big`: the same, receiving up to 1 MiB at a time.
 *
 * ```sh
 * node_modules/.bin/node scripts/alternate.ts --rounds 9 \
 *   "raw=node_modules/.bin/bun run bench/probes/cat.ts raw" \
 *   "structio=node_modules/.bin/bun run bench/probes/cat.ts structio"
 * ```
 *
 * @module
 */
import process from "node:process";
import { median } from "../harness.ts";
import { pipeThroughCat } from "../process.bench.ts";
import { rawProcess } from "../raw-process.ts";

const CHUNK = 65536;
const CHUNKS = 4096;

const forms: Record<string, () => Promise<number>> = {
  raw: () => rawProcess().pipeCat(CHUNKS, CHUNK),
  structio: () => pipeThroughCat(CHUNKS, CHUNK),
  big: () => pipeThroughCat(CHUNKS, 1 << 20),
};
const name = process.argv.at(-1) ?? "";
const form = forms[name];
if (form === undefined) throw new Error(`usage: cat.ts <${Object.keys(forms).join("|")}>`);
const samples: number[] = [];
for (let i = 0; i < 5; i++) {
  const start = performance.now();
  const total = await form();
  if (total !== CHUNKS * CHUNK) throw new Error(`expected ${CHUNKS * CHUNK} bytes, got ${total}`);
  samples.push(((performance.now() - start) * 1000) / CHUNKS);
}
console.log(`${name} median ${median(samples).toFixed(2)} µs per chunk`);
process.exit(0);
