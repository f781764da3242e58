/**
 * The bun backend's process operations, with Bun.spawn.
 *
 * @module
 */
import type { CancelWait } from "./net.ts";
import { Notifier } from "./notifier.ts";
import { ExitReport } from "./process-exit.ts";
import type { ProcessBackend, RawProcess, RawReadPipe, RawWritePipe, SpawnSettings, StdioSetting } from "./process.ts";
import { WebReadPipe } from "./process-web-pipes.ts";
import { descriptorOf, mergeStderr, spawnFailure } from "./process-spawn.ts";
// Bun has no synchronous stat of its own (Bun.file's are async), so the program lookup
// uses the node backend's, over node:fs.
import { nodeProbe as bunProbe } from "./node-process.ts";
import { returncodeOf } from "./signal-numbers.ts";

/** Bun's FileSink: the writer Bun.spawn gives for a piped stdin. */
interface BunFileSink {
  /** Buffers `data`; returns the bytes buffered, or a promise while Bun flushes. */
  write(data: Uint8Array): number | Promise<number>;
  /** Writes out what is buffered; a promise while the pipe does not take it all. */
  flush(): number | Promise<number> | undefined;
  /** Flushes and closes the pipe. */
  end(): number | Promise<number> | undefined;
}

type BunStdio = "pipe" | "inherit" | "ignore" | number;

interface BunSubprocess {
  readonly pid: number;
  readonly stdin: BunFileSink | undefined;
  readonly stdout: ReadableStream<Uint8Array> | undefined;
  readonly stderr: ReadableStream<Uint8Array> | undefined;
  readonly exited: Promise<number>;
  readonly exitCode: number | null;
  readonly signalCode: string | null;
  kill(signal?: number | string): void;
}

interface BunSpawnNamespace {
  spawn(options: {
    cmd: string[];
    cwd?: string;
    env?: Record<string, string>;
    stdin: BunStdio;
    stdout: BunStdio;
    stderr: BunStdio;
    detached?: boolean;
  }): BunSubprocess;
  env: Record<string, string | undefined>;
}

function bun(): BunSpawnNamespace {
  const ns = (globalThis as { Bun?: BunSpawnNamespace }).Bun;
  if (ns === undefined) throw new Error("the bun backend needs the Bun runtime");
  return ns;
}

function swallow(): void {}

function closedError(): Error {
  return new Error("the pipe is closed");
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * A Bun FileSink as a {@link RawWritePipe}.
 *
 * A FileSink buffers what `write` gives it and sends it only when its buffer is full or
 * on `flush()`, so every write is flushed at once (a child waiting for a line must get
 * it). While a flush is pending (the pipe is full) Bun returns a promise, and
 * `writable()` is false until it settles. A failed flush (EPIPE) is stored and thrown
 * by the next `write`.
 */
class BunSinkPipe implements RawWritePipe {
  readonly #sink: BunFileSink;
  readonly #writers = new Notifier();
  #pending = 0;
  #error: Error | null = null;
  #closing = false;
  #closed: Promise<void> | null = null;
  #aborted: () => void = swallow;

  constructor(sink: BunFileSink) {
    this.#sink = sink;
  }

  writable(): boolean {
    return this.#pending === 0 || this.#error !== null || this.#closing;
  }

  onWritable(ready: () => void): CancelWait {
    return this.#writers.add(ready);
  }

  write(data: Uint8Array): void {
    if (this.#error !== null) throw this.#error;
    if (this.#closing) throw closedError();
    if (data.byteLength === 0) return;
    let flushing: number | Promise<number> | undefined;
    try {
      const written = this.#sink.write(data);
      flushing = written instanceof Promise ? written : this.#sink.flush();
    } catch (err) {
      this.#error ??= asError(err);
      throw this.#error;
    }
    if (flushing instanceof Promise) {
      this.#pending++;
      flushing.then(
        () => this.#settle(null),
        (err: unknown) => this.#settle(asError(err)),
      );
    }
  }

  #settle(error: Error | null): void {
    this.#pending--;
    if (error !== null) this.#error ??= error;
    this.#writers.notify();
  }

  close(): Promise<void> {
    if (this.#closed !== null) return this.#closed;
    this.#closing = true;
    this.#writers.notify();
    const aborted = new Promise<void>((resolve) => (this.#aborted = resolve));
    let ending: number | Promise<number> | undefined;
    try {
      ending = this.#sink.end();
    } catch {
      ending = undefined; // closed already (Bun closes a child's pipes once it exits)
    }
    // end() flushes first; a child that never reads keeps it pending, which abort()
    // cuts short (Bun then closes the pipe when the child exits).
    this.#closed = Promise.race([Promise.resolve(ending).then(swallow, swallow), aborted]);
    return this.#closed;
  }

  abort(): void {
    if (this.#closed === null) void this.close();
    this.#aborted();
  }
}

function bunStdio(setting: StdioSetting | "stdout"): BunStdio {
  if (typeof setting === "object") return descriptorOf(setting, "bun");
  return setting === "stdout" ? "ignore" : setting; // mergeStderr replaced "stdout"
}

/** A Bun subprocess as a {@link RawProcess}; Bun reaps it when `exited` settles. */
class BunProcess extends ExitReport implements RawProcess {
  readonly pid: number;
  readonly stdin: RawWritePipe | null;
  readonly stdout: RawReadPipe | null;
  readonly stderr: RawReadPipe | null;
  readonly #child: BunSubprocess;

  constructor(child: BunSubprocess, settings: SpawnSettings) {
    super();
    this.#child = child;
    this.pid = child.pid;
    this.stdin = settings.stdin === "pipe" ? new BunSinkPipe(child.stdin!) : null;
    this.stdout = settings.stdout === "pipe" ? new WebReadPipe(child.stdout!) : null;
    this.stderr = settings.stderr === "pipe" ? new WebReadPipe(child.stderr!) : null;
    void child.exited.then(() => {
      this.reportExit(returncodeOf(child.exitCode, child.signalCode));
    });
  }

  kill(signal: number): void {
    if (this.returncode() !== null) return;
    try {
      this.#child.kill(signal);
    } catch {
      // Exited a moment ago; Bun has not settled `exited` yet.
    }
  }
}

/** Starts a child with Bun.spawn. */
function spawnBun(settings: SpawnSettings): Promise<RawProcess> {
  try {
    const ns = bun();
    const plan = mergeStderr(settings, bunProbe, ns.env.PATH);
    const child = ns.spawn({
      cmd: [...plan.argv],
      cwd: plan.cwd,
      // Bun.spawn replaces the environment with `env` when it is given.
      env: plan.env === undefined ? undefined : { ...plan.env },
      stdin: bunStdio(plan.stdin),
      stdout: bunStdio(plan.stdout),
      stderr: bunStdio(plan.stderr),
      detached: plan.startNewSession,
    });
    return Promise.resolve(new BunProcess(child, plan));
  } catch (err) {
    return Promise.reject(spawnFailure(err, settings, bunProbe));
  }
}

/** Builds the bun backend's ProcessBackend. */
export function createBunProcesses(): ProcessBackend {
  return {
    spawn: spawnBun,
  };
}
