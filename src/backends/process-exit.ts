/**
 * A child's end as every process backend reports it.
 *
 * @module
 */
import type { CancelWait } from "./net.ts";
import { Notifier } from "./notifier.ts";

/**
 * The return code of a child once its end is reported, and the callbacks waiting for
 * it: the part of {@link RawProcess} that is the same on every backend. A backend
 * calls `reportExit` once, from its runtime's exit event.
 */
export class ExitReport {
  readonly #waiters = new Notifier();
  #returncode: number | null = null;

  /** The return code, or null while the child runs (or its end is not reported yet). */
  returncode(): number | null {
    return this.#returncode;
  }

  /** Calls `ready` once the end is reported. */
  onExit(ready: () => void): CancelWait {
    return this.#waiters.add(ready);
  }

  /** Records the return code and wakes the waiters. */
  protected reportExit(returncode: number): void {
    this.#returncode = returncode;
    this.#waiters.notify();
  }
}
