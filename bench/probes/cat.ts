/**
 * The processes suite's `cat` pipe (4096 chunks of 64 KiB, 256 MiB) in one process, in
 * one of these forms, printing `median X µs per chunk` over 5 runs for
 * scripts/alternate.ts:
 *
 * - `raw`: the suite's baseline (bench/raw-process.ts) on the running runtime;
 * - `backend`: the running runtime's own backend pipes (the layer under `openProcess`),
 *   driven by a plain loop that waits on their readiness callbacks;
 * - `backend-in-run`: the same loop inside `run()`, which adds the runner and its async
 *   context and nothing else;
 * - `send-stream`, `receive-stream`: that loop with one side through structio's process
 *   stream over the same raw pipe;
 * - `structio`: `openProcess(["cat"])` as the suite runs it, receiving 64 KiB at most;
 * - `big`: the same, receiving up to 1 MiB at a time.
 *
 * So `backend` over `raw` is the backend's cost, `backend-in-run` over `backend` is
 * run()'s, and `structio` over `backend-in-run` is the front end's streams and task
 * group.
 *
 * `--warmup N` first runs the form N times untimed. Without it, the timed runs of a
 * form with more JavaScript also carry its JIT compilation: on Bun, FTL keeps compiling
 * structio's hot functions through the first ~25k chunks, about 3 s (150-180 ms of work
 * on the JIT thread, which on a 2-core machine takes turns with `cat` and the main
 * thread). `--warmup 12` gets past it; the bench warms up for 3 s for the same reason.
 *
 * Given several forms, the probe takes turns between them run by run (each in every
 * position, see turnOrder) and also prints each one's median ratio to the first form's
 * run next to it: the machine's drift cancels out at the scale of one run (a fraction of a
 * second) instead of one process, and all forms are equally warm. `--runs N` sets the
 * timed runs per form (default 5).
 *
 * ```sh
 * node_modules/.bin/bun run bench/probes/cat.ts --warmup 12 --runs 40 raw structio
 * node_modules/.bin/node scripts/alternate.ts --rounds 9 \
 *   "raw=node_modules/.bin/bun run bench/probes/cat.ts raw" \
 *   "structio=node_modules/.bin/bun run bench/probes/cat.ts structio"
 * ```
 *
 * @module
 */
import process from "node:process";
import { loadBackend } from "../../src/backends/index.ts";
import { EOF } from "../../src/backends/net.ts";
import { EndOfStream, run } from "../../src/index.ts";
import { ProcessReceiveStream } from "../../src/process/receive-stream.ts";
import { ProcessSendStream } from "../../src/process/send-stream.ts";
import { median, turnOrder } from "../harness.ts";
import { pipeThroughCat } from "../process.bench.ts";
import { rawProcess } from "../raw-process.ts";

const CHUNK = 65536;
const CHUNKS = 4096;

/** Which sides of {@link backendPipe} go through structio's process streams. */
interface FrontEnd {
  send: boolean;
  receive: boolean;
}

/**
 * The pipe through the backend's raw pipes, each side waiting on readiness callbacks,
 * or through structio's stream over that pipe where `front` says so (inside `run()`).
 */
async function backendPipe(front: FrontEnd = { send: false, receive: false }): Promise<number> {
  const child = await loadBackend().processes.spawn({
    argv: ["cat"],
    stdin: "pipe",
    stdout: "pipe",
    stderr: "ignore",
    startNewSession: false,
  });
  const stdin = child.stdin!;
  const stdout = child.stdout!;
  const sendStream = new ProcessSendStream(stdin);
  const receiveStream = new ProcessReceiveStream(stdout);
  const writing = (async () => {
    const chunk = new Uint8Array(CHUNK);
    for (let i = 0; i < CHUNKS; i++) {
      if (front.send) {
        await sendStream.send(chunk);
        continue;
      }
      while (!stdin.writable()) await new Promise<void>((ready) => stdin.onWritable(ready));
      stdin.write(chunk);
    }
    await stdin.close();
  })();
  let total = 0;
  while (true) {
    if (front.receive) {
      try {
        total += (await receiveStream.receive(CHUNK)).byteLength;
        continue;
      } catch (err) {
        if (err instanceof EndOfStream) break;
        throw err;
      }
    }
    const got = stdout.tryRead(CHUNK);
    if (got === EOF) break;
    if (got === null) await new Promise<void>((ready) => stdout.onReadable(ready));
    else total += got.byteLength;
  }
  await writing;
  await stdout.close();
  while (child.returncode() === null) await new Promise<void>((ready) => child.onExit(ready));
  return total;
}

const forms: Record<string, () => Promise<number>> = {
  raw: () => rawProcess().pipeCat(CHUNKS, CHUNK),
  backend: backendPipe,
  "backend-in-run": () => run(() => backendPipe()),
  "send-stream": () => run(() => backendPipe({ send: true, receive: false })),
  "receive-stream": () => run(() => backendPipe({ send: false, receive: true })),
  structio: () => pipeThroughCat(CHUNKS, CHUNK),
  big: () => pipeThroughCat(CHUNKS, 1 << 20),
};
const args = process.argv.slice(2);
/** Takes `--name N` out of args: a whole number >= 0, or `fallback` when absent. */
function count(flag: string, fallback: number): number {
  const at = args.indexOf(flag);
  if (at < 0) return fallback;
  const value = Number(args.splice(at, 2)[1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${flag} must be a whole number >= 0`);
  return value;
}
const warmup = count("--warmup", 0);
const runs = count("--runs", 5);
if (args.length === 0 || args.some((name) => forms[name] === undefined)) {
  throw new Error(`usage: cat.ts [--warmup N] [--runs N] <${Object.keys(forms).join("|")}> ...`);
}

async function timed(name: string): Promise<number> {
  const start = performance.now();
  const total = await forms[name]();
  if (total !== CHUNKS * CHUNK) throw new Error(`expected ${CHUNKS * CHUNK} bytes, got ${total}`);
  return ((performance.now() - start) * 1000) / CHUNKS;
}

for (let i = 0; i < warmup; i++) for (const name of args) await timed(name);
const samples = new Map(args.map((name) => [name, [] as number[]]));
for (let run = 0; run < runs; run++) {
  for (const name of turnOrder(args, run)) samples.get(name)!.push(await timed(name));
}
const first = samples.get(args[0])!;
for (const [name, times] of samples) {
  const ratio = median(times.map((time, run) => time / first[run]));
  console.log(`${name} median ${median(times).toFixed(2)} µs per chunk, ratio ${ratio.toFixed(3)}`);
}
process.exit(0);
