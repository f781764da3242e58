/**
 * The processes suite: running `true` 500 times one after another and 50 at a time, and
 * piping 256 MiB through `cat`, through structio (on the runtime's own backend, and on
 * the node:* backend) against the runtime's raw API doing the same work
 * (bench/raw-process.ts). Each case checks every exit status and every byte.
 *
 * @module
 */
import { EndOfStream, openProcess, run, runProcess, type RuntimeName, withTaskGroup } from "../src/index.ts";
import { type BenchCase, expectCount, type ThroughputCase } from "./harness.ts";
import { rawProcess } from "./raw-process.ts";

const SUITE = "processes";
const CHUNK = 65536;
const PARALLEL = 50;

function structioRunTrue(parallel: number, backend: RuntimeName | undefined) {
  return async (count: number) => {
    const n = Math.floor(count);
    const ok = await run(async () => {
      let ok = 0;
      let next = 0;
      // `parallel` workers take the next run until all are started, like the baseline.
      await withTaskGroup(async (tg) => {
        for (let w = 0; w < Math.min(parallel, n); w++) {
          tg.startSoon(async () => {
            while (next < n) {
              next++;
              const result = await runProcess(["true"], { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
              if (result.returncode === 0) ok++;
            }
          });
        }
      });
      return ok;
    }, { backend });
    expectCount("processes that exited with 0", ok, n);
  };
}

/**
 * Pipes `chunks` chunks of 64 KiB through `cat` with structio, receiving at most
 * `maxBytes` at a time; resolves with the bytes received (bench/probes/cat.ts too).
 */
export async function pipeThroughCat(chunks: number, maxBytes: number, backend?: RuntimeName): Promise<number> {
  return await run(async () => {
    await using cat = await openProcess(["cat"], { stderr: "ignore" });
    let total = 0;
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => {
        const chunk = new Uint8Array(CHUNK);
        for (let i = 0; i < chunks; i++) await cat.stdin!.send(chunk);
        await cat.stdin!.aclose();
      });
      while (true) {
        try {
          total += (await cat.stdout!.receive(maxBytes)).byteLength;
        } catch (err) {
          if (err instanceof EndOfStream) break;
          throw err;
        }
      }
    });
    await cat.wait();
    return total;
  }, { backend });
}

function structioPipeCat(backend: RuntimeName | undefined) {
  return async (count: number) => {
    const chunks = Math.floor(count);
    expectCount("bytes piped through cat", await pipeThroughCat(chunks, CHUNK, backend), chunks * CHUNK);
  };
}

const raw = rawProcess();

function runTrueCase(parallel: number): ThroughputCase {
  return {
    kind: "throughput",
    suite: SUITE,
    name: parallel === 1 ? "process-true-sequential" : `process-true-${parallel}-at-a-time`,
    count: 500,
    unit: "`true` run to its end",
    impls: {
      async baseline(count) {
        const n = Math.floor(count);
        expectCount("processes that exited with 0", await raw.runTrue(n, parallel), n);
      },
      structio: structioRunTrue(parallel, undefined),
      "structio-node": structioRunTrue(parallel, "node"),
    },
  };
}

const pipeCat: ThroughputCase = {
  kind: "throughput",
  suite: SUITE,
  name: "process-cat-pipe-64k",
  count: 4096, // 256 MiB
  unit: "64 KiB chunk piped through cat",
  impls: {
    async baseline(count) {
      const chunks = Math.floor(count);
      expectCount("bytes piped through cat", await raw.pipeCat(chunks, CHUNK), chunks * CHUNK);
    },
    structio: structioPipeCat(undefined),
    "structio-node": structioPipeCat("node"),
  },
};

export const processCases: readonly BenchCase[] = [runTrueCase(1), runTrueCase(PARALLEL), pipeCat];
