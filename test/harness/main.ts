/**
 * Runs every test file under test/ on the current runtime, once per backend the runtime
 * offers, and prints one line per case and a summary line:
 * `<runtime>: N passed, N failed`.
 *
 * Usage: <runtime> test/harness/main.ts [--filter text]
 */
import process from "node:process";
import { readdirSync, readlinkSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { currentRuntime, run } from "../../src/index.ts";
import { availableBackends } from "../../src/backends/index.ts";
import { currentScope, defaultRunner as getDefaultRunner, type Runner } from "../../src/core/context.ts";
import { liveTasks } from "../../src/core/task.ts";
import type { RuntimeName } from "../../src/backends/backend.ts";
import { formatError } from "../../src/core/format-error.ts";
import { cases, type TestCase } from "./registry.ts";

/** A test that has not settled after this long is reported as hung (a hang guard). */
const HANG_GUARD_MS = 20_000;

const testRoot = fileURLToPath(new URL("..", import.meta.url));

function findTestFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTestFiles(path));
    else if (entry.name.endsWith(".test.ts")) found.push(path);
  }
  return found.sort();
}

let unhandled: unknown[] = [];
process.on("unhandledRejection", (reason: unknown) => {
  unhandled.push(reason);
});

/** What a finished test left behind in a runner, as readable problems. */
function leftovers(runner: Runner, what: string): string[] {
  const problems: string[] = [];
  const alive = liveTasks(runner).filter((task) => task._parent !== null);
  if (alive.length > 0) {
    const names = alive.map((task) => task.name).join(", ");
    problems.push(`${what}: ${alive.length} task(s) still alive: ${names}`);
  }
  if (runner.timers.size > 0) problems.push(`${what}: ${runner.timers.size} timer(s) still queued`);
  if (runner.timers.keepsAlive) problems.push(`${what}: the backend timer still keeps the process alive`);
  return problems;
}

/** Resources that keep the event loop alive, where the runtime can list them. */
function activeResources(): string[] {
  const list = (process as { getActiveResourcesInfo?: () => string[] }).getActiveResourcesInfo;
  return typeof list === "function" ? list.call(process).filter((r) => r !== "TTYWrap") : [];
}

/**
 * The sockets this process holds open, from /proc/self/fd (Linux). Every runtime can
 * read it, so it catches a socket left open by any backend, including on Deno and Bun,
 * whose getActiveResourcesInfo() lists nothing. Empty where /proc is not there.
 */
function openSockets(): string[] {
  let fds: string[];
  try {
    fds = readdirSync("/proc/self/fd");
  } catch {
    return [];
  }
  const sockets: string[] = [];
  for (const fd of fds) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith("socket:")) sockets.push(target);
    } catch {
      // Closed between listing and reading (the listing's own descriptor, say).
    }
  }
  return sockets;
}

function waitMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function runCase(test: TestCase, backend: RuntimeName): Promise<string[]> {
  const problems: string[] = [];
  unhandled = [];
  const before = activeResources().length;
  const socketsBefore = new Set(openSockets());
  let runner: Runner | undefined;
  const defaultRunner = getDefaultRunner();
  let guard: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    guard = setTimeout(() => reject(new Error(`hung for ${HANG_GUARD_MS} ms`)), HANG_GUARD_MS);
  });
  try {
    const body = test.options.outsideRun
      ? async () => await test.fn()
      : () =>
        run(async () => {
          runner = currentScope()._task!._runner;
          await test.fn();
        }, { backend });
    await Promise.race([body(), hang]);
  } catch (err) {
    problems.push(formatError(err));
  } finally {
    clearTimeout(guard);
  }
  // Let callbacks that were already due run, so only real leftovers remain.
  await waitMacrotask();
  if (runner !== undefined) problems.push(...leftovers(runner, "run()"));
  problems.push(...leftovers(defaultRunner, "implicit root"));
  // Handles closed by the test finish closing in a later event-loop turn.
  let after = activeResources();
  for (let turn = 0; turn < 20 && after.length > before; turn++) {
    await waitMacrotask();
    after = activeResources();
  }
  if (after.length > before) problems.push(`left runtime resources behind: ${after.join(", ")}`);
  const newSockets = () => openSockets().filter((socket) => !socketsBefore.has(socket));
  let leftSockets = newSockets();
  for (let turn = 0; turn < 20 && leftSockets.length > 0; turn++) {
    await waitMacrotask();
    leftSockets = newSockets();
  }
  // A runtime may let a closed socket go a little later on its own: Deno's TLS keeps a
  // TLS 1.3 client's socket for 100 ms after close, by design. Give such sockets up to
  // half a second of timer turns; a socket that is really left open stays past that.
  for (let turn = 0; turn < 20 && leftSockets.length > 0; turn++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    leftSockets = newSockets();
  }
  if (leftSockets.length > 0) problems.push(`left ${leftSockets.length} socket(s) open`);
  for (const reason of unhandled) problems.push(`unhandled rejection: ${formatError(reason)}`);
  return problems;
}

async function main(): Promise<void> {
  // Deno makes a socket pair for its signal handling the first time a signal is
  // listened for (and listens by itself about 500 ms after starting): make it now, so
  // that no test is charged with it by the socket check.
  const noop = () => {};
  process.on("SIGINT", noop);
  process.off("SIGINT", noop);
  const args = process.argv.slice(2);
  const filterAt = args.indexOf("--filter");
  const filter = filterAt >= 0 ? args[filterAt + 1] ?? "" : "";
  for (const file of findTestFiles(testRoot)) {
    await import(pathToFileURL(file).href);
  }
  const runtime = currentRuntime();
  let passed = 0;
  let failed = 0;
  for (const backend of availableBackends()) {
    const selected = cases.filter((c) => c.name.includes(filter));
    console.log(`# ${runtime}, backend ${backend}: ${selected.length} tests`);
    for (const test of selected) {
      const problems = await runCase(test, backend);
      if (problems.length === 0) {
        passed++;
      } else {
        failed++;
        console.log(`not ok - [${backend}] ${test.name}`);
        for (const problem of problems) console.log(problem.replace(/^/gm, "    "));
      }
    }
  }
  console.log(`# test files: ${findTestFiles(testRoot).map((f) => relative(testRoot, f)).join(" ")}`);
  console.log(`${runtime}: ${passed} passed, ${failed} failed`);
  // Exit explicitly: a test that hung may still hold a handle (its failure is reported).
  process.exit(failed > 0 ? 1 : 0);
}

await main();
