/**
 * The Deno adapter: Deno.* where Deno has a native API, web-standard globals otherwise.
 *
 * @module
 */
import type { Backend } from "./backend.ts";
import { installSignalHandlers } from "./signals.ts";
import { signalNumberOf } from "./signal-numbers.ts";
import { createDenoNet } from "./deno-net.ts";
import { createDenoFiles } from "./deno-files.ts";
import { createDenoFs } from "./deno-fs.ts";
import { createDenoProcesses } from "./deno-process.ts";
import { HandleTimer, keepAliveWithInterval, type TimerOps } from "./handle-timer.ts";

/** The slice of the Deno namespace this adapter uses (so no Deno type package is needed). */
interface DenoNamespace {
  version: { deno: string };
  refTimer(id: unknown): void;
  unrefTimer(id: unknown): void;
  addSignalListener(signal: string, handler: () => void): void;
  removeSignalListener(signal: string, handler: () => void): void;
  exitCode: number;
  exit(code: number): never;
  stderr: { writeSync(data: Uint8Array): number };
}

function deno(): DenoNamespace {
  const ns = (globalThis as { Deno?: DenoNamespace }).Deno;
  if (ns === undefined) throw new Error("the deno backend needs the Deno runtime");
  return ns;
}

/** Builds the Deno backend; throws when not running on Deno. */
export function createDenoBackend(): Backend {
  const ns = deno();
  const encoder = new TextEncoder();
  type DenoTimeout = ReturnType<typeof setTimeout>;
  const timerOps: TimerOps<DenoTimeout> = {
    set: (callback, delayMs) => setTimeout(callback, delayMs),
    clear: (handle) => clearTimeout(handle),
    ref: (handle) => ns.refTimer(handle),
    unref: (handle) => ns.unrefTimer(handle),
  };
  // Deno's setTimeout(fn, 0) is clamped to 4 ms once nested, as in browsers; Deno also
  // provides setImmediate as a global for Node compatibility, which is not clamped.
  const setImmediateFn = (globalThis as { setImmediate?: (cb: () => void) => unknown }).setImmediate;
  return {
    name: "deno",
    now: () => performance.now(),
    createTimer: (onFire) => new HandleTimer(timerOps, onFire),
    yieldMacrotask: setImmediateFn === undefined
      ? (callback) => void setTimeout(callback, 0)
      : (callback) => void setImmediateFn(callback),
    onSignals: (signals, handler) =>
      installSignalHandlers(signals, handler, (signal, listener) => ns.addSignalListener(signal, listener), (signal, listener) =>
        ns.removeSignalListener(signal, listener)),
    signalNumber: signalNumberOf,
    keepAlive: keepAliveWithInterval,
    setExitCode(code: number) {
      ns.exitCode = code;
    },
    exit(code: number): never {
      return ns.exit(code);
    },
    printError(text: string) {
      ns.stderr.writeSync(encoder.encode(text + "\n"));
    },
    net: createDenoNet(),
    files: createDenoFiles(),
    fs: createDenoFs(),
    processes: createDenoProcesses(),
  };
}
