/**
 * The options of {@link openProcess} and {@link runProcess}, and their checks: a bad
 * command or option is reported at the call, naming it, before any process starts.
 *
 * @module
 */
import type { SpawnSettings, StdioSetting } from "../backends/process.ts";
import { AsyncFile } from "../fs/async-file.ts";
import { type PathLike, toPathString } from "../fs/path-like.ts";
import { checkBoolean, checkOptions } from "../sync/checks.ts";

/** The program that runs a command given as a string. */
export const SHELL = "/bin/sh";

/**
 * How a standard stream of the child is connected:
 * - `"pipe"`: a pipe to this process (the default), read or written through the
 *   {@link Process}'s `stdin`, `stdout` or `stderr` stream;
 * - `"inherit"`: this process's own stream (the terminal, say);
 * - `"ignore"`: /dev/null;
 * - an open file: an {@link AsyncFile} from `openFile()`, an object with a numeric
 *   `fd`, or a plain file descriptor number. The child reads or writes through the
 *   descriptor's own position, which is not the AsyncFile's on the node and bun
 *   backends (node:fs has no lseek, so an AsyncFile keeps its position itself): give a
 *   child a freshly opened file, or one opened for appending ("a", "ab"), and do not
 *   use the file yourself until the child is done. Closing it afterwards is up to the
 *   caller. (The deno backend cannot hand a child a descriptor and copies through a
 *   pipe instead: there a file given as stdin must be a regular file.)
 *
 * @example
 * ```ts
 * import { runProcess, type StdioOption } from "structio";
 *
 * const quiet: StdioOption = "ignore";
 * await runProcess(["ls", "/"], { stdout: quiet });
 * ```
 */
export type StdioOption =
  | "pipe"
  | "inherit"
  | "ignore"
  | number
  | { readonly fd: number }
  | AsyncFile<string>
  | AsyncFile<Uint8Array>
  | AsyncFile;

/**
 * Options of {@link openProcess}.
 *
 * @example
 * ```ts
 * import { openProcess, type OpenProcessOptions } from "structio";
 *
 * const options: OpenProcessOptions = { stderr: "stdout", cwd: "/tmp" };
 * await using proc = await openProcess(["ls"], options);
 * ```
 */
export interface OpenProcessOptions {
  /** The child's standard input (default `"pipe"`). */
  stdin?: StdioOption;
  /** The child's standard output (default `"pipe"`). */
  stdout?: StdioOption;
  /**
   * The child's standard error (default `"pipe"`); `"stdout"` sends it wherever
   * standard output goes, interleaved in the order the child writes.
   */
  stderr?: StdioOption | "stdout";
  /** The child's working directory (default: this process's). */
  cwd?: PathLike;
  /**
   * The child's whole environment, replacing this process's (default: a copy of it).
   * To add to it, spread the current one: `{ ...process.env, DEBUG: "1" }` (the
   * `process` global exists on Node.js, Deno and Bun).
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** Runs the child in a new session (setsid), detached from this process's terminal. */
  startNewSession?: boolean;
}

/**
 * Options of {@link runProcess}: those of {@link OpenProcessOptions} (with other
 * defaults for `stdin`) and `input` and `check`.
 *
 * @example
 * ```ts
 * import { runProcess, type RunProcessOptions } from "structio";
 *
 * const options: RunProcessOptions = { input: "b\na\n", check: true };
 * const result = await runProcess(["sort"], options);
 * console.log(new TextDecoder().decode(result.stdout)); // "a\nb\n"
 * ```
 */
export interface RunProcessOptions extends OpenProcessOptions {
  /**
   * Bytes (or a string, sent as UTF-8) to write to the child's standard input, which is
   * then closed. Not together with `stdin`. Without either, the child inherits this
   * process's standard input (as in Python and AnyIO).
   */
  input?: Uint8Array | string;
  /** Raise {@link CalledProcessError} when the child exits with a status other than 0 (default true). */
  check?: boolean;
}

/**
 * A command for {@link runProcess} and {@link openProcess}: a string is a command line
 * for the shell (`/bin/sh -c`); an array is a program and its arguments, run without a
 * shell.
 *
 * @example
 * ```ts
 * import { type ProcessCommand, runProcess } from "structio";
 *
 * const direct: ProcessCommand = ["grep", "-c", "root", "/etc/passwd"];
 * const shell: ProcessCommand = "grep root /etc/passwd | wc -l";
 * console.log((await runProcess(direct)).returncode, (await runProcess(shell)).returncode); // 0 0
 * ```
 */
