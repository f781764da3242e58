/**
 * The processes suite's `cat` pipe (4096 chunks of 64 KiB, 256 MiB) in one process, in
 * one of three forms, printing `median X µs per chunk` over 5 runs for
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
 * ```sh
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
import { median } from "../harness.ts";
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
