/**
 * The front end's own cost per round trip, without any I/O: two fake raw streams wired
 * to each other in memory (a write lands in the peer's queue and wakes its reader from
 * a microtask) play ping-pong, either driven by a plain loop (`bare`) or wrapped in
 * `SocketStream`s inside `run()`, with a served-style `for await` echo (`structio`).
 * The difference is what receive, send, the checkpoints and the parking cost.
 *
 * Prints the median of 5 batches of 200k round trips in ns (`median X`); run it in
 * alternating processes with scripts/alternate.ts (see round-trip-layers.ts).
 *
 * @module
 */
import process from "node:process";
import type { RawStream, SocketInfo } from "../../src/backends/net.ts";
import { Notifier } from "../../src/backends/notifier.ts";
import { SocketStream } from "../../src/net/socket-stream.ts";
import { run, withTaskGroup } from "../../src/index.ts";
import { median } from "../harness.ts";

const N = 200_000;
const BATCHES = 5;

/** One end of an in-memory pair: always writable, readable once the peer wrote. */
class FakeEnd implements RawStream {
  readonly info: SocketInfo = { family: "IPv4", localAddress: "127.0.0.1" };
  readonly tls = null;
  peer!: FakeEnd;
  readonly #inbox: Uint8Array[] = [];
  readonly #readers = new Notifier();
  tryRead(): Uint8Array | null {
    return this.#inbox.shift() ?? null;
  }
  onReadable(ready: () => void): () => void {
    return this.#readers.add(ready);
  }
  writable(): boolean {
    return true;
  }
  onWritable(ready: () => void): () => void {
    queueMicrotask(ready);
    return () => {};
  }
  write(data: Uint8Array): void {
    const peer = this.peer;
    peer.#inbox.push(data);
    queueMicrotask(() => peer.#readers.notify());
  }
  shutdownWrite(): void {}
  close(): Promise<void> {
    return Promise.resolve();
  }
  abort(): void {}
}

function pair(): [FakeEnd, FakeEnd] {
  const a = new FakeEnd();
  const b = new FakeEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

function take(end: FakeEnd): Promise<Uint8Array> {
  return new Promise((resolve) => {
    const attempt = () => {
      const chunk = end.tryRead();
      if (chunk === null) end.onReadable(attempt);
      else resolve(chunk);
    };
    attempt();
  });
}

async function bare(): Promise<void> {
  const [a, b] = pair();
  let done = false;
  const serving = (async () => {
    while (!done) b.write(await take(b));
  })();
  const byte = new Uint8Array(1);
  for (let i = 0; i < N; i++) {
    a.write(byte);
    await take(a);
  }
  done = true;
  a.write(byte); // lets the echo loop see `done`
  await serving;
}

async function structio(): Promise<void> {
  await run(async () => {
    const [a, b] = pair();
    const client = new SocketStream(a);
    const server = new SocketStream(b);
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => {
        for await (const chunk of server) await server.send(chunk);
      });
      const byte = new Uint8Array(1);
      for (let i = 0; i < N; i++) {
        await client.send(byte);
        await client.receive(1);
      }
      tg.cancelScope.cancel();
    });
  });
}

const modes: Record<string, () => Promise<void>> = { bare, structio };
const mode = modes[process.argv.at(-1) ?? ""];
if (mode === undefined) throw new Error(`usage: front-end-pair.ts <${Object.keys(modes).join("|")}>`);
const samples: number[] = [];
for (let b = 0; b < BATCHES; b++) {
  const start = performance.now();
  await mode();
  samples.push(((performance.now() - start) * 1e6) / N);
}
console.log(`${process.argv.at(-1)} median ${median(samples).toFixed(0)} ns per round trip`);
process.exit(0);
