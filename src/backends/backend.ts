/**
 * The one interface every runtime adapter implements. The core never touches a runtime
 * API; it asks the backend. Each kind of I/O has an interface of its own (`net.ts`),
 * reached through a property of the backend.
 *
 * @module
 */

import type { FileBackend } from "./files.ts";
import type { FsBackend } from "./fs.ts";
import type { NetBackend } from "./net.ts";
import type { ProcessBackend } from "./process.ts";
import type { SignalName } from "./signals.ts";

/** The names of the runtimes structio runs on, and of their adapters. */
export type RuntimeName = "node" | "deno" | "bun";

/** The signals `main()` listens to. */
export type ShutdownSignal = "SIGINT" | "SIGTERM";

export type { SignalName } from "./signals.ts";

/**
 * The single runtime timer that drives the library's timer queue. The queue keeps every
 * deadline and sleep in a heap of its own and arms this timer for the earliest one, so
 * entering and leaving a timeout scope costs no runtime timer.
 */
export interface BackendTimer {
  /** Fires the callback once, `delayMs` from now, replacing any earlier arming. */
  arm(delayMs: number): void;
  /** Keep (true) or stop keeping (false) the process alive while armed. */
  setRef(ref: boolean): void;
  /** Disarms the timer; it will not fire until armed again. */
  disarm(): void;
}

/**
 * A runtime adapter.
 *
 * @example
 * ```ts
 * import { getBackend } from "structio";
 *
 * const backend = getBackend();
 * console.log(backend.name, backend.now());
 * ```
 */
export interface Backend {
  /** The adapter's name: which native API family it uses. */
  readonly name: RuntimeName;
  /** A monotonic clock in milliseconds (fractions allowed). */
  now(): number;
  /** Makes the one timer that drives a timer queue. */
  createTimer(onFire: () => void): BackendTimer;
  /** Runs `callback` in a later macrotask, after pending I/O and timers had a turn. */
  yieldMacrotask(callback: () => void): void;
  /**
   * Calls `handler` when the process receives one of `signals`, and returns a function
   * that removes the handler again (restoring the runtime's default behaviour once no
   * other handler is left for a signal). Handlers installed for the same signal all run.
   */
  onSignals(signals: readonly SignalName[], handler: (signal: SignalName) => void): () => void;
  /** The number of signal `name` on this platform, or undefined if it has none. */
  signalNumber(name: string): number | undefined;
  /**
   * Keeps the process alive until the returned function is called. A program waiting
   * only for signals (a server waiting for Ctrl-C) holds no other handle, and runtimes
   * end a process with nothing but pending promises.
   */
  keepAlive(): () => void;
  /** Sets the status the process exits with once it ends on its own. */
  setExitCode(code: number): void;
  /** Ends the process at once. */
  exit(code: number): never;
  /** Writes a line to standard error. */
  printError(text: string): void;
  /** Sockets, TLS and DNS. */
  readonly net: NetBackend;
  /** Opening files, and reading and writing through them. */
  readonly files: FileBackend;
  /** Filesystem operations on paths. */
  readonly fs: FsBackend;
  /** Subprocesses. */
  readonly processes: ProcessBackend;
}
