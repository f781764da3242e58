/**
 * Resource guards: catching two tasks using a one-user-at-a-time resource at once.
 *
 * @module
 */
import { BusyResourceError } from "../core/errors.ts";
import { checkFunction } from "./checks.ts";

/**
 * Guards a resource that must never be used by two tasks at once, such as the receiving
 * side of a socket: a second use while the first is running is a bug, so it fails at once
 * with {@link BusyResourceError} instead of waiting (use a {@link Lock} to wait).
 *
 * The guard is not a checkpoint and does not care which task uses it; it only knows
 * whether a use is in progress. A guard can be made anywhere, also outside `run()`.
 *
 * @example
 * ```ts
 * import { ResourceGuard } from "structio";
 *
 * class Connection {
 *   readonly #receiving = new ResourceGuard("reading from this connection");
 *
 *   receive(): Promise<Uint8Array> {
 *     // A second concurrent receive() raises BusyResourceError:
 *     // "another task is already reading from this connection"
 *     return this.#receiving.use(() => this.#readChunk());
 *   }
 *
 *   async #readChunk(): Promise<Uint8Array> {
 *     return new Uint8Array();
 *   }
 * }
 * ```
 */
export class ResourceGuard {
  /** What the guarded use is, as the error says: "another task is already {action}". */
  readonly action: string;
  #busy = false;

  /** @param action what a use is called in the error (default "using this resource"). */
  constructor(action = "using this resource") {
    if (typeof action !== "string") throw new TypeError(`action must be a string, not ${typeof action}`);
    this.action = action;
  }

  /** Whether a use is in progress. */
  get busy(): boolean {
    return this.#busy;
  }

  /**
   * Runs `fn` as the one use of the resource and returns its result; the guard is free
   * again however `fn` ends. Raises {@link BusyResourceError} if a use is already in
   * progress (before calling `fn`).
   */
  async use<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    checkFunction(fn, "fn");
    if (this.#busy) throw new BusyResourceError(this.action);
    this.#busy = true;
    try {
      return await fn();
    } finally {
      this.#busy = false;
    }
  }
}
