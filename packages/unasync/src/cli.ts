/**
 * The command line: `unasync [--config FILE] [--check] [--help]`, as {@link main}, which
 * can be driven in-process; bin.ts runs it as a script (the package's `unasync` bin).
 *
 * @module
 */
import { relative, resolve } from "node:path";
import process from "node:process";
import { loadConfig } from "./config.ts";
import { unasync } from "./run.ts";
import { formatDiagnostic } from "./transform.ts";

/** The default config file, looked up in the current directory. */
const DEFAULT_CONFIG = "unasync.config.json";

/** The text `--help` prints. */
const USAGE = `usage: unasync [--config FILE] [--check] [--help]

Writes the synchronous twin of every .ts file under each "from" folder of the config
to the same path under its "to" folder. Files with code that cannot be translated
are reported (file:line:column: message (code)) and not written.

  --config FILE  the config file (default: ./${DEFAULT_CONFIG}); folder paths in it
                 are relative to its folder
  --check        write nothing; fail if any twin is missing, out of date, or has no
                 source (for CI)
  --help         print this help

exit status: 0 ok; 1 untranslatable code, or (with --check) twins not up to date;
2 bad usage or config
`;

/**
 * Where {@link main} writes and which directory it works from.
 *
 * @example
 * ```ts
 * let out = "";
 * const io: CliIo = { stdout: (text) => (out += text), stderr: (text) => (out += text), cwd: "/home/me/lib" };
 * main(["--check"], io);
 * ```
 */
export interface CliIo {
  /** Writes text (with its own newlines) to standard output. */
  stdout(text: string): void;
  /** Writes text (with its own newlines) to standard error. */
  stderr(text: string): void;
  /** The directory the default config and printed paths are relative to. */
  readonly cwd: string;
}

/** The process's own streams and its current directory at the call. */
function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
  };
}

/** The parsed command line, or the message for a bad one. */
type Parsed = { config: string; check: boolean; help: boolean } | { error: string };

function parse(argv: readonly string[]): Parsed {
  const parsed = { config: DEFAULT_CONFIG, check: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--help" || arg === "-h") parsed.help = true;
    else if (arg === "--check") parsed.check = true;
    else if (arg === "--config" || arg.startsWith("--config=")) {
      const value = arg === "--config" ? argv[++i] : arg.slice("--config=".length);
      if (value === undefined || value === "") return { error: "--config needs a file name" };
      parsed.config = value;
    } else if (arg.startsWith("-")) return { error: `unknown option ${arg}` };
    else return { error: `unexpected argument ${JSON.stringify(arg)} (the folders come from the config file)` };
  }
  return parsed;
}

/**
 * Runs the command line with `argv` (the arguments after the script's name) and
 * returns the exit status: 0 ok, 1 for untranslatable code or (with `--check`) twins
 * missing, out of date or without a source, 2 for bad usage or a bad config.
 *
 * @example
 * ```ts
 * import { main } from "./cli.ts";
 *
 * const lines: string[] = [];
 * const io = { stdout: (t: string) => lines.push(t), stderr: (t: string) => lines.push(t), cwd: "lib" };
 * const status = main(["--check"], io); // reads lib/unasync.config.json
 * console.log(status, lines.join(""));
 * ```
 */
export function main(argv: readonly string[], io: CliIo = processIo()): number {
  const args = parse(argv);
  if ("error" in args) {
    io.stderr(`unasync: ${args.error}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    io.stdout(USAGE);
    return 0;
  }
  const show = (path: string): string => relative(io.cwd, path) || ".";
  let report;
  try {
    report = unasync(loadConfig(resolve(io.cwd, args.config)), { check: args.check });
  } catch (error) {
    // A bad config, a missing folder or a file that cannot be read or written: the run
    // could not be made, which is not the same as a run that found problems (1).
    io.stderr(`unasync: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  for (const d of report.diagnostics) io.stderr(`${formatDiagnostic({ ...d, file: show(d.file) })}\n`);
  const untranslatable = new Set(report.diagnostics.map((d) => d.file)).size;
  if (untranslatable > 0) {
    io.stderr(`unasync: ${count(untranslatable, "file")} with untranslatable code, so no twin (see above)\n`);
  }

  if (args.check) {
    for (const path of report.missing) io.stderr(`missing: ${show(path)}\n`);
    for (const path of report.stale) io.stderr(`stale: ${show(path)} (out of date with its source)\n`);
    for (const path of report.orphans) io.stderr(`orphan: ${show(path)} (no source; delete it or restore its source)\n`);
    const behind = report.missing.length + report.stale.length;
    const orphans = report.orphans.length;
    if (behind > 0) io.stderr(`unasync --check: ${count(behind, "twin")} missing or out of date; run unasync to regenerate\n`);
    if (orphans > 0) io.stderr(`unasync --check: ${count(orphans, "orphan")} in the twin folders\n`);
    const clean = behind === 0 && orphans === 0 && untranslatable === 0;
    if (clean) io.stdout(`unasync --check: ${count(report.unchanged.length, "twin")} up to date\n`);
    return clean ? 0 : 1;
  }

  for (const path of report.written) io.stdout(`wrote ${show(path)}\n`);
  for (const path of report.orphans) {
    io.stderr(`warning: ${show(path)} has no source; delete it or restore its source\n`);
  }
  io.stdout(`unasync: ${report.written.length} written, ${report.unchanged.length} unchanged\n`);
  return untranslatable > 0 ? 1 : 0;
}

/** "1 file", "2 files". */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
