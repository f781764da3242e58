/**
 * The Bun adapter: Bun.* where Bun has a native API. Bun has no native signal or exit
 * API, so those go through its `process` global, which is Bun's own implementation.
 *
 * @module
 */
import type { Backend } from "./backend.ts";
import { installSignalHandlers } from "./signals.ts";
import { signalNumberOf } from "./signal-numbers.ts";
import { createBunNet } from "./bun-net.ts";
import { createBunFiles } from "./bun-files.ts";
import { createBunFs } from "./bun-fs.ts";
import { createBunProcesses } from "./bun-process.ts";
import { HandleTimer, keepAliveWithInterval, type TimerOps } from "./handle-timer.ts";

/** The slice of the Bun namespace this adapter uses (so no Bun type package is needed). */
interface BunNamespace {
  version: string;
  nanoseconds(): number;
}

interface BunTimeout {
  ref(): void;
  unref(): void;
}

const bunTimerOps: TimerOps<BunTimeout> = {
  set: (callback, delayMs) => setTimeout(callback, delayMs) as unknown as BunTimeout,
  clear: (handle) => clearTimeout(handle as never),
  ref: (handle) => handle.ref(),
  unref: (handle) => handle.unref(),
};

interface BunProcess {
  on(signal: string, handler: () => void): void;
  off(signal: string, handler: () => void): void;
  exitCode: number | undefined;
  exit(code: number): never;
}

function bun(): { ns: BunNamespace; proc: BunProcess } {
  const g = globalThis as { Bun?: BunNamespace; process?: BunProcess };
  if (g.Bun === undefined || g.process === undefined) {
    throw new Error("the bun backend needs the Bun runtime");
  }
  return { ns: g.Bun, proc: g.process };
}

/** Builds the Bun backend; throws when not running on Bun. */
export function createBunBackend(): Backend {
  const { ns, proc } = bun();
  const setImmediateFn = (globalThis as unknown as { setImmediate: (cb: () => void) => unknown })
    .setImmediate;
  return {
    name: "bun",
    now: () => ns.nanoseconds() / 1e6,
    createTimer: (onFire) => new HandleTimer(bunTimerOps, onFire),
    yieldMacrotask: (callback) => void setImmediateFn(callback),
    onSignals: (signals, handler) =>
      installSignalHandlers(signals, handler, (signal, listener) => proc.on(signal, listener), (signal, listener) =>
        proc.off(signal, listener)),
    signalNumber: signalNumberOf,
    keepAlive: keepAliveWithInterval,
    setExitCode(code: number) {
      proc.exitCode = code;
    },
    exit(code: number): never {
      return proc.exit(code);
    },
    printError(text: string) {
      console.error(text);
    },
    net: createBunNet(),
    files: createBunFiles(),
    fs: createBunFs(),
    processes: createBunProcesses(),
  };
}
