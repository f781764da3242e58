/**
 * The node:* adapter. It runs on Node.js and, through their Node compatibility layers,
 * on Deno and Bun too (`run(fn, { backend: "node" })`).
 *
 * @module
 */
import process from "node:process";
import { performance } from "node:perf_hooks";
import { clearInterval, clearTimeout, setImmediate, setInterval, setTimeout } from "node:timers";
import type { Backend, BackendTimer, ShutdownSignal } from "./backend.ts";

/**
 * Node's setTimeout takes at most 2^31 - 1 ms; a longer delay is silently turned into
 * 1 ms. The timer queue re-arms when a timer fires before its deadline, so clamping here
 * is enough for deadlines of any length.
 */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

type NodeTimeout = ReturnType<typeof setTimeout>;

class NodeTimer implements BackendTimer {
  #handle: NodeTimeout | undefined;
  #ref = true;
  readonly #onFire: () => void;

  constructor(onFire: () => void) {
    this.#onFire = onFire;
  }

  arm(delayMs: number): void {
    if (this.#handle !== undefined) clearTimeout(this.#handle);
    this.#handle = setTimeout(this.#fire, Math.min(Math.max(0, delayMs), MAX_TIMER_DELAY));
    if (!this.#ref) this.#handle.unref();
  }

  setRef(ref: boolean): void {
    if (ref === this.#ref) return;
    this.#ref = ref;
    if (this.#handle === undefined) return;
    if (ref) this.#handle.ref();
    else this.#handle.unref();
  }

  disarm(): void {
    if (this.#handle !== undefined) clearTimeout(this.#handle);
    this.#handle = undefined;
  }

  #fire = (): void => {
    this.#handle = undefined;
    this.#onFire();
  };
}

/** Builds the node:* backend. */
export function createNodeBackend(): Backend {
  return {
    name: "node",
    now: () => performance.now(),
    createTimer: (onFire) => new NodeTimer(onFire),
    yieldMacrotask: (callback) => void setImmediate(callback),
    onSignals(signals: readonly ShutdownSignal[], handler: (signal: ShutdownSignal) => void) {
      const listener = (signal: NodeJS.Signals) => handler(signal as ShutdownSignal);
      for (const signal of signals) process.on(signal, listener);
      return () => {
        for (const signal of signals) process.off(signal, listener);
      };
    },
    keepAlive() {
      const handle = setInterval(() => {}, MAX_TIMER_DELAY);
      return () => clearInterval(handle);
    },
    setExitCode(code: number) {
      process.exitCode = code;
    },
    exit(code: number): never {
      process.exit(code);
    },
    printError(text: string) {
      process.stderr.write(text + "\n");
    },
  };
}
