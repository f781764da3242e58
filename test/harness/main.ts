/**
 * Runs every test file under test/ on the current runtime, once per backend the runtime
 * offers, and prints one line per case and a summary line:
 * `<runtime>: N passed, N failed`.
 *
 * Usage: <runtime> test/harness/main.ts [--filter text]
 */
import process from "node:process";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { currentRuntime, run } from "../../src/index.ts";
import { availableBackends } from "../../src/backends/index.ts";
import { installedSignalHandlers } from "../../src/backends/signals.ts";
import { currentScope, defaultRunner as getDefaultRunner, type Runner } from "../../src/core/context.ts";
import { liveTasks } from "../../src/core/task.ts";
import type { RuntimeName } from "../../src/backends/backend.ts";
import { formatError } from "../../src/core/format-error.ts";
import { cases, type TestCase } from "./registry.ts";

/** A test that has not settled after this long is reported as hung (a hang guard). */
const HANG_GUARD_MS = 20_000;

const testRoot = fileURLToPath(new URL("..", import.meta.url));
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

function findTestFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTestFiles(path));
    else if (entry.name.endsWith(".test.ts")) found.push(path);
  }
  return found.sort();
}

/** The test files of structio (test/) and of each workspace package (packages/NAME/test/). */
function allTestFiles(): string[] {
  const packages = join(repoRoot, "packages");
  const packageTests = readdirSync(packages, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(packages, entry.name, "test"))
    .flatMap((dir) => existsSync(dir) ? findTestFiles(dir) : []);
  return [...findTestFiles(testRoot), ...packageTests];
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
 * The sockets, pipes and files this process holds open, from /proc/self/fd (Linux), as
 * "fd -> target". Every runtime can read it, so it catches a descriptor left open by any
 * backend, including on Deno and Bun, whose getActiveResourcesInfo() lists nothing.
 * Devices and anonymous inodes (the runtime's own event loop) are not counted. Empty
 * where /proc is not there.
 */
function openDescriptors(): string[] {
  let fds: string[];
  try {
    fds = readdirSync("/proc/self/fd");
  } catch {
    return [];
  }
  const open: string[] = [];
  for (const fd of fds) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      const counted = target.startsWith("socket:") || target.startsWith("pipe:") ||
        (target.startsWith("/") && !target.startsWith("/dev/") && !target.startsWith("/proc/"));
      if (counted) open.push(`${fd} -> ${target}`);
    } catch {
      // Closed between listing and reading (the listing's own descriptor, say).
    }
  }
  return open;
}

/**
 * The child processes of this process, running or not yet reaped (zombies), from
 * /proc/self/task/<thread>/children (Linux; a runtime may spawn from any thread).
 */
function childProcesses(): string[] {
  const children: string[] = [];
  try {
    for (const thread of readdirSync("/proc/self/task")) {
      try {
        const list = readFileSync(`/proc/self/task/${thread}/children`, "utf8").trim();
        if (list !== "") children.push(...list.split(" "));
      } catch {
        // The thread ended meanwhile.
      }
    }
  } catch {
    return [];
  }
  return children;
}

function waitMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function runCase(test: TestCase, backend: RuntimeName): Promise<string[]> {
  const problems: string[] = [];
  unhandled = [];
  const before = activeResources().length;
  const descriptorsBefore = new Set(openDescriptors());
  const childrenBefore = new Set(childProcesses());
  const signalHandlersBefore = installedSignalHandlers.count;
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
  const newDescriptors = () => openDescriptors().filter((fd) => !descriptorsBefore.has(fd));
  const newChildren = () => childProcesses().filter((pid) => !childrenBefore.has(pid));
  const leaks = () => [...newDescriptors(), ...newChildren()];
  let left = leaks();
  for (let turn = 0; turn < 20 && left.length > 0; turn++) {
    await waitMacrotask();
    left = leaks();
  }
  // A runtime may let a closed socket go a little later on its own: Deno's TLS keeps a
  // TLS 1.3 client's socket for 100 ms after close, by design, and a killed child is
  // reaped when the runtime notices its exit. Give such leftovers up to half a second
  // of timer turns; a descriptor or process that is really left stays past that.
  for (let turn = 0; turn < 20 && left.length > 0; turn++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    left = leaks();
  }
  const handlersLeft = installedSignalHandlers.count - signalHandlersBefore;
  if (handlersLeft > 0) problems.push(`left ${handlersLeft} signal handler(s) installed`);
  const fdsLeft = newDescriptors();
  if (fdsLeft.length > 0) problems.push(`left ${fdsLeft.length} descriptor(s) open: ${fdsLeft.join(", ")}`);
  const childrenLeft = newChildren();
  if (childrenLeft.length > 0) problems.push(`left ${childrenLeft.length} child process(es) behind: ${childrenLeft.join(", ")}`);
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
  // Likewise, Bun keeps a pipe open once it first ran a child process: run one of each
  // kind now, so that the first test that starts a process is not charged with it.
  execFileSync("true");
  await new Promise((resolve) => spawn("true").on("close", resolve));
  const args = process.argv.slice(2);
  const filterAt = args.indexOf("--filter");
  const filter = filterAt >= 0 ? args[filterAt + 1] ?? "" : "";
  const testFiles = allTestFiles();
  for (const file of testFiles) {
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
  console.log(`# test files: ${testFiles.map((f) => relative(repoRoot, f)).join(" ")}`);
  console.log(`${runtime}: ${passed} passed, ${failed} failed`);
  // Exit explicitly: a test that hung may still hold a handle (its failure is reported).
  process.exit(failed > 0 ? 1 : 0);
}

await main();
