/**
 * The backend contract, checked on every backend the runtime offers (the harness runs
 * each test once per backend, and getBackend() is the one under test).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { describe, test } from "../harness/registry.ts";
import { deferred, runtimeCommand } from "../harness/helpers.ts";
import { getBackend } from "../../src/index.ts";

/** Runs a fixture script on this runtime and collects its exit status and output. */
function runFixture(script: string, args: string[]): Promise<{ code: number | null; stdout: string }> {
  const [cmd, ...pre] = runtimeCommand();
  const path = fileURLToPath(new URL(`../fixtures/${script}`, import.meta.url));
  const child = spawn(cmd, [...pre, path, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  let stdout = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout })));
}

describe("backend contract", () => {
  test("now() is monotonic", () => {
    const backend = getBackend();
    let last = backend.now();
    for (let i = 0; i < 10_000; i++) {
      const next = backend.now();
      assert.ok(next >= last);
      last = next;
    }
  });

  test("an armed timer fires once", async () => {
    let fired = 0;
    const done = deferred();
    const timer = getBackend().createTimer(() => {
      fired++;
      done.resolve();
    });
    timer.arm(1);
    await done.promise;
    assert.equal(fired, 1);
  });

  test("arming again replaces the earlier arming, and disarm stops it", async () => {
    const backend = getBackend();
    const fired: string[] = [];
    const a = backend.createTimer(() => fired.push("a"));
    a.arm(1);
    a.arm(2); // replaces: a fires once
    const b = backend.createTimer(() => fired.push("b"));
    b.arm(1);
    b.disarm();
    const done = deferred();
    const last = backend.createTimer(() => done.resolve());
    last.arm(20);
    await done.promise;
    assert.deepEqual(fired, ["a"]);
  });

  test("yieldMacrotask runs its callback after the pending microtasks", async () => {
    const order: string[] = [];
    const done = deferred();
    getBackend().yieldMacrotask(() => {
      order.push("macrotask");
      done.resolve();
    });
    queueMicrotask(() => order.push("microtask"));
    await done.promise;
    assert.deepEqual(order, ["microtask", "macrotask"]);
  });

  for (const [mode, lives] of [["ref", true], ["unref", false], ["keepalive", true]] as const) {
    test(`a process with only ${mode === "keepalive" ? "keepAlive() and an unref'd" : `a ${mode}'d`} timer ${lives ? "lives until it fires" : "ends without waiting for it"}`, async () => {
      const { code, stdout } = await runFixture("timer-liveness.ts", [getBackend().name, mode]);
      assert.equal(code, 0);
      assert.match(stdout, /armed/);
      assert.equal(stdout.includes("fired"), lives);
    });
  }

  test("onSignals() returns a function that removes the handler", () => {
    const listeners = () => process.listenerCount("SIGINT");
    const before = listeners();
    const stop = getBackend().onSignals(["SIGINT"], () => {});
    stop();
    assert.equal(listeners(), before);
  });
});
