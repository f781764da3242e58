/**
 * Receiving from and sending to a readiness-based raw channel (a socket, a pipe to a
 * child): the one loop behind SocketStream and the process streams.
 *
 * @module
 */
import { type CancelWait, EOF } from "../backends/net.ts";
import { raiseIfCancelled, waitForEvent, yieldPoint } from "../core/checkpoint.ts";
import { BusyResourceError, EndOfStream } from "../core/errors.ts";
import { checkBytes, checkIntoBuffer, checkMaxBytes } from "./checks.ts";

/** The reading side of a raw channel, as backends provide it. */
export interface ReadReadiness {
  /** Takes 1 to `maxBytes` bytes, or null when none are there yet, or EOF at the end. */
  tryRead(maxBytes: number): Uint8Array | null | typeof EOF;
  /**
   * Copies 1 to `buffer.byteLength` bytes into `buffer` and returns how many, or null
   * or EOF as `tryRead` does. Optional: a channel that reads into buffers of its own
   * implements it to reuse them once copied out; without it, the bytes `tryRead`
   * returns are copied.
   */
  tryReadInto?(buffer: Uint8Array): number | null | typeof EOF;
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
 * One direction of a stream over a raw channel: the channel, whether a task is using
 * that direction now, and how the owning stream checks and reports.
 *
 * The owner's `receive`/`send` is nothing but a call of {@link receiveWhenReady} or
 * {@link sendWhenReady} with its direction, so that each operation is one async
 * function: a wrapping async method would add a promise and turns of the microtask
 * queue to every chunk, about a quarter of the front end's cost on a round trip.
 */
export class Direction<R> {
  /** Set while a task receives (or sends) in this direction: a second one is refused. */
  busy = false;
  /** The raw channel. */
  readonly raw: R;
  /** Throws if the owner may not use this direction any more (closed, EOF sent). */
  readonly checkOpen: () => void;
  /** Turns a runtime error of the channel into the error to raise. */
  readonly broken: (err: unknown) => Error;

  constructor(raw: R, checkOpen: () => void, broken: (err: unknown) => Error) {
    this.raw = raw;
    this.checkOpen = checkOpen;
    this.broken = broken;
  }

  /**
   * Checks that the owner may still use this direction and that no other task does,
   * then marks it busy; the caller clears `busy` in a `finally`. A plain method, called
   * from inside the async receive or send, so a refusal is still a rejection.
   *
   * @throws {BusyResourceError} naming `activity` if another task is using it.
   */
  claim(activity: string): void {
    this.checkOpen();
    if (this.busy) throw new BusyResourceError(activity);
    this.busy = true;
  }
}

/**
 * Receives 1 to `maxBytes` bytes from the channel, or (given a buffer) copies 1 to
 * `buffer.byteLength` bytes into it and returns how many, as a checkpoint: raises
 * Cancelled before taking anything, or while waiting for readiness (the only place a
 * cancellation can land); once bytes are taken they are returned (completion wins), so
 * a cancelled receive leaves both the channel and the buffer as they were. `checkOpen`
 * runs before every attempt, so a stream closed while a task waited raises its closed
 * error there.
 *
 * The two forms are one function rather than two copies of the loop; the one branch on
 * the argument's type costs nothing measurable next to the rest.
 *
 * @throws {TypeError | RangeError} if `maxBytes` is not a whole number >= 1, or `buffer`
 *   not a Uint8Array of at least 1 byte.
 * @throws {BusyResourceError} if another task is receiving in this direction.
 * @throws {EndOfStream} at the end of the channel.
 */
export function receiveWhenReady(side: Direction<ReadReadiness>, maxBytes: number): Promise<Uint8Array>;
export function receiveWhenReady(side: Direction<ReadReadiness>, buffer: Uint8Array): Promise<number>;
export async function receiveWhenReady(
  side: Direction<ReadReadiness>,
  want: number | Uint8Array,
): Promise<Uint8Array | number> {
  if (typeof want === "number") want = checkMaxBytes(want);
  else checkIntoBuffer(want);
  side.claim("receiving from this stream");
  try {
    const raw = side.raw;
    const runner = raiseIfCancelled();
    for (let waited = false;; waited = true) {
      side.checkOpen();
      let got: Uint8Array | number | null | typeof EOF;
      try {
        got = typeof want === "number" ? raw.tryRead(want) : readInto(raw, want);
      } catch (err) {
        throw side.broken(err);
      }
      if (got !== null) {
        // Still a checkpoint when nothing had to be waited for: yield, but without
        // raising, since the bytes are taken (a cancellation that came meanwhile is
        // raised by the next checkpoint). A receive that waited had its checkpoint there.
        if (!waited) await yieldPoint(runner);
        if (got === EOF) throw new EndOfStream();
        return got;
      }
      await waitForEvent((ready) => raw.onReadable(ready));
    }
  } finally {
    side.busy = false;
  }
}

/** {@link ReadReadiness.tryReadInto}, or `tryRead` and a copy where the channel lacks it. */
function readInto(raw: ReadReadiness, buffer: Uint8Array): number | null | typeof EOF {
  if (raw.tryReadInto !== undefined) return raw.tryReadInto(buffer);
  const chunk = raw.tryRead(buffer.byteLength);
  if (chunk === null || chunk === EOF) return chunk;
  buffer.set(chunk);
  return chunk.byteLength;
}

/**
 * Sends all of `data` to the channel once it is writable, as a checkpoint: raises
 * Cancelled before handing anything over, or while waiting for readiness; once handed
 * over, the send is complete. `checkOpen` is as for {@link receiveWhenReady}.
 *
 * @throws {TypeError} if `data` is not a Uint8Array.
 * @throws {BusyResourceError} if another task is sending in this direction.
 */
export async function sendWhenReady(side: Direction<WriteReadiness>, data: Uint8Array): Promise<void> {
  checkBytes(data, "data");
  side.claim("sending to this stream");
  try {
    const raw = side.raw;
    const runner = raiseIfCancelled();
    for (let waited = false;; waited = true) {
      side.checkOpen();
      if (raw.writable()) {
        try {
          raw.write(data);
        } catch (err) {
          throw side.broken(err);
        }
        // The bytes are handed over first, so they leave at once; the yield that makes
        // this a checkpoint comes after, and does not raise, since the send is complete.
        if (!waited) await yieldPoint(runner);
        return;
      }
      await waitForEvent((ready) => raw.onWritable(ready));
    }
  } finally {
    side.busy = false;
  }
}
