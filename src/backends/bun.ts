/**
 * The Bun adapter: Bun.* where Bun has a native API. Bun has no native signal or exit
 * API, so those go through its `process` global, which is Bun's own implementation.
 *
 * @module
 */
import type { Backend, BackendTimer, ShutdownSignal } from "./backend.ts";
import { MAX_TIMER_DELAY } from "./node.ts";

/** The slice of the Bun namespace this adapter uses (so no Bun type package is needed). */
interface BunNamespace {
  version: string;
  nanoseconds(): number;
}

interface BunTimeout {
  ref(): void;
  unref(): void;
}

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

class BunTimer implements BackendTimer {
  #handle: BunTimeout | undefined;
  #ref = true;
  readonly #onFire: () => void;

  constructor(onFire: () => void) {
    this.#onFire = onFire;
  }

  arm(delayMs: number): void {
    if (this.#handle !== undefined) clearTimeout(this.#handle as never);
    const handle = setTimeout(this.#fire, Math.min(Math.max(0, delayMs), MAX_TIMER_DELAY));
    this.#handle = handle as unknown as BunTimeout;
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
    if (this.#handle !== undefined) clearTimeout(this.#handle as never);
    this.#handle = undefined;
  }

  #fire = (): void => {
    this.#handle = undefined;
    this.#onFire();
  };
}

/** Builds the Bun backend; throws when not running on Bun. */
export function createBunBackend(): Backend {
  const { ns, proc } = bun();
  const setImmediateFn = (globalThis as unknown as { setImmediate: (cb: () => void) => unknown })
    .setImmediate;
  return {
    name: "bun",
    now: () => ns.nanoseconds() / 1e6,
    createTimer: (onFire) => new BunTimer(onFire),
    yieldMacrotask: (callback) => void setImmediateFn(callback),
    onSignals(signals: readonly ShutdownSignal[], handler: (signal: ShutdownSignal) => void) {
      const listeners = signals.map((signal) => [signal, () => handler(signal)] as const);
      for (const [signal, listener] of listeners) proc.on(signal, listener);
      return () => {
        for (const [signal, listener] of listeners) proc.off(signal, listener);
      };
    },
    keepAlive() {
      const handle = setInterval(() => {}, MAX_TIMER_DELAY);
      return () => clearInterval(handle);
    },
    setExitCode(code: number) {
      proc.exitCode = code;
    },
    exit(code: number): never {
      return proc.exit(code);
    },
    printError(text: string) {
      console.error(text);
    },
  };
}
