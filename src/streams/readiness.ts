/**
 * Receiving from and sending to a readiness-based raw channel (a socket, a pipe to a
 * child): the one loop behind SocketStream and the process streams.
 *
 * @module
 */
import { type CancelWait, EOF } from "../backends/net.ts";
import { raiseIfCancelled, waitForEvent, yieldPoint } from "../core/checkpoint.ts";
import type { Runner } from "../core/context.ts";
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
 * {@link sendWhenReady} with its direction, so that each operation makes one promise: a
 * wrapping async method would add a promise and turns of the microtask queue to every
 * chunk, about a quarter of the front end's cost on a round trip.
 */
export class Direction<R> {
  /**
   * Set from the start of a receive (or send) in this direction until its bytes have
   * moved or it failed: a second one meanwhile is refused. The yield that ends the
   * checkpoint comes after, with `busy` clear: the operation is complete by then.
   */
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
   * then marks it busy; the caller clears `busy` once the bytes moved or it failed.
   * receiveWhenReady and sendWhenReady turn a refusal into a rejection.
   *
   * @throws {BusyResourceError} naming `activity` if another task is using it.
   */
  claim(activity: string): void {
    this.checkOpen();
    if (this.busy) throw new BusyResourceError(activity);
    this.busy = true;
  }
}

/** A checkpoint's yield as a promise of `value`: one turn of the microtask queue, or the runner's pause. */
function afterYield<T>(runner: Runner, value: T): Promise<T> {
  const pause = yieldPoint(runner);
  return pause === undefined ? Promise.resolve(value) : pause.then(() => value);
}

/** The same for a failure: the checkpoint yields, then the call rejects with `err`. */
function failAfterYield(runner: Runner, err: Error): Promise<never> {
  const pause = yieldPoint(runner);
  return pause === undefined ? Promise.reject(err) : pause.then(() => Promise.reject(err));
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
 * Not an async function: when bytes are there already (most receives of a busy stream),
 * it takes them at once and returns a promise that settles after the checkpoint's yield,
 * one turn of the microtask queue. An async function would add a second turn and its own
 * promise to every such receive. Only a receive that must wait goes on to the async
 * {@link receiveAfterWait}. Every failure, even of the arguments, is a rejection.
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
export function receiveWhenReady(
  side: Direction<ReadReadiness>,
  want: number | Uint8Array,
): Promise<Uint8Array | number> {
  try {
    if (typeof want === "number") want = checkMaxBytes(want);
    else checkIntoBuffer(want);
    side.claim("receiving from this stream");
  } catch (err) {
    return Promise.reject(err);
  }
  let runner: Runner;
  let got: Uint8Array | number | null | typeof EOF;
  try {
    runner = raiseIfCancelled();
    got = tryReceive(side, want);
  } catch (err) {
    side.busy = false;
    return Promise.reject(err);
  }
  if (got === null) return receiveAfterWait(side, want);
  // The bytes are taken, so the yield that makes this a checkpoint does not raise (a
  // cancellation that came meanwhile is raised by the next checkpoint).
  side.busy = false;
  return got === EOF ? failAfterYield(runner, new EndOfStream()) : afterYield(runner, got);
}

/** receiveWhenReady once nothing was there: waits for readiness (its checkpoint) and tries again. */
async function receiveAfterWait(side: Direction<ReadReadiness>, want: number | Uint8Array): Promise<Uint8Array | number> {
  try {
    for (;;) {
      await waitForEvent((ready) => side.raw.onReadable(ready));
      const got = tryReceive(side, want);
      if (got === EOF) throw new EndOfStream();
      if (got !== null) return got;
    }
  } finally {
    side.busy = false;
  }
}

/** One attempt: checks the owner is open, then reads, reporting a runtime error as broken. */
function tryReceive(side: Direction<ReadReadiness>, want: number | Uint8Array): Uint8Array | number | null | typeof EOF {
  side.checkOpen();
  try {
    return typeof want === "number" ? side.raw.tryRead(want) : readInto(side.raw, want);
  } catch (err) {
    throw side.broken(err);
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
 * Like receiveWhenReady, not an async function: a channel that is writable takes the
 * bytes at once, and the promise settles after the checkpoint's yield. The bytes are
 * handed over first, so they leave at once.
 *
 * @throws {TypeError} if `data` is not a Uint8Array.
 * @throws {BusyResourceError} if another task is sending in this direction.
 */
export function sendWhenReady(side: Direction<WriteReadiness>, data: Uint8Array): Promise<void> {
  let runner: Runner;
  try {
    checkBytes(data, "data");
    side.claim("sending to this stream");
  } catch (err) {
    return Promise.reject(err);
  }
  try {
    runner = raiseIfCancelled();
    if (!trySend(side, data)) return sendAfterWait(side, data);
  } catch (err) {
    side.busy = false;
    return Promise.reject(err);
  }
  side.busy = false;
  return afterYield(runner, undefined);
}

/** sendWhenReady once the channel was not writable: waits for it (its checkpoint) and sends. */
async function sendAfterWait(side: Direction<WriteReadiness>, data: Uint8Array): Promise<void> {
  try {
    do {
      await waitForEvent((ready) => side.raw.onWritable(ready));
    } while (!trySend(side, data));
  } finally {
    side.busy = false;
  }
}

/** One attempt: checks the owner is open, then writes all of `data` if the channel is writable. */
function trySend(side: Direction<WriteReadiness>, data: Uint8Array): boolean {
  side.checkOpen();
  if (!side.raw.writable()) return false;
  try {
    side.raw.write(data);
  } catch (err) {
    throw side.broken(err);
  }
  return true;
}
