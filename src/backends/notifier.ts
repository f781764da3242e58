/**
 * The callbacks waiting for one kind of readiness of a socket (readable, writable,
 * acceptable): registered one at a time by tasks, all called when it may have come.
 *
 * @module
 */
import type { CancelWait } from "./net.ts";

/**
 * Callbacks waiting for a readiness event. `notify()` calls each registered callback
 * once and forgets it; a waiter that still finds nothing ready registers again. A
 * spurious notify is harmless for that reason, so every event that might make an
 * operation possible (data, end, error, close) simply notifies.
 */
export class Notifier {
  #waiting: Array<() => void> = [];

  /** Registers `ready`; the returned function unregisters it (doing nothing once called). */
  add(ready: () => void): CancelWait {
    this.#waiting.push(ready);
    return () => {
      const index = this.#waiting.indexOf(ready);
      if (index !== -1) this.#waiting.splice(index, 1);
    };
  }

  /** Calls every registered callback once. Callbacks registered meanwhile wait for the next notify. */
  notify(): void {
    const waiting = this.#waiting;
    if (waiting.length === 0) return;
    this.#waiting = [];
    for (const ready of waiting) ready();
  }
}
