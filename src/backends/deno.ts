/**
 * The Deno adapter: Deno.* where Deno has a native API, web-standard globals otherwise.
 *
 * @module
 */
import type { Backend, BackendTimer, ShutdownSignal } from "./backend.ts";
import { MAX_TIMER_DELAY } from "./node.ts";

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

class DenoTimer implements BackendTimer {
  #handle: ReturnType<typeof setTimeout> | undefined;
  #ref = true;
  readonly #onFire: () => void;
  readonly #deno: DenoNamespace;

  constructor(ns: DenoNamespace, onFire: () => void) {
    this.#deno = ns;
    this.#onFire = onFire;
  }

  arm(delayMs: number): void {
    if (this.#handle !== undefined) clearTimeout(this.#handle);
    this.#handle = setTimeout(this.#fire, Math.min(Math.max(0, delayMs), MAX_TIMER_DELAY));
    if (!this.#ref) this.#deno.unrefTimer(this.#handle);
  }

  setRef(ref: boolean): void {
    if (ref === this.#ref) return;
    this.#ref = ref;
    if (this.#handle === undefined) return;
    if (ref) this.#deno.refTimer(this.#handle);
    else this.#deno.unrefTimer(this.#handle);
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

/** Builds the Deno backend; throws when not running on Deno. */
export function createDenoBackend(): Backend {
  const ns = deno();
  const encoder = new TextEncoder();
  // Deno's setTimeout(fn, 0) is clamped to 4 ms once nested, as in browsers; Deno also
  // provides setImmediate as a global for Node compatibility, which is not clamped.
  const setImmediateFn = (globalThis as { setImmediate?: (cb: () => void) => unknown }).setImmediate;
  return {
    name: "deno",
    now: () => performance.now(),
    createTimer: (onFire) => new DenoTimer(ns, onFire),
    yieldMacrotask: setImmediateFn === undefined
      ? (callback) => void setTimeout(callback, 0)
      : (callback) => void setImmediateFn(callback),
    onSignals(signals: readonly ShutdownSignal[], handler: (signal: ShutdownSignal) => void) {
      const listeners = signals.map((signal) => [signal, () => handler(signal)] as const);
      for (const [signal, listener] of listeners) ns.addSignalListener(signal, listener);
      return () => {
        for (const [signal, listener] of listeners) ns.removeSignalListener(signal, listener);
      };
    },
    keepAlive() {
      const handle = setInterval(() => {}, MAX_TIMER_DELAY);
      return () => clearInterval(handle);
    },
    setExitCode(code: number) {
      ns.exitCode = code;
    },
    exit(code: number): never {
      return ns.exit(code);
    },
    printError(text: string) {
      ns.stderr.writeSync(encoder.encode(text + "\n"));
    },
  };
}
