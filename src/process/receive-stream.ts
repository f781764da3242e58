/**
 * A child's standard output or standard error as a byte receive stream.
 *
 * @module
 */
import type { RawReadPipe } from "../backends/process.ts";
import { BrokenResourceError, ClosedResourceError } from "../core/errors.ts";
import { closeResource } from "../net/acquire.ts";
import { DEFAULT_MAX_BYTES } from "../streams/checks.ts";
import { receiveUntilEnd } from "../streams/iterate.ts";
import { Direction, receiveWhenReady } from "../streams/readiness.ts";
import { TypedAttributeProvider } from "../streams/typed-attributes.ts";
import type { ByteReceiveStream } from "../streams/types.ts";

/** Reports a failed read from a child's pipe as a broken stream. */
export function pipeBrokenBy(err: unknown): BrokenResourceError {
  const reason = err instanceof Error ? err.message : String(err);
  return new BrokenResourceError(`the pipe broke: ${reason}`, { cause: err });
}

/**
 * The parent's end of a pipe from a child's standard output or standard error: a
 * {@link Process}'s `stdout` and `stderr`. Never constructed directly.
 *
 * - `receive(maxBytes)` returns between 1 and `maxBytes` bytes as the child writes
 *   them, and raises {@link EndOfStream} once the child (and every process it passed
 *   the pipe on to) closed it, which normally happens when it exits.
 * - A checkpoint; a cancelled receive takes nothing (the bytes move in one synchronous
 *   step after the wait, which is where cancellation lands).
 * - One task at a time may receive; a second raises {@link BusyResourceError}. Use
 *   after `aclose()` raises {@link ClosedResourceError}, also in a task that was
 *   waiting when it closed.
 * - `aclose()` drops what was not received and closes the pipe; a child that writes
 *   more then gets EPIPE (or SIGPIPE).
 *
 * @example
 * ```ts
 * import { openProcess } from "structio";
 *
 * await using proc = await openProcess(["ls", "/"], { stdin: "ignore" });
 * for await (const chunk of proc.stdout!) console.log(new TextDecoder().decode(chunk));
 * await proc.wait();
 * ```
 */
export class ProcessReceiveStream extends TypedAttributeProvider implements ByteReceiveStream {
  readonly #raw: RawReadPipe;
  #closed = false;
  readonly #in: Direction<RawReadPipe>;

  /** @internal Made by openProcess. */
  constructor(raw: RawReadPipe) {
    super();
    this.#raw = raw;
    this.#in = new Direction(raw, this.#checkOpen, pipeBrokenBy);
  }

  /**
   * Receives between 1 and `maxBytes` bytes (default 65536).
   *
   * @throws {RangeError} if `maxBytes` is not a whole number >= 1.
   * @throws {EndOfStream} once the pipe was closed by the child and everything was received.
   * @throws {BusyResourceError} if another task is receiving.
   * @throws {BrokenResourceError} if reading from the pipe failed.
   * @throws {ClosedResourceError} if this stream was closed.
   */
  receive(maxBytes: number = DEFAULT_MAX_BYTES): Promise<Uint8Array> {
    return receiveWhenReady(this.#in, maxBytes);
  }

  /**
   * Receives between 1 and `buffer.byteLength` bytes into `buffer` and returns how
   * many: `receive()` without a new array per call. A cancelled call writes nothing
   * into `buffer`.
   *
   * @throws {TypeError} if `buffer` is not a Uint8Array.
   * @throws {RangeError} if `buffer` is empty.
   * @throws {EndOfStream} once the pipe was closed by the child and everything was received.
   * @throws {BusyResourceError} if another task is receiving.
   * @throws {BrokenResourceError} if reading from the pipe failed.
   * @throws {ClosedResourceError} if this stream was closed.
   *
   * @example
   * ```ts
   * import { EndOfStream, openProcess } from "structio";
   *
   * await using proc = await openProcess(["seq", "100000"], { stdin: "ignore" });
   * const buffer = new Uint8Array(16384);
   * let lines = 0;
   * try {
   *   for (;;) {
   *     const n = await proc.stdout!.receiveInto(buffer);
   *     for (let i = 0; i < n; i++) if (buffer[i] === 10) lines++;
   *   }
   * } catch (err) {
   *   if (!(err instanceof EndOfStream)) throw err;
   * }
   * await proc.wait();
   * console.log(lines); // 100000
   * ```
   */
  receiveInto(buffer: Uint8Array): Promise<number> {
    return receiveWhenReady(this.#in, buffer);
  }

  readonly #checkOpen = (): void => {
    if (this.#closed) throw new ClosedResourceError();
  };

  /**
   * Closes the pipe, dropping what was not received. Idempotent; never raises
   * `Cancelled` (so that `await using` works in cancelled scopes).
   */
  async aclose(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await closeResource(this.#raw.close(), () => {});
  }

  /** The same as {@link ProcessReceiveStream.aclose}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }

  /** Receives chunks until end of stream. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return receiveUntilEnd(this);
  }
}
