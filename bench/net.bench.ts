/**
 * The networking suite: loopback TCP through structio (on the runtime's own backend,
 * and on the node:* backend) against the runtime's raw API doing the same work
 * (bench/raw-net.ts). Each case checks that every byte, reply or connection arrived.
 *
 * @module
 */
import {
  connectTcp,
  createTcpListener,
  EndOfStream,
  run,
  type RuntimeName,
  SocketAttribute,
  type SocketListener,
  type SocketStream,
  withTaskGroup,
} from "../src/index.ts";
import { type BenchCase, expectCount, type ThroughputCase } from "./harness.ts";
import { rawNet } from "./raw-net.ts";

const SUITE = "net";
const CHUNK = 65536;

/** Runs `fn` with a listener on 127.0.0.1 whose connections `handler` serves. */
async function withServer<T>(handler: (stream: SocketStream) => unknown, fn: (port: number) => Promise<T>): Promise<T> {
  await using multi = await createTcpListener({ host: "127.0.0.1" });
  const listener = multi.listeners[0] as SocketListener;
  let result!: T;
  await withTaskGroup(async (tg) => {
    tg.startSoon(() => listener.serve(handler));
    result = await fn(listener.extra(SocketAttribute.localPort));
    tg.cancelScope.cancel();
  });
  return result;
}

const echoHandler = async (stream: SocketStream) => {
  for await (const chunk of stream) await stream.send(chunk);
};

function structioEcho(backend: RuntimeName | undefined) {
  return async (count: number) => {
    const chunks = Math.floor(count);
    const received = await run(() =>
      withServer(echoHandler, async (port) => {
        await using client = await connectTcp("127.0.0.1", port);
        const total = chunks * CHUNK;
        let received = 0;
        await withTaskGroup(async (tg) => {
          tg.startSoon(async () => {
            const chunk = new Uint8Array(CHUNK);
            for (let i = 0; i < chunks; i++) await client.send(chunk);
          });
          while (received < total) received += (await client.receive(CHUNK)).byteLength;
        });
        return received;
      }), { backend });
    expectCount("bytes echoed", received, chunks * CHUNK);
  };
}

function structioRoundTrips(backend: RuntimeName | undefined) {
  return async (n: number) => {
    const replies = await run(() =>
      withServer(echoHandler, async (port) => {
        await using client = await connectTcp("127.0.0.1", port);
        const byte = new Uint8Array(1);
        let replies = 0;
        for (let i = 0; i < n; i++) {
          await client.send(byte);
          replies += (await client.receive(1)).byteLength;
        }
        return replies;
      }), { backend });
    expectCount("replies", replies, n);
  };
}

const PARALLEL = 50;

function expectEnd(err: unknown): void {
  if (!(err instanceof EndOfStream)) throw err;
}

function structioAccepts(backend: RuntimeName | undefined) {
  return async (n: number) => {
    const accepted = await run(async () => {
      let accepted = 0;
      await withServer(() => void accepted++, async (port) => {
        let next = 0;
        await withTaskGroup(async (tg) => {
          for (let w = 0; w < PARALLEL; w++) {
            tg.startSoon(async () => {
              while (next < n) {
                next++;
                await using stream = await connectTcp("127.0.0.1", port);
                await stream.receive().catch((err) => expectEnd(err)); // the server closes first
              }
            });
          }
        });
      });
      return accepted;
    }, { backend });
    expectCount("connections accepted", accepted, n);
  };
}

const raw = rawNet();

const echo: ThroughputCase = {
  kind: "throughput",
  suite: SUITE,
  name: "tcp-echo-64k",
  count: 8192, // 512 MiB
  unit: "64 KiB chunk echoed over loopback",
  impls: {
    async baseline(count) {
      const n = Math.floor(count);
      expectCount("bytes echoed", await raw.echo(n, CHUNK), n * CHUNK);
    },
    structio: structioEcho(undefined),
    "structio-node": structioEcho("node"),
  },
};

const roundTrips: ThroughputCase = {
  kind: "throughput",
  suite: SUITE,
  name: "tcp-round-trip-1b",
  count: 20_000,
  unit: "1-byte request and response",
  impls: {
    async baseline(n) {
      expectCount("replies", await raw.roundTrips(n), n);
    },
    structio: structioRoundTrips(undefined),
    "structio-node": structioRoundTrips("node"),
  },
};

const accepts: ThroughputCase = {
  kind: "throughput",
  suite: SUITE,
  name: "tcp-accept",
  count: 10_000,
  unit: `connection made and accepted (${PARALLEL} at a time)`,
  impls: {
    async baseline(n) {
      expectCount("connections accepted", await raw.accepts(n, PARALLEL), n);
    },
    structio: structioAccepts(undefined),
    "structio-node": structioAccepts("node"),
  },
};

export const netCases: readonly BenchCase[] = [echo, roundTrips, accepts];
