/**
 * What the three process adapters share before they start a child: sending standard
 * error into standard output, and errors that say which program or directory is
 * missing.
 *
 * @module
 */
import type { SpawnSettings, StdioSetting } from "./process.ts";

/** What a path is, as far as starting a program is concerned. */
export type PathKind = "executable" | "file" | "directory" | "missing";

/** Tells what `path` is, with the runtime's own (synchronous) stat call. */
export type Probe = (path: string) => PathKind;

/** The program that runs a shell command, and the wrapper that merges standard error. */
export const SHELL = "/bin/sh";

/**
 * The settings to start instead, when standard error is to go wherever standard output
 * goes (`stderr: "stdout"`); the settings unchanged otherwise.
 *
 * No runtime can hand a child one pipe as both its standard output and its standard
 * error (Node's stdio array, Deno.Command and Bun.spawn each make a pipe per stream, and
 * none offers dup2 or pipe()). So the child runs under `/bin/sh -c 'exec "$@" 2>&1'`:
 * the shell points descriptor 2 at descriptor 1 and then replaces itself with the
 * program (same process id, no shell left in between, signals reach the program), and
 * the child's writes to either stream arrive in the order it made them, exactly as with
 * a real `2>&1`. Only the program lookup changes hands: the shell would report a missing
 * program as exit status 127, so the program is looked up here first, and a missing one
 * raises ENOENT as it does without the wrapper.
 */
export function mergeStderr(settings: SpawnSettings, probe: Probe, parentPath: string | undefined): SpawnSettings {
  if (settings.stderr !== "stdout") return settings;
  checkProgram(settings, probe, parentPath);
  return {
    ...settings,
    argv: [SHELL, "-c", 'exec "$@" 2>&1', "sh", ...settings.argv],
    stderr: "ignore",
  };
}

/** An error shaped like the runtimes' own spawn errors: `code`, `syscall` and `path`. */
export function spawnError(code: string, path: string, what: string): Error {
  return Object.assign(new Error(`${code}: ${what}, spawn '${path}'`), { code, syscall: "spawn", path });
}

/**
 * Throws ENOENT (or EACCES) as execvp would: a program name with a "/" is taken as a
 * path (relative to the child's working directory), any other name is looked up in
 * the PATH of the child's environment.
 */
function checkProgram(settings: SpawnSettings, probe: Probe, parentPath: string | undefined): void {
  const program = settings.argv[0];
  const cwd = settings.cwd;
  const resolve = (path: string) => path.startsWith("/") || cwd === undefined ? path : `${cwd}/${path}`;
  if (program.includes("/")) {
    const kind = probe(resolve(program));
    if (kind === "missing") throw spawnError("ENOENT", program, "no such file or directory");
    if (kind !== "executable") throw spawnError("EACCES", program, "permission denied");
    return;
  }
  // The search path execvp uses when the environment has no PATH.
  const path = settings.env === undefined ? parentPath ?? "/usr/bin:/bin" : settings.env.PATH ?? "/usr/bin:/bin";
  for (const dir of path.split(":")) {
    if (probe(resolve(`${dir === "" ? "." : dir}/${program}`)) === "executable") return;
  }
  throw spawnError("ENOENT", program, "no such file or directory");
}

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  ENOEXEC: "exec format error",
  E2BIG: "argument list too long",
  ENOTDIR: "not a directory",
};

/**
 * The error to report for a failed spawn, the same on every runtime: `code`, `syscall`
 * "spawn", `path` the program and a message in Node's style, with the runtime's error
 * as `cause`. A runtime reports a missing working directory as a missing program (Node
 * and Bun name the program, Deno says "No such cwd"), so when `cwd` is not a directory
 * the error names it instead. An error without a POSIX code passes unchanged.
 */
export function spawnFailure(err: unknown, settings: SpawnSettings, probe: Probe): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== "string" || !/^E[A-Z0-9]+$/.test(code)) return err;
  if (code === "ENOENT" && settings.cwd !== undefined && probe(settings.cwd) !== "directory") {
    return Object.assign(spawnError("ENOENT", settings.cwd, "no such working directory"), { cause: err });
  }
  const description = DESCRIPTIONS[code] ?? (err instanceof Error ? err.message : String(err));
  const error = new Error(`${code}: ${description}, spawn '${settings.argv[0]}'`, { cause: err });
  return Object.assign(error, { code, syscall: "spawn", path: settings.argv[0] });
}

/**
 * The descriptor of a file setting, for backends that hand descriptors to the child
 * (node, bun). Their files always show one; a file without one (opened by another
 * backend) cannot be handed over.
 */
export function descriptorOf(setting: Exclude<StdioSetting, string>, backend: string): number {
  if ("fd" in setting) return setting.fd;
  if (setting.file.fd !== undefined) return setting.file.fd;
  throw new TypeError(`the ${backend} backend can give a child only a file with a descriptor`);
}
