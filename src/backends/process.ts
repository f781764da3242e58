/**
 * The subprocess part of the Backend interface: what every adapter (node, deno, bun)
 * offers for starting a child process, talking to it through pipes, signalling it and
 * learning how it ended. The front ends in `src/process/` add argument checks,
 * checkpoints, cancellation and the stream classes on top.
 *
 * The pipes follow the shape of the sockets in `net.ts`, so that cancellation can never
 * lose data: a *readiness wait* (`onReadable`, `onWritable`, `onExit`) that can be
 * abandoned at any moment without effect, then a *synchronous transfer* (`tryRead`,
 * `write`, `returncode`) that happens whole or not at all. A cancelled receive takes
 * nothing and a cancelled send sends nothing.
 *
 * @module
 */
import type { RawFile } from "./files.ts";
import type { CancelWait, EOF } from "./net.ts";

export { type CancelWait, EOF } from "./net.ts";

/**
 * How one standard stream of a child is connected:
 * - `"pipe"`: a new pipe, whose other end the parent reads or writes;
 * - `"inherit"`: the parent's own descriptor (0, 1 or 2);
 * - `"ignore"`: /dev/null;
 * - `{ fd }`: an open file descriptor of the parent (a file, a pipe, a socket);
 * - `{ file }`: a file opened through the backend's files API whose descriptor
 *   the runtime does not show (Deno). The child must be the only user of the file
 *   until it exits.
 */
export type StdioSetting = "pipe" | "inherit" | "ignore" | { readonly fd: number } | { readonly file: RawFile };

/** What {@link ProcessBackend.spawn} starts, with every option checked by the front end. */
export interface SpawnSettings {
  /**
   * The program and its arguments, never empty. A program name without a "/" is looked
   * up on the PATH of the child's environment; no shell is involved (the front end puts
   * `/bin/sh -c` in front of a shell command itself).
   */
  readonly argv: readonly string[];
  readonly stdin: StdioSetting;
  readonly stdout: StdioSetting;
  /** `"stdout"` sends the child's standard error wherever its standard output goes. */
  readonly stderr: StdioSetting | "stdout";
  /** The child's working directory (default: the parent's). */
  readonly cwd?: string;
  /** The child's whole environment (default: a copy of the parent's). */
  readonly env?: Readonly<Record<string, string>>;
  /** Runs the child in a new session (setsid), detached from the parent's terminal. */
  readonly startNewSession: boolean;
}

/**
 * The parent's end of a pipe from a child's standard output or error.
 *
 * A backend reads ahead into a bounded buffer (64 KiB) and stops reading while it is
 * full, so a child that writes more than anyone reads blocks in its write, as with any
 * pipe, and the parent's memory stays bounded.
 */
export interface RawReadPipe {
  /**
   * Takes between 1 and `maxBytes` bytes read from the pipe, or returns null when none
   * are buffered yet, or {@link EOF} once every writer closed its end and all was taken.
   * Throws a read error once it is known (after the bytes read before it).
   */
  tryRead(maxBytes: number): Uint8Array | null | typeof EOF;
  /**
   * Calls `ready` once (never during this call) when `tryRead` may return something
   * other than null, or when the pipe is closed.
   */
  onReadable(ready: () => void): CancelWait;
  /**
   * Stops reading, drops what is buffered and releases the descriptor. Resolves once
   * the runtime let go of it; wakes every readiness waiter. Idempotent.
   */
  close(): Promise<void>;
}

/** The parent's end of a pipe to a child's standard input. */
export interface RawWritePipe {
  /** Whether `write` may be called now without buffering past the high-water mark. */
  writable(): boolean;
  /**
   * Calls `ready` once (never during this call) when `writable()` may have become true,
   * or the pipe failed or was closed.
   */
  onWritable(ready: () => void): CancelWait;
  /**
   * Hands all of `data` to the runtime, which may keep a reference to it until it is
   * written. Throws if the pipe failed (EPIPE once the child closed its end) or closed.
   */
  write(data: Uint8Array): void;
  /**
   * Flushes what was written, then closes the pipe, so the child reads end of file.
   * Resolves once the descriptor is released, also when the flush failed, or when
   * `abort()` cut it short. Idempotent.
   */
  close(): Promise<void>;
  /**
   * Drops unwritten bytes and releases the pipe, and makes a pending `close()` resolve
   * at once. Wakes every readiness waiter. (Deno's and Bun's pipe writers cannot
   * interrupt a write the child does not read: there the runtime lets the descriptor go
   * when that write fails, at the latest when the child exits, which is why the front
   * end kills a child before it waits for it on cancellation.)
   */
  abort(): void;
}

/**
 * A started child process. The runtime reaps it on its own once it exits (no zombie is
 * left once `returncode()` is known); the pipes stay open until they are closed.
 */
export interface RawProcess {
  readonly pid: number;
  /** Present when stdin was `"pipe"`. */
  readonly stdin: RawWritePipe | null;
  /** Present when stdout was `"pipe"`. */
  readonly stdout: RawReadPipe | null;
  /** Present when stderr was `"pipe"`. */
  readonly stderr: RawReadPipe | null;
  /**
   * The exit code, or `-n` when signal number `n` ended the child (as Python reports
   * it); null while the child runs or its end has not been reported yet.
   */
  returncode(): number | null;
  /** Calls `ready` once (never during this call) when `returncode()` may be known. */
  onExit(ready: () => void): CancelWait;
  /**
   * Sends signal number `signal` (see `Backend.signalNumber`) to the
   * child. Does nothing once the child's end was reported, so a recycled process id is
   * never signalled.
   */
  kill(signal: number): void;
}

/**
 * The subprocess adapter of one runtime.
 *
 * Every adapter honours every setting: where the runtime cannot do something directly
 * (hand a descriptor to a child, send standard error into the standard output pipe),
 * the adapter does it another way and says so next to the code, or rejects with an
 * error naming the runtime and the setting.
 */
export interface ProcessBackend {
  /**
   * Starts a child. Resolves once it runs; rejects, leaving nothing open, with an error
   * carrying the POSIX name as `code` when it could not be started: ENOENT when the
   * program (or `cwd`) does not exist, EACCES when it is not executable.
   */
  spawn(settings: SpawnSettings): Promise<RawProcess>;
}
