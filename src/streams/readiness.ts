/**
 * Receiving from and sending to a readiness-based raw channel (a socket, a pipe to a
 * child): the one loop behind SocketStream and the process streams.
 *
 * @module
 */
import { type CancelWait, EOF } from "../backends/net.ts";
import { raiseIfCancelled, waitForEvent, yieldPoint } from "../core/checkpoint.ts";
import { EndOfStream } from "../core/errors.ts";

/** The reading side of a raw channel, as backends provide it. */
export interface ReadReadiness {
  /** Takes 1 to `maxBytes` bytes, or null when none are there yet, or EOF at the end. */
  tryRead(maxBytes: number): Uint8Array | null | typeof EOF;
  /** Calls `ready` once (never during this call) when `tryRead` may return non-null. */
  onReadable(ready: () => void): CancelWait;
}

/** The writing side of a raw channel, as backends provide it. */
export interface WriteReadiness {
  /** Whether `write` may be called now. */
  writable(): boolean;
  /** Calls `ready` once (never during this call) when `writable()` may have turned true. */
  onWritable(ready: () => void): CancelWait;
  /** Hands all of `data` over, synchronously. */
  write(data: Uint8Array): void;
}

/**
 * Receives 1 to `maxBytes` bytes from `raw`, as a checkpoint: raises Cancelled before
 * taking anything, or while waiting for readiness (the only place a cancellation can
 * land); once bytes are taken they are returned (completion wins). `checkOpen` runs
 * before every attempt and throws if the owner was closed meanwhile; `broken` turns a
 * runtime error of `tryRead` into the error to raise. The caller keeps out a second
 * concurrent receive.
 *
 * @throws {EndOfStream} at the end of the channel.
 */
export async function receiveWhenReady(
  raw: ReadReadiness,
  maxBytes: number,
  checkOpen: () => void,
  broken: (err: unknown) => Error,
): Promise<Uint8Array> {
  const runner = raiseIfCancelled();
  for (let waited = false;; waited = true) {
    checkOpen();
    let chunk: Uint8Array | null | typeof EOF;
    try {
      chunk = raw.tryRead(maxBytes);
    } catch (err) {
      throw broken(err);
    }
    if (chunk !== null) {
      // Still a checkpoint when nothing had to be waited for: yield, but without
      // raising, since the bytes are taken (a cancellation that came meanwhile is
      // raised by the next checkpoint). A receive that waited had its checkpoint there.
      if (!waited) await yieldPoint(runner);
      if (chunk === EOF) throw new EndOfStream();
      return chunk;
    }
    await waitForEvent((ready) => raw.onReadable(ready));
  }
}

/**
 * Sends all of `data` to `raw` once it is writable, as a checkpoint: raises Cancelled
 * before handing anything over, or while waiting for readiness; once handed over, the
 * send is complete. `checkOpen` and `broken` are as for {@link receiveWhenReady}.
 */
export async function sendWhenReady(
  raw: WriteReadiness,
  data: Uint8Array,
  checkOpen: () => void,
  broken: (err: unknown) => Error,
): Promise<void> {
  const runner = raiseIfCancelled();
  for (let waited = false;; waited = true) {
    checkOpen();
    if (raw.writable()) {
      try {
        raw.write(data);
      } catch (err) {
        throw broken(err);
      }
      // The bytes are handed over first, so they leave at once; the yield that makes
      // this a checkpoint comes after, and does not raise, since the send is complete.
      if (!waited) await yieldPoint(runner);
      return;
    }
    await waitForEvent((ready) => raw.onWritable(ready));
  }
}
