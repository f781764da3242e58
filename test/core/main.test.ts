import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { describe, test } from "../harness/registry.ts";
import { runtimeCommand } from "../harness/helpers.ts";
import { getBackend } from "../../src/index.ts";

const program = fileURLToPath(new URL("../fixtures/main-program.ts", import.meta.url));

interface Program {
  child: ChildProcess;
  /** Resolves when stdout has shown `text`. */
  printed(text: string): Promise<void>;
  /** Resolves with the exit status and everything printed. */
  exited: Promise<{ code: number; stdout: string; stderr: string }>;
  /** Sends `signal` to the program. */
  signal(signal: "SIGINT" | "SIGTERM"): void;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGINT: 2, SIGTERM: 15, SIGKILL: 9 };

/**
 * The status as a shell reports it: the exit code, or 128 + n for death by signal n.
 * Deno's node:child_process reports an exit code above 128 as the matching signal, so
 * the tests also check what the program printed to tell the two apart.
 */
function exitStatus(code: number | null, signal: string | null): number {
  return code ?? 128 + (SIGNAL_NUMBERS[signal ?? ""] ?? 0);
}

function startProgram(mode: string): Program {
  const [cmd, ...pre] = runtimeCommand();
  const child = spawn(cmd, [...pre, program, getBackend().name, mode], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const watchers: Array<[string, () => void]> = [];
  child.stdout!.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const [text, resolve] of watchers) if (stdout.includes(text)) resolve();
  });
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code: exitStatus(code, signal), stdout, stderr }))
  );
  return {
    child,
    exited,
    // process.kill rather than child.kill: Deno's ChildProcess ignores a second kill().
    signal: (signal) => process.kill(child.pid!, signal),
    printed: (text) =>
      new Promise<void>((resolve, reject) => {
        if (stdout.includes(text)) return resolve();
        watchers.push([text, resolve]);
        void exited.then(({ code }) => reject(new Error(`exited (${code}) before printing ${text}:\n${stdout}\n${stderr}`)));
      }),
  };
}

/** Runs `body` with a program and makes sure the process is gone afterwards. */
async function withProgram(mode: string, body: (p: Program) => Promise<void>): Promise<void> {
  const p = startProgram(mode);
  try {
    await body(p);
  } finally {
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
    await p.exited;
  }
}

describe("main()", () => {
  test("a program that returns exits with status 0", () =>
    withProgram("return", async (p) => {
      const { code, stdout } = await p.exited;
      assert.equal(code, 0);
      assert.match(stdout, /main resolved with 0/);
    }));

  test("a program that fails prints the error and exits with status 1", () =>
    withProgram("throw", async (p) => {
      const { code, stderr } = await p.exited;
      assert.equal(code, 1);
      assert.match(stderr, /RangeError: the program failed on purpose/);
    }));

  test("SIGINT cancels the program, its cleanup runs, and the status is 130", () =>
    withProgram("wait", async (p) => {
      await p.printed("ready");
      p.signal("SIGINT");
      const { code, stdout } = await p.exited;
      assert.match(stdout, /cleanup ran/);
      assert.match(stdout, /main resolved with 130/);
      assert.equal(code, 130);
    }));

  test("SIGTERM cancels the program and the status is 143", () =>
    withProgram("wait", async (p) => {
      await p.printed("ready");
      p.signal("SIGTERM");
      const { code, stdout } = await p.exited;
      assert.match(stdout, /cleanup ran/);
      assert.equal(code, 143);
    }));

  test("a second signal during a shielded cleanup ends the process at once", () =>
    withProgram("stubborn-cleanup", async (p) => {
      await p.printed("ready");
      p.signal("SIGINT");
      await p.printed("cleanup started");
      p.signal("SIGINT");
      const { code, stdout } = await p.exited;
      assert.equal(code, 130);
      assert.doesNotMatch(stdout, /main resolved/);
    }));
});
