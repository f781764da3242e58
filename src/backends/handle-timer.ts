/**
 * The one timer class behind every adapter. Runtimes differ only in how a timer handle
 * is made, cleared and (un)ref'd, so each adapter passes those four operations.
 *
 * @module
 */
import type { BackendTimer } from "./backend.ts";

/**
 * Most runtimes take at most 2^31 - 1 ms in setTimeout and treat a longer delay as 1 ms.
 * The timer queue re-arms when a timer fires before its deadline, so clamping here is
 * enough for deadlines of any length.
 */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

/** How one runtime makes, clears and (un)refs a timer handle. */
export interface TimerOps<H> {
  set(callback: () => void, delayMs: number): H;
  clear(handle: H): void;
  ref(handle: H): void;
  unref(handle: H): void;
}

/** A BackendTimer over a runtime's timer handles. */
export class HandleTimer<H> implements BackendTimer {
  #handle: H | undefined;
  #ref = true;
  readonly #ops: TimerOps<H>;
  readonly #onFire: () => void;

  constructor(ops: TimerOps<H>, onFire: () => void) {
    this.#ops = ops;
    this.#onFire = onFire;
  }

  arm(delayMs: number): void {
    if (this.#handle !== undefined) this.#ops.clear(this.#handle);
    this.#handle = this.#ops.set(this.#fire, Math.min(Math.max(0, delayMs), MAX_TIMER_DELAY));
    if (!this.#ref) this.#ops.unref(this.#handle);
  }

  setRef(ref: boolean): void {
    if (ref === this.#ref) return;
    this.#ref = ref;
    if (this.#handle === undefined) return;
    if (ref) this.#ops.ref(this.#handle);
    else this.#ops.unref(this.#handle);
  }

  disarm(): void {
    if (this.#handle !== undefined) this.#ops.clear(this.#handle);
    this.#handle = undefined;
  }

  #fire = (): void => {
    this.#handle = undefined;
    this.#onFire();
  };
}

/**
 * Keeps the process alive until the returned function is called: an idle interval is the
 * one keep-alive handle that all three runtimes have.
 */
export function keepAliveWithInterval(): () => void {
  const handle = setInterval(() => {}, MAX_TIMER_DELAY);
  return () => clearInterval(handle);
}
