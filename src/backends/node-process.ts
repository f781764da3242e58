/**
 * The node backend's process operations, with node:child_process. The same code runs on
 * Deno and Bun through their node:child_process (`run(fn, { backend: "node" })`).
 *
 * @module
 */
import { type ChildProcess, spawn, type StdioOptions } from "node:child_process";
import { accessSync, constants as fsConstants, statSync } from "node:fs";
import process from "node:process";
import type { Readable, Writable } from "node:stream";
import { NodeReadPipe, NodeWritePipe } from "./node-process-pipes.ts";
import { ExitReport } from "./process-exit.ts";
import type { ProcessBackend, RawProcess, SpawnSettings, StdioSetting } from "./process.ts";
import { descriptorOf, mergeStderr, type PathKind, spawnFailure } from "./process-spawn.ts";
import { returncodeOf } from "./signal-numbers.ts";

/** What `path` is, for the program lookup of `stderr: "stdout"` and for spawn errors. */
export function nodeProbe(path: string): PathKind {
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return "directory";
    accessSync(path, fsConstants.X_OK);
    return "executable";
  } catch (err) {
    return (err as { code?: string }).code === "EACCES" ? "file" : "missing";
  }
}

function stdio(setting: StdioSetting | "stdout"): "pipe" | "inherit" | "ignore" | number {
  if (typeof setting === "object") return descriptorOf(setting, "node");
  // "stdout" never reaches here: mergeStderr replaced it.
  return setting === "stdout" ? "ignore" : setting;
}

/** A node:child_process child as a {@link RawProcess}. */
class NodeProcess extends ExitReport implements RawProcess {
  readonly pid: number;
  readonly stdin: NodeWritePipe | null;
  readonly stdout: NodeReadPipe | null;
  readonly stderr: NodeReadPipe | null;

  constructor(child: ChildProcess) {
    super();
    this.pid = child.pid!;
    this.stdin = child.stdin === null ? null : new NodeWritePipe(child.stdin as Writable);
    this.stdout = child.stdout === null ? null : new NodeReadPipe(child.stdout as Readable);
    this.stderr = child.stderr === null ? null : new NodeReadPipe(child.stderr as Readable);
    child.on("exit", (code, signal) => {
      this.reportExit(returncodeOf(code, signal));
    });
    // A failed kill is reported as an 'error' event; without a listener it would end
    // the program. kill() only signals a child that has not exited, so it means little.
    child.on("error", () => {});
  }

  kill(signal: number): void {
    if (this.returncode() !== null) return;
    // process.kill rather than child.kill: Deno's node:child_process sends only the
    // first signal of child.kill (later calls return false), and once it sent one it
    // reports that signal as the child's end whatever the child did (a child that
    // handles SIGTERM and exits 2 is reported killed by SIGTERM; seen on Deno 2.9).
    // process.kill is the same kill(2) on every runtime and leaves the report alone.
    try {
      process.kill(this.pid, signal);
    } catch {
      // ESRCH: the child exited a moment ago and its end is not reported yet.
    }
  }
}

/** Starts a child with node:child_process; resolves once it runs. */
async function spawnNode(settings: SpawnSettings): Promise<RawProcess> {
  const plan = mergeStderr(settings, nodeProbe, process.env.PATH);
  const [program, ...args] = plan.argv;
  const child = spawn(program, args, {
    cwd: plan.cwd,
    env: plan.env ?? process.env,
    stdio: [stdio(plan.stdin), stdio(plan.stdout), stdio(plan.stderr)] as StdioOptions,
    detached: plan.startNewSession,
  });
  if (child.pid === undefined) {
    // The spawn failed (libuv knows at once, but node reports it in a later tick as
    // 'error'). The pipes it made are closed before the error is raised.
    const error = await new Promise<Error>((resolve) => child.once("error", resolve));
    const pipes = [child.stdin, child.stdout, child.stderr].filter((s) => s !== null);
    await Promise.all(pipes.map((pipe) => {
      pipe.destroy();
      return pipe.closed ? undefined : new Promise((resolve) => pipe.once("close", resolve));
    }));
    throw spawnFailure(error, settings, nodeProbe);
  }
  return new NodeProcess(child);
}

/** Builds the node backend's ProcessBackend. */
export function createNodeProcesses(): ProcessBackend {
  return {
    spawn: spawnNode,
  };
}
