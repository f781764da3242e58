/**
 * structio in action: `npm start` (or `npm start -- --runtime deno|bun`).
 *
 * Each section shows one idea and prints what happened and how long it took.
 */
import { readFileSync } from "node:fs";
import {
  abandonOnCancel,
  CancelScope,
  CapacityLimiter,
  connectTcp,
  createMemoryObjectStream,
  createTcpListener,
  currentRuntime,
  currentTime,
  ExceptionGroup,
  failAfter,
  getBackend,
  isCancelled,
  main,
  moveOnAfter,
  openProcess,
  Path,
  sleep,
  sleepForever,
  SocketAttribute,
  type SocketStream,
  TimeoutError,
  TLSAttribute,
  TLSListener,
  withTaskGroup,
} from "../src/index.ts";

const t0 = currentTime();
const stamp = () => `${(currentTime() - t0).toFixed(0).padStart(5)} ms`;
const say = (text: string) => console.log(`[${stamp()}] ${text}`);

/** Concurrent sleepers finish together: the group takes as long as the slowest. */
async function sleepers(): Promise<void> {
  const start = currentTime();
  await withTaskGroup(async (tg) => {
    for (const ms of [100, 200, 300]) {
      tg.startSoon(async function sleeper() {
        await sleep(ms);
        say(`  sleeper of ${ms} ms woke up`);
      });
    }
  });
  say(`three sleepers (100, 200, 300 ms) done together after ${(currentTime() - start).toFixed(0)} ms`);
}

/** A timeout: failAfter raises TimeoutError, moveOnAfter just moves on. */
async function timeouts(): Promise<void> {
  try {
    await failAfter(50, () => sleep(1000));
  } catch (err) {
    if (!(err instanceof TimeoutError)) throw err;
    say("failAfter(50): the 1000 ms sleep timed out with TimeoutError");
  }
  const result = await moveOnAfter(50, async () => {
    await sleep(1000);
    return "finished";
  });
  say(`moveOnAfter(50): gave up quietly, result = ${result}`);
}

/** Cancellation whose cleanup still waits: the cleanup runs in a shielded scope. */
async function shieldedCleanup(): Promise<void> {
  await moveOnAfter(50, async () => {
    try {
      await sleepForever();
    } finally {
      await new CancelScope({ shield: true }).run(async () => {
        await sleep(30); // e.g. tell a peer goodbye; not cut short by the cancellation
        say("cancelled after 50 ms; shielded cleanup of 30 ms completed");
      });
    }
  });
}

/** A failing task cancels its siblings; the group reports every failure at once. */
async function failingGroup(): Promise<void> {
  try {
    await withTaskGroup(async (tg) => {
      tg.startSoon(async function worker() {
        try {
          await sleepForever();
        } finally {
          say("  worker was cancelled because a sibling failed");
        }
      });
      tg.startSoon(async function parser() {
        await sleep(20);
        throw new SyntaxError("bad input on line 3");
      });
      tg.startSoon(async function uploader() {
        await sleep(20);
        throw new RangeError("quota exceeded");
      });
    });
  } catch (err) {
    if (!(err instanceof ExceptionGroup)) throw err;
    const messages = err.errors.map((e) => `${(e as Error).name}: ${(e as Error).message}`);
    say(`task group failed with ${err.errors.length} errors: ${messages.join("; ")}`);
  }
}

/** A fetch-like foreign promise: cancellation releases the waiter and aborts the work. */
function fakeFetch(url: string, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(`body of ${url}`), 5_000);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

async function foreignPromise(): Promise<void> {
  const start = currentTime();
  let aborted = false;
  await moveOnAfter(80, async () => {
    try {
      await abandonOnCancel((signal) => {
        signal.addEventListener("abort", () => (aborted = true));
        return fakeFetch("https://example.com/slow", signal);
      });
    } catch (err) {
      if (isCancelled(err)) say("  the 5 s fetch was cancelled");
      throw err;
    }
  });
  say(
    `fetch-like call released after ${(currentTime() - start).toFixed(0)} ms; ` +
      `its AbortSignal was ${aborted ? "aborted" : "not aborted"}`,
  );
}

/** A producer/consumer pipeline: a small buffer holds the producer back (backpressure). */
async function pipeline(): Promise<void> {
  const [send, receive] = createMemoryObjectStream<number>(2);
  let maxAhead = 0;
  let produced = 0;
  let consumed = 0;
  await withTaskGroup(async (tg) => {
    tg.startSoon(async function producer() {
      await using out = send;
      for (let i = 0; i < 10; i++) {
        await out.send(i);
        produced++;
        maxAhead = Math.max(maxAhead, produced - consumed);
      }
    });
    tg.startSoon(async function consumer() {
      for await (const _item of receive) {
        await sleep(5); // a slow consumer
        consumed++;
      }
    });
  });
  say(`pipeline moved ${consumed} items; the producer was never more than ${maxAhead} ahead`);
}

/**
 * Files and processes: walk the library's source tree, hash every file (four at a
 * time), and let `sort` order the list by name. Ctrl-C (main()) stops every part of it
 * cleanly: the walk, the hashing and the child process.
 */
