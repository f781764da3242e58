/**
 * A child's standard input as a byte send stream.
 *
 * @module
 */
import type { RawWritePipe } from "../backends/process.ts";
import { ClosedResourceError } from "../core/errors.ts";
import { closeResource } from "../net/acquire.ts";
import { Direction, sendWhenReady } from "../streams/readiness.ts";
import { TypedAttributeProvider } from "../streams/typed-attributes.ts";
import type { ByteSendStream } from "../streams/types.ts";
import { pipeBrokenBy } from "./receive-stream.ts";

/**
 * The parent's end of a pipe to a child's standard input: a {@link Process}'s `stdin`.
 * Never constructed directly.
 *
 * - `send(data)` waits while the pipe is full (the child is not reading), then hands
 *   `data` over whole. Do not change `data` afterwards: the runtime may still read it.
 * - A checkpoint; a cancelled send sends nothing.
 * - One task at a time may send; a second raises {@link BusyResourceError}. A child
 *   that closed its end (or exited) makes `send` raise {@link BrokenResourceError};
 *   use after `aclose()` raises {@link ClosedResourceError}.
 * - `aclose()` flushes what was sent and closes the pipe, so the child reads end of
 *   file. Cancelled, it closes the pipe at once, dropping what was not written yet.
 *
 * @example
 * ```ts
 * import { openProcess } from "structio";
 *
 * await using proc = await openProcess(["wc", "-l"]);
 * await proc.stdin!.send(new TextEncoder().encode("one\ntwo\n"));
 * await proc.stdin!.aclose(); // end of file: wc prints its count and exits
 * console.log(new TextDecoder().decode(await proc.stdout!.receive())); // "2\n"
 * ```
 */
export class ProcessSendStream extends TypedAttributeProvider implements ByteSendStream {
  readonly #raw: RawWritePipe;
  #closed = false;
  readonly #out: Direction<RawWritePipe>;

  /** @internal Made by openProcess. */
  constructor(raw: RawWritePipe) {
    super();
    this.#raw = raw;
    this.#out = new Direction(raw, this.#checkOpen, pipeBrokenBy);
  }

  /**
   * Sends all of `data`, waiting while the pipe is full.
   *
   * @throws {TypeError} if `data` is not a Uint8Array.
   * @throws {BusyResourceError} if another task is sending.
   * @throws {BrokenResourceError} if the child closed its end of the pipe.
   * @throws {ClosedResourceError} if this stream was closed.
   */
  send(data: Uint8Array): Promise<void> {
    return sendWhenReady(this.#out, data);
  }

  readonly #checkOpen = (): void => {
    if (this.#closed) throw new ClosedResourceError();
  };

  /**
   * Flushes what was sent and closes the pipe: the child reads end of file.
   * Idempotent. Never raises `Cancelled`: cancelled (or called in a cancelled scope),
   * it closes the pipe at once, dropping what the child did not read yet. A child that
   * stopped reading makes the flush wait; bound it with a timeout where that may happen.
   */
  async aclose(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const raw = this.#raw;
    await closeResource(raw.close(), () => raw.abort());
  }

  /** The same as {@link ProcessSendStream.aclose}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }
}