export type ProcessCommand = string | readonly string[];

/** The argument list to start for `command`, checked: a string runs through the shell. */
export function commandArgv(command: unknown): string[] {
  if (typeof command === "string") {
    if (command.trim() === "") throw new TypeError("command must not be empty");
    if (command.includes("\0")) throw new TypeError("command must not contain NUL characters");
    return [SHELL, "-c", command];
  }
  if (!Array.isArray(command)) {
    throw new TypeError(`command must be a string or an array of strings, not ${describe(command)}`);
  }
  if (command.length === 0) throw new TypeError("command must not be an empty array");
  const argv: string[] = [];
  for (const [i, arg] of command.entries()) {
    if (typeof arg !== "string") throw new TypeError(`command[${i}] must be a string, not ${describe(arg)}`);
    if (arg.includes("\0")) throw new TypeError(`command[${i}] must not contain NUL characters`);
    argv.push(arg);
  }
  if (argv[0] === "") throw new TypeError("command[0] (the program) must not be empty");
  return argv;
}

/** A copy of `command` to keep (`Process.args`), so that later changes to the array do not show. */
export function commandCopy(command: ProcessCommand): ProcessCommand {
  return typeof command === "string" ? command : Object.freeze([...command]);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value);
  return typeof value;
}

function checkStdio(value: unknown, name: string, fallback: StdioSetting, allowStdout: boolean): StdioSetting | "stdout" {
  if (value === undefined) return fallback;
  if (value === "pipe" || value === "inherit" || value === "ignore") return value;
  if (value === "stdout" && allowStdout) return value;
  if (value instanceof AsyncFile) {
    if (value.closed) throw new TypeError(`${name} is a closed file`);
    const raw = value._raw;
    return raw.fd === undefined ? { file: raw } : { fd: raw.fd };
  }
  const fd = typeof value === "number" ? value : typeof value === "object" && value !== null ? (value as { fd?: unknown }).fd : undefined;
  if (typeof fd === "number") {
    if (!Number.isInteger(fd) || fd < 0) throw new RangeError(`${name} must be an open file descriptor (a whole number >= 0), not ${fd}`);
    return { fd };
  }
  const choices = allowStdout ? `"pipe", "inherit", "ignore", "stdout"` : `"pipe", "inherit", "ignore"`;
  throw new TypeError(`${name} must be ${choices}, a file descriptor or an open file (an object with a numeric fd), not ${describe(value)}`);
}

function checkEnv(value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`options.env must be an object mapping names to strings, not ${describe(value)}`);
  }
  const env: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    // An undefined value leaves the variable out, so that `{ ...process.env, X: undefined }` removes X.
    if (item === undefined) continue;
    if (typeof item !== "string") throw new TypeError(`options.env.${key} must be a string, not ${describe(item)}`);
    if (key === "" || key.includes("=") || key.includes("\0")) {
      throw new TypeError(`options.env has an invalid variable name: ${JSON.stringify(key)}`);
    }
    if (item.includes("\0")) throw new TypeError(`options.env.${key} must not contain NUL characters`);
    env[key] = item;
  }
  return env;
}

/**
 * Checks the options shared by openProcess and runProcess and turns them into the
 * backend's settings. `stdinDefault` differs: a pipe for openProcess, inherited for
 * runProcess.
 */
export function spawnSettings(argv: string[], o: OpenProcessOptions, stdinDefault: StdioSetting): SpawnSettings {
  return {
    argv,
    stdin: checkStdio(o.stdin, "options.stdin", stdinDefault, false) as StdioSetting,
    stdout: checkStdio(o.stdout, "options.stdout", "pipe", false) as StdioSetting,
    stderr: checkStdio(o.stderr, "options.stderr", "pipe", true),
    cwd: o.cwd === undefined ? undefined : toPathString(o.cwd, "options.cwd"),
    env: checkEnv(o.env),
    startNewSession: checkBoolean(o.startNewSession, "options.startNewSession", false),
  };
}

/** Checks `options` of openProcess, which takes neither `input` nor `check`. */
export function checkOpenOptions(options: OpenProcessOptions | undefined): OpenProcessOptions {
  const o = checkOptions(options);
  for (const key of ["input", "check"]) {
    if ((o as Record<string, unknown>)[key] !== undefined) {
      throw new TypeError(`options.${key} is an option of runProcess, not of openProcess`);
    }
  }
  return o;
}
