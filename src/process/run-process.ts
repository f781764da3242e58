/**
 * Running a child process to its end and capturing its output: AnyIO's `run_process`.
 *
 * @module
 */
import { BrokenResourceError, CalledProcessError } from "../core/errors.ts";
import { withTaskGroup } from "../core/task-group.ts";
import type { ByteReceiveStream } from "../streams/types.ts";
import { checkBoolean, checkOptions } from "../sync/checks.ts";
import { CompletedProcess } from "./completed-process.ts";
import { startProcess } from "./open-process.ts";
import { type ProcessCommand, commandArgv, commandCopy, type RunProcessOptions, spawnSettings } from "./options.ts";

const EMPTY = new Uint8Array(0);

/** Receives everything until end of stream, as one array. */
async function receiveAll(stream: ByteReceiveStream): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    chunks.push(chunk);
    size += chunk.byteLength;
  }
  if (chunks.length === 1) return chunks[0];
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return all;
}

function checkInput(value: unknown): Uint8Array | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") return new TextEncoder().encode(value);
  if (value instanceof Uint8Array) return value;
  throw new TypeError(`options.input must be a Uint8Array or a string, not ${value === null ? "null" : typeof value}`);
}

/**
 * Runs `command` to its end and returns a {@link CompletedProcess} with its return code
 * and captured output.
 *
 * `command` is an array (the program and its arguments, run without a shell) or a
 * string (a command line for `/bin/sh -c`), as for {@link openProcess}. By default
 * standard output and standard error are captured (`"pipe"`), read concurrently, so a
 * child that fills one while the other is read never deadlocks; standard input is
 * inherited unless `input` is given, which is written to the child and then closed (a
 * child that exits without reading all of it is not an error).
 *
 * With `check` (the default), a return code other than 0 raises
 * {@link CalledProcessError}, which carries the return code, the command and the output.
 *
 * Cancelled, the child is killed and reaped before `Cancelled` is raised.
 *
 * @throws {TypeError} if `command` or an option is not valid (naming it), or both
 *   `input` and `stdin` are given.
 * @throws {OSError} if the child could not be started (`ENOENT`: no such program).
 * @throws {CalledProcessError} with `check`, when the return code is not 0.
 *
 * @example
 * ```ts
 * import { runProcess } from "structio";
 *
 * const result = await runProcess(["tr", "a-z", "A-Z"], { input: "hello" });
 * console.log(new TextDecoder().decode(result.stdout)); // "HELLO"
 * ```
 */
export async function runProcess(command: ProcessCommand, options?: RunProcessOptions): Promise<CompletedProcess> {
  const argv = commandArgv(command);
  const o = checkOptions(options);
  const input = checkInput(o.input);
  if (input !== undefined && o.stdin !== undefined) throw new TypeError("options.input and options.stdin cannot both be given");
  const check = checkBoolean(o.check, "options.check", true);
  const settings = spawnSettings(argv, { ...o, stdin: input === undefined ? o.stdin : "pipe" }, "inherit");
  const args = commandCopy(command);
  const proc = await startProcess(command, settings);
  let stdout: Uint8Array = EMPTY;
  let stderr: Uint8Array = EMPTY;
  let returncode: number;
  try {
    returncode = await withTaskGroup(async (tg) => {
      const { stdin, stdout: out, stderr: err } = proc;
      if (out !== null) tg.startSoon(async () => void (stdout = await receiveAll(out)));
      if (err !== null) tg.startSoon(async () => void (stderr = await receiveAll(err)));
      if (stdin !== null) {
        tg.startSoon(async () => {
          try {
            if (input !== undefined && input.byteLength > 0) await stdin.send(input);
          } catch (error) {
            // The child closed its standard input without reading all of it: its own
            // business (head, say), as in Python's communicate().
            if (!(error instanceof BrokenResourceError)) throw error;
          }
          await stdin.aclose();
        });
      }
      // A cancellation (or a failure in a task above, which cancels the group) ends this
      // wait, which then kills the child: the readers see end of stream and return.
      return await proc.wait();
    });
  } finally {
    await proc.aclose();
  }
  if (check && returncode !== 0) throw new CalledProcessError(returncode, args, stdout, stderr);
  return new CompletedProcess(args, returncode, stdout, stderr);
}
