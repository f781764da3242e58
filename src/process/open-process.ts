/**
 * Starting a child process: AnyIO's `open_process`.
 *
 * @module
 */
import { raiseIfCancelled, yieldPoint } from "../core/checkpoint.ts";
import { asOSError } from "../core/errors.ts";
import { getBackend } from "../core/run.ts";
import { type ProcessCommand, checkOpenOptions, commandArgv, commandCopy, type OpenProcessOptions, spawnSettings } from "./options.ts";
import { Process } from "./process.ts";
import type { SpawnSettings } from "../backends/process.ts";

/**
 * Starts the backend's process for `settings`, reporting a failure as an {@link OSError}
 * about `command`'s program (or the working directory when that is what is missing).
 */
export async function startProcess(command: ProcessCommand, settings: SpawnSettings): Promise<Process> {
  const backend = getBackend();
  const processes = backend.processes;
  const runner = raiseIfCancelled();
  let raw;
  try {
    raw = await processes.spawn(settings);
  } catch (err) {
    const path = (err as { path?: unknown } | null)?.path;
    throw asOSError(err, { syscall: "spawn", path: typeof path === "string" ? path : settings.argv[0] });
  }
  // Started: the process is the caller's now (completion wins), so the yield that keeps
  // this a checkpoint does not raise.
  await yieldPoint(runner);
  return new Process(raw, commandCopy(command), backend);
}

/**
 * Starts `command` in a child process and returns it as a {@link Process}, with pipes
 * to its standard streams (by default all three are pipes).
 *
 * `command` is either an array, the program and its arguments, run directly without a
 * shell (so nothing in the arguments is interpreted: no injection), with the program
 * looked up on the PATH unless it contains a "/"; or a string, a command line run by
 * the shell (`/bin/sh -c command`), with all the shell's features and dangers.
 *
 * The caller owns the process: close it with `aclose()` or `await using`, which closes
 * the pipes and kills the child if it still runs (call `wait()` first to let it end).
 *
 * A checkpoint.
 *
 * @throws {TypeError} if `command` is empty, not a string or an array of strings, or an
 *   option is not valid (naming it); `options.input` and `options.check` are
 *   {@link runProcess} options.
 * @throws {RangeError} if a file descriptor option is negative or not whole.
 * @throws {OSError} if the child could not be started: code `ENOENT` (with `path` the
 *   program, or the working directory) when it does not exist, `EACCES` when it is not
 *   executable.
 *
 * @example
 * ```ts
 * import { openProcess } from "structio";
 *
 * await using proc = await openProcess(["sh", "-c", "read name; echo hello $name"]);
 * await proc.stdin!.send(new TextEncoder().encode("world\n"));
 * console.log(new TextDecoder().decode(await proc.stdout!.receive())); // "hello world\n"
 * console.log(await proc.wait()); // 0
 * ```
 */
export async function openProcess(command: ProcessCommand, options?: OpenProcessOptions): Promise<Process> {
  const argv = commandArgv(command);
  const settings = spawnSettings(argv, checkOpenOptions(options), "pipe");
  return await startProcess(command, settings);
}
