/**
 * The node:* adapter. It runs on Node.js and, through their Node compatibility layers,
 * on Deno and Bun too (`run(fn, { backend: "node" })`).
 *
 * @module
 */
import process from "node:process";
import { performance } from "node:perf_hooks";
import { clearTimeout, setImmediate, setTimeout } from "node:timers";
import type { Backend } from "./backend.ts";
import { installSignalHandlers } from "./signals.ts";
import { signalNumberOf } from "./signal-numbers.ts";
import { createNodeNet } from "./node-net.ts";
import { createNodeFiles } from "./node-files.ts";
import { createNodeFs } from "./node-fs.ts";
import { createNodeProcesses } from "./node-process.ts";
import { HandleTimer, keepAliveWithInterval, type TimerOps } from "./handle-timer.ts";

type NodeTimeout = ReturnType<typeof setTimeout>;

const nodeTimerOps: TimerOps<NodeTimeout> = {
  set: (callback, delayMs) => setTimeout(callback, delayMs),
  clear: (handle) => clearTimeout(handle),
  ref: (handle) => void handle.ref(),
  unref: (handle) => void handle.unref(),
};

/** Builds the node:* backend. */
export function createNodeBackend(): Backend {
  return {
    name: "node",
    now: () => performance.now(),
    createTimer: (onFire) => new HandleTimer(nodeTimerOps, onFire),
    yieldMacrotask: (callback) => void setImmediate(callback),
    onSignals: (signals, handler) =>
      installSignalHandlers(signals, handler, (signal, listener) => process.on(signal, listener), (signal, listener) =>
        process.off(signal, listener)),
    signalNumber: signalNumberOf,
    keepAlive: keepAliveWithInterval,
    setExitCode(code: number) {
      process.exitCode = code;
    },
    exit(code: number): never {
      process.exit(code);
    },
    printError(text: string) {
      process.stderr.write(text + "\n");
    },
    net: createNodeNet(),
    files: createNodeFiles(),
    fs: createNodeFs(),
    processes: createNodeProcesses(),
  };
}