async function hashTree(): Promise<void> {
  const root = new Path(new URL("../src", import.meta.url));
  const limiter = new CapacityLimiter(4);
  const [send, receive] = createMemoryObjectStream<string>(8);
  let lines: string[] = [];
  await withTaskGroup(async (tg) => {
    tg.startSoon(async function hashFiles() {
      await using out = send; // closed once every file is hashed: the sorter sees the end
      await withTaskGroup(async (hashers) => {
        for await (const [dir, , files] of root.walk()) {
          for (const name of files) {
            hashers.startSoon(() =>
              limiter.withToken(async () => {
                const file = dir.join(name);
                const digest = await crypto.subtle.digest("SHA-256", await file.readBytes());
                const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
                await out.send(`${hex.slice(0, 12)}  ${file.relativeTo(root)}\n`);
              })
            );
          }
        }
      });
    });
    tg.startSoon(async function sortByName() {
      await using sorter = await openProcess(["sort", "-k", "2"], { stderr: "inherit" });
      await withTaskGroup(async (io) => {
        io.startSoon(async () => {
          for await (const line of receive) await sorter.stdin!.send(new TextEncoder().encode(line));
          await sorter.stdin!.aclose();
        });
        let text = "";
        for await (const chunk of sorter.stdout!) text += new TextDecoder().decode(chunk, { stream: true });
        lines = text.split("\n").filter((line) => line !== "");
      });
      await sorter.wait();
    });
  });
  say(`hashed ${lines.length} source files, 4 at a time, sorted by sort(1); the first three:`);
  for (const line of lines.slice(0, 3)) say(`  ${line}`);
}

/** A fan-out of 12 jobs, at most 3 at a time. */
async function fanOut(): Promise<void> {
  const limiter = new CapacityLimiter(3);
  let running = 0;
  let peak = 0;
  const start = currentTime();
  await withTaskGroup(async (tg) => {
    for (let job = 0; job < 12; job++) {
      tg.startSoon(() =>
        limiter.withToken(async () => {
          peak = Math.max(peak, ++running);
          await sleep(20);
          running--;
        })
      );
    }
  });
  say(`12 jobs of 20 ms, at most ${peak} at a time, took ${(currentTime() - start).toFixed(0)} ms`);
}

/** Echoes every chunk back until the client finishes sending. */
async function echo(stream: SocketStream): Promise<void> {
  for await (const chunk of stream) await stream.send(chunk);
}

/** One client: sends its lines, finishes sending, and reads the echo back. */
async function client(port: number, name: string, tls: { ca: string } | undefined): Promise<string> {
  await using stream = await connectTcp("localhost", port, tls === undefined ? {} : { tls });
  const encoder = new TextEncoder();
  for (let line = 1; line <= 3; line++) await stream.send(encoder.encode(`${name}:${line} `));
  await stream.sendEof();
  let reply = "";
  for await (const chunk of stream) reply += new TextDecoder().decode(chunk);
  return reply.trim();
}

/**
 * An echo server over TCP and one over TLS (with the repository's test-only
 * certificate), each serving concurrent clients; cancelling the group stops both
 * servers, and every socket is closed on the way out.
 */
async function echoServers(): Promise<void> {
  const pem = (name: string) => readFileSync(new URL(`../test/fixtures/tls/${name}`, import.meta.url), "utf8");
  await using tcp = await createTcpListener({ host: "localhost" });
  const plainForTls = await createTcpListener({ host: "localhost" });
  await using tls = new TLSListener(plainForTls, { cert: pem("server.pem"), key: pem("server.key") });
  const tcpPort = tcp.extra(SocketAttribute.localPort);
  const tlsPort = plainForTls.extra(SocketAttribute.localPort);
  let served = 0;
  await withTaskGroup(async (servers) => {
    servers.startSoon(() => tcp.serve(async (stream) => (served++, await echo(stream))));
    servers.startSoon(() => tls.serve(async (stream) => (served++, await echo(stream))));
    await withTaskGroup(async (clients) => {
      for (const name of ["ada", "grace", "alan"]) {
        clients.startSoon(async () => say(`tcp client ${name} got back "${await client(tcpPort, name, undefined)}"`));
        clients.startSoon(async () => say(`tls client ${name} got back "${await client(tlsPort, name, { ca: pem("ca.pem") })}"`));
      }
    });
    await using probe = await connectTcp("localhost", tlsPort, { tls: { ca: pem("ca.pem") } });
    say(`TLS: ${probe.extra(TLSAttribute.tlsVersion, "version not told by this backend")}, verified against the test CA`);
    servers.cancelScope.cancel(); // stops both servers
  });
  say(`echo servers served ${served} connections and stopped when cancelled`);
}

await main(async () => {
  say(`structio on ${currentRuntime()} (backend ${getBackend().name})`);
  await sleepers();
  await timeouts();
  await shieldedCleanup();
  await failingGroup();
  await foreignPromise();
  await pipeline();
  await fanOut();
  await echoServers();
  await hashTree();
  say("all done");
});
