/**
 * The deno backend's process operations, with Deno.Command.
 *
 * @module
 */
import { ExitReport } from "./process-exit.ts";
import type { ProcessBackend, RawProcess, RawReadPipe, RawWritePipe, SpawnSettings, StdioSetting } from "./process.ts";
import { checkFileForStdin, type Pump, pumpFile, pumpFromFile, pumpToFile } from "./deno-process-pumps.ts";
import type { RawFile } from "./files.ts";
import { WebReadPipe, WebWritePipe } from "./process-web-pipes.ts";
import { mergeStderr, type PathKind, spawnFailure } from "./process-spawn.ts";
import { returncodeOf, signalNameOf } from "./signal-numbers.ts";

type DenoStdio = "piped" | "inherit" | "null";

interface DenoCommandOptions {
  args: string[];
  cwd?: string;
  env?: Record<string, string>;
  clearEnv?: boolean;
  stdin: DenoStdio;
  stdout: DenoStdio;
  stderr: DenoStdio;
  detached?: boolean;
}

interface DenoChildProcess {
  readonly pid: number;
  readonly stdin: WritableStream<Uint8Array>;
  readonly stdout: ReadableStream<Uint8Array>;
  readonly stderr: ReadableStream<Uint8Array>;
  readonly status: Promise<{ success: boolean; code: number; signal: string | null }>;
  kill(signal?: string): void;
}

interface DenoProcessNamespace {
  Command: new (program: string, options: DenoCommandOptions) => { spawn(): DenoChildProcess };
  statSync(path: string): { isFile: boolean; isDirectory: boolean; mode: number | null };
  env: { get(name: string): string | undefined };
}

function deno(): DenoProcessNamespace {
  const ns = (globalThis as { Deno?: DenoProcessNamespace }).Deno;
  if (ns === undefined) throw new Error("the deno backend needs the Deno runtime");
  return ns;
}

/** What `path` is, with Deno.statSync. */
function denoProbe(path: string): PathKind {
  try {
    const stat = deno().statSync(path);
    if (stat.isDirectory) return "directory";
    // The mode is all Deno tells; any execute bit is taken as runnable, as a shell would.
    return stat.isFile && ((stat.mode ?? 0) & 0o111) !== 0 ? "executable" : "file";
  } catch (err) {
    return (err as { code?: string }).code === "EACCES" ? "file" : "missing";
  }
}

type FileSetting = { readonly fd: number } | { readonly file: RawFile };

/**
 * The file a stream is copied to or from (see deno-process-pumps.ts), or null: a file,
 * except the parent's own descriptor of that stream (0 for stdin, 1 for stdout, 2 for
 * stderr), which is what "inherit" gives.
 */
function copiedFile(setting: StdioSetting | "stdout", own: number): FileSetting | null {
  if (typeof setting !== "object") return null;
  return "fd" in setting && setting.fd === own ? null : setting;
}

/** How Deno.Command connects one stream. */
function denoStdio(setting: StdioSetting | "stdout", own: number): DenoStdio {
  if (typeof setting === "object") return copiedFile(setting, own) === null ? "inherit" : "piped";
  if (setting === "pipe") return "piped";
  if (setting === "inherit") return "inherit";
  return "null"; // "ignore" ("stdout" never reaches here: mergeStderr replaced it)
}

/**
 * A Deno child as a {@link RawProcess}. Its end is reported once Deno reported its
 * status (Deno reaps it then) and every copy to or from a file has finished, so that a
 * file given as stdout holds all the output once `wait()` returns.
 */
class DenoProcess extends ExitReport implements RawProcess {
  readonly pid: number;
  readonly stdin: RawWritePipe | null;
  readonly stdout: RawReadPipe | null;
  readonly stderr: RawReadPipe | null;
  readonly #child: DenoChildProcess;
  #statusKnown = false;

  constructor(child: DenoChildProcess, settings: SpawnSettings) {
    super();
    this.#child = child;
    this.pid = child.pid;
    this.stdin = settings.stdin === "pipe" ? new WebWritePipe(child.stdin) : null;
    this.stdout = settings.stdout === "pipe" ? new WebReadPipe(child.stdout) : null;
    this.stderr = settings.stderr === "pipe" ? new WebReadPipe(child.stderr) : null;
    const inFile = copiedFile(settings.stdin, 0);
    const outFile = copiedFile(settings.stdout, 1);
    const errFile = copiedFile(settings.stderr, 2);
    const inPump: Pump | null = inFile === null ? null : pumpFromFile(pumpFile(inFile), child.stdin);
    const outputs: Pump[] = [];
    if (outFile !== null) outputs.push(pumpToFile(child.stdout, pumpFile(outFile)));
    if (errFile !== null) outputs.push(pumpToFile(child.stderr, pumpFile(errFile)));
    void child.status.then(async (status) => {
      this.#statusKnown = true;
      inPump?.stop();
      await Promise.all([inPump?.done, ...outputs.map((pump) => pump.done)]);
      this.reportExit(returncodeOf(status.code, status.signal));
    });
  }

  kill(signal: number): void {
    if (this.#statusKnown) return;
    const name = signalNameOf(signal);
    if (name === undefined) throw new RangeError(`signal ${signal} is not known on this platform`);
    try {
      this.#child.kill(name);
    } catch {
      // The child exited a moment ago and Deno has not reported its status yet.
    }
  }
}

/** Starts a child with Deno.Command. */
async function spawnDeno(settings: SpawnSettings): Promise<RawProcess> {
  try {
    const ns = deno();
    const plan = mergeStderr(settings, denoProbe, ns.env.get("PATH"));
    const inFile = copiedFile(plan.stdin, 0);
    if (inFile !== null) await checkFileForStdin(inFile);
    const [program, ...args] = plan.argv;
    const child = new ns.Command(program, {
      args,
      cwd: plan.cwd,
      env: plan.env === undefined ? undefined : { ...plan.env },
      clearEnv: plan.env !== undefined,
      stdin: denoStdio(plan.stdin, 0),
      stdout: denoStdio(plan.stdout, 1),
      stderr: denoStdio(plan.stderr, 2),
      // Deno's detached mode starts the child with setsid(), a session of its own.
      detached: plan.startNewSession,
    }).spawn();
    return new DenoProcess(child, plan);
  } catch (err) {
    throw spawnFailure(err, settings, denoProbe);
  }
}

/** Builds the deno backend's ProcessBackend. */
export function createDenoProcesses(): ProcessBackend {
  return {
    spawn: spawnDeno,
  };
}
