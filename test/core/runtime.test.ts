import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { currentRuntime, getBackend, run, sleep, withTaskGroup } from "../../src/index.ts";
import { detectRuntime } from "../../src/backends/detect.ts";
import { availableBackends } from "../../src/backends/index.ts";

/** What this process really is, found without structio's help. */
function actualRuntime(): string {
  const g = globalThis as Record<string, unknown>;
  if (g.Deno !== undefined) return "deno";
  if (g.Bun !== undefined) return "bun";
  return "node";
}

describe("runtime detection", () => {
  test("currentRuntime() names the runtime this suite runs on", () => {
    assert.equal(currentRuntime(), actualRuntime());
  });

  test("Deno is recognised although it also provides process", () => {
    const globals = { Deno: { version: { deno: "2.0.0" } }, process: { versions: { node: "22.0.0" } } };
    assert.equal(detectRuntime(globals), "deno");
  });

  test("Bun is recognised although it also provides process.versions.node", () => {
    assert.equal(detectRuntime({ Bun: { version: "1.2.0" }, process: { versions: { node: "22", bun: "1.2" } } }), "bun");
  });

  test("Node is recognised by process.versions.node", () => {
    assert.equal(detectRuntime({ process: { versions: { node: "24.0.0" } } }), "node");
  });

  test("an unknown runtime raises an error naming what was found", () => {
    assert.throws(
      () => detectRuntime({ navigator: { userAgent: "Cloudflare-Workers" } }),
      /runs on Node\.js, Deno and Bun, but found Cloudflare-Workers/,
    );
    assert.throws(() => detectRuntime({}), /but found an empty global object/);
  });
});

describe("backends", () => {
  test("outside run(), getBackend() is the running runtime's own adapter", () => {
    assert.equal(getBackend().name, actualRuntime());
  }, { outsideRun: true });

  test("the native backend and node:* compat are offered on Deno and Bun; only node on Node", () => {
    const expected = actualRuntime() === "node" ? ["node"] : [actualRuntime(), "node"];
    assert.deepEqual(availableBackends(), expected);
  });

  for (const name of ["node", "deno", "bun"] as const) {
    test(`run(fn, { backend: "${name}" }) uses that backend where it can run, and says so where not`, async () => {
      if (availableBackends().includes(name)) {
        const seen = await run(async () => {
          await sleep(1);
          return getBackend().name;
        }, { backend: name });
        assert.equal(seen, name);
      } else {
        await assert.rejects(
          run(async () => {}, { backend: name }),
          new RegExp(`the ${name} backend cannot run on ${actualRuntime()}`),
        );
      }
    }, { outsideRun: true });
  }

  test("an unknown backend name is a RangeError naming the choices", async () => {
    await assert.rejects(
      run(async () => {}, { backend: "browser" as never }),
      (err: unknown) => err instanceof RangeError && /backend must be one of/.test(err.message),
    );
  }, { outsideRun: true });

  test("run() rejects a non-function and bad options", async () => {
    await assert.rejects(run(42 as never), TypeError);
    await assert.rejects(run(async () => {}, null as never), /options must be an object/);
  }, { outsideRun: true });

  test("run() cannot be nested", async () => {
    await assert.rejects(run(async () => {}), /cannot be called inside another run/);
  });

  test("the backend chosen by run() is the one its tasks see", async () => {
    const inside = getBackend().name;
    const seen: string[] = [];
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => {
        await sleep(1);
        seen.push(getBackend().name);
      });
    });
    assert.deepEqual(seen, [inside]);
  });

  test("the backend clock is monotonic and in milliseconds", async () => {
    const backend = getBackend();
    const a = backend.now();
    const wallA = Date.now();
    await sleep(20);
    const b = backend.now();
    const wallB = Date.now();
    assert.ok(b >= a + 20, "the clock advanced by at least the sleep");
    // Same unit as the wall clock: the two advanced by amounts of the same order.
    assert.ok(b - a < (wallB - wallA) * 10 + 100, "the clock counts milliseconds, not microseconds");
  });
});
