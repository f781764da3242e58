/**
 * A running child process: AnyIO's `Process`.
 *
 * @module
 */
import type { Backend } from "../backends/backend.ts";
import type { RawProcess } from "../backends/process.ts";
import { CancelScope } from "../core/cancel-scope.ts";
import { raiseIfCancelled, waitForEvent, yieldPoint } from "../core/checkpoint.ts";
import { isCancelled } from "../core/errors.ts";
import type { AsyncResource } from "../streams/types.ts";
import type { ProcessCommand } from "./options.ts";
import { ProcessReceiveStream } from "./receive-stream.ts";
import { ProcessSendStream } from "./send-stream.ts";

/** The highest signal number any platform uses (Linux's real-time signals end at 64). */
const MAX_SIGNAL = 64;

/**
 * A child process started by {@link openProcess}, with its standard streams.
 *
 * - `stdin`, `stdout` and `stderr` are byte streams over the pipes to the child, or
 *   null for a stream that was not `"pipe"`.
 * - `wait()` waits for the child to exit and returns its return code: the exit status,
 *   or `-n` when signal `n` ended it (as in Python). Cancelling it kills the child
 *   (SIGKILL) and waits, shielded, until the child is gone, before raising `Cancelled`.
 * - `terminate()` (SIGTERM), `kill()` (SIGKILL) and `sendSignal()` signal the child; once
 *   it has exited they do nothing, so a recycled process id is never signalled.
 * - `aclose()` (and `await using`) closes the pipes and, if the child still runs, kills
 *   it (SIGKILL) and reaps it, shielded: leaving the block never leaves a process, a
 *   zombie or a pipe behind, and never waits on a child that would not end. To let the
 *   child finish on its own and learn its status, `await proc.wait()` before the block
 *   ends. (AnyIO's `aclose()` waits for the child instead, and kills only when
 *   cancelled.)
 *
 * @example
 * ```ts
 * import { openProcess } from "structio";
 *
 * await using proc = await openProcess(["cat"]);
 * await proc.stdin!.send(new TextEncoder().encode("hello"));
 * await proc.stdin!.aclose();
 * console.log(new TextDecoder().decode(await proc.stdout!.receive())); // "hello"
 * console.log(await proc.wait()); // 0 (without this wait, leaving the block would kill cat)
 * ```
 */
export class Process implements AsyncResource {
  /** The command as given to {@link openProcess}. */
  readonly args: ProcessCommand;
  /** The child's standard input, or null when it was not a pipe. */
  readonly stdin: ProcessSendStream | null;
  /** The child's standard output, or null when it was not a pipe. */
  readonly stdout: ProcessReceiveStream | null;
  /** The child's standard error, or null when it was not a pipe (or went to stdout). */
  readonly stderr: ProcessReceiveStream | null;
  readonly #raw: RawProcess;
  readonly #backend: Backend;
  #closed = false;

  /** @internal Made by openProcess. */
  constructor(raw: RawProcess, args: ProcessCommand, backend: Backend) {
    this.#raw = raw;
    this.#backend = backend;
    this.args = args;
    this.stdin = raw.stdin === null ? null : new ProcessSendStream(raw.stdin);
    this.stdout = raw.stdout === null ? null : new ProcessReceiveStream(raw.stdout);
    this.stderr = raw.stderr === null ? null : new ProcessReceiveStream(raw.stderr);
  }

  /** The child's process id. */
  get pid(): number {
    return this.#raw.pid;
  }

  /**
   * The return code once the child has exited (its exit status, or `-n` when signal
   * `n` ended it), null while it runs.
   */
  get returncode(): number | null {
    return this.#raw.returncode();
  }

  /**
   * Waits until the child exits and returns its return code. A checkpoint. Cancelled,
   * it kills the child (SIGKILL) and waits for it to be gone, shielded, then raises
   * `Cancelled`.
   *
   * It waits for the child only: output the child wrote and nobody received stays in
   * `stdout` and `stderr`. A child that writes more than a pipe holds (64 KiB on Linux)
   * blocks until someone receives it, so read its output concurrently (or use
   * {@link runProcess}).
   */
  async wait(): Promise<number> {
    const raw = this.#raw;
    try {
      const runner = raiseIfCancelled();
      let code = raw.returncode();
      if (code !== null) {
        await yieldPoint(runner);
        return code;
      }
      while ((code = raw.returncode()) === null) await waitForEvent((ready) => raw.onExit(ready));
      return code;
    } catch (err) {
      if (isCancelled(err)) await this.#killAndReap();
      throw err;
    }
  }

  /** Sends SIGTERM, asking the child to end. Does nothing once it has exited. */
  terminate(): void {
    this.sendSignal("SIGTERM");
  }

  /** Sends SIGKILL, ending the child at once. Does nothing once it has exited. */
  kill(): void {
    this.sendSignal("SIGKILL");
  }

  /**
   * Sends `signal` (a name such as `"SIGUSR1"`, or a number) to the child. Does nothing
   * once it has exited.
   *
   * @throws {TypeError} if `signal` is neither a string nor a number.
   * @throws {RangeError} if `signal` is not a signal this platform knows.
   */
  sendSignal(signal: string | number): void {
    let number: number | undefined;
    if (typeof signal === "string") {
      number = this.#backend.signalNumber(signal);
      if (number === undefined) throw new RangeError(`signal must be a signal name such as "SIGTERM", not ${JSON.stringify(signal)}`);
    } else if (typeof signal === "number") {
      if (!Number.isInteger(signal) || signal < 1 || signal > MAX_SIGNAL) {
        throw new RangeError(`signal must be a signal number from 1 to ${MAX_SIGNAL}, not ${signal}`);
      }
      number = signal;
    } else {
      throw new TypeError(`signal must be a signal name or number, not ${signal === null ? "null" : typeof signal}`);
    }
    this.#raw.kill(number);
  }

  /**
   * Closes the pipes and, if the child still runs, kills it (SIGKILL) and waits,
   * shielded, until it is reaped. Idempotent. It never raises `Cancelled`, so that
   * `await using` works in cancelled scopes (the next checkpoint raises it); the wait
   * for a killed child is short, since SIGKILL cannot be caught.
   */
  async aclose(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.stdin?.aclose();
    await this.stdout?.aclose();
    await this.stderr?.aclose();
    await this.#killAndReap();
  }

  /** The same as {@link Process.aclose}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }

  /**
   * Kills the child unless it has exited, and waits in a shielded scope until the
   * runtime reported its end (and so reaped it): SIGKILL cannot be caught, so the wait
   * is short.
   */
  async #killAndReap(): Promise<void> {
    const raw = this.#raw;
    if (raw.returncode() !== null) return;
    raw.kill(this.#backend.signalNumber("SIGKILL") ?? 9);
    await new CancelScope({ shield: true }).run(async () => {
      while (raw.returncode() === null) await waitForEvent((ready) => raw.onExit(ready));
    });
  }
}
