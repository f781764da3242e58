/**
 * The pipes of a node:child_process child (net.Socket streams over pipes) as raw pipes.
 *
 * @module
 */
import type { Readable, Writable } from "node:stream";
import { ChunkQueue } from "./chunk-queue.ts";
import { type CancelWait, EOF } from "./net.ts";
import { Notifier } from "./notifier.ts";
import type { RawReadPipe, RawWritePipe } from "./process.ts";

/** Bytes a pipe holds for its reader before it stops reading from the child. */
export const PIPE_HIGH_WATER = 65536;

function closedError(): Error {
  return new Error("the pipe is closed");
}

/** Resolves once `stream` emitted 'close' (at once if it did already). */
function whenClosed(stream: Readable | Writable): Promise<void> {
  if (stream.closed) return Promise.resolve();
  return new Promise((resolve) => stream.once("close", () => resolve()));
}

/**
 * A child's stdout or stderr. The stream flows: every chunk goes into `#received` as it
 * arrives, and the stream is paused while that holds PIPE_HIGH_WATER bytes or more
 * (tryRead resumes it once a take brings the count below), so bytes never pile up while
 * nobody receives: the child then blocks in its write, as with any full pipe.
 */
export class NodeReadPipe implements RawReadPipe {
  readonly #stream: Readable;
  readonly #readers = new Notifier();
  readonly #received = new ChunkQueue();
  #paused = false;
  #ended = false;
  #error: Error | null = null;
  #closed: Promise<void> | null = null;

  constructor(stream: Readable) {
    this.#stream = stream;
    stream.on("data", (chunk: Uint8Array) => {
      if (this.#closed !== null) return;
      this.#received.push(chunk);
      if (!this.#paused && this.#received.size >= PIPE_HIGH_WATER) {
        this.#paused = true;
        stream.pause();
      }
      this.#readers.notify();
    });
    stream.on("end", () => {
      this.#ended = true;
      this.#readers.notify();
    });
    stream.on("error", (err: Error) => {
      this.#error ??= err;
      this.#readers.notify();
    });
    stream.on("close", () => this.#readers.notify());
  }

  tryRead(maxBytes: number): Uint8Array | null | typeof EOF {
    if (this.#closed !== null) throw closedError();
    const chunk = this.#received.take(maxBytes);
    if (chunk === null) {
      if (this.#error !== null) throw this.#error;
      if (this.#ended) return EOF;
      if (this.#stream.destroyed) throw closedError();
      return null;
    }
    if (this.#paused && this.#received.size < PIPE_HIGH_WATER) {
      this.#paused = false;
      this.#stream.resume();
    }
    return chunk;
  }

  onReadable(ready: () => void): CancelWait {
    return this.#readers.add(ready);
  }

  close(): Promise<void> {
    if (this.#closed !== null) return this.#closed;
    this.#received.drain();
    this.#stream.destroy();
    this.#readers.notify();
    this.#closed = whenClosed(this.#stream);
    return this.#closed;
  }
}

/**
 * A child's stdin. `writable()` follows the stream's own high-water mark: `write` hands
 * everything over and the stream buffers it, and once `stream.write()` returned false
 * the pipe is not writable until 'drain'. (That flag is kept here: Bun's node:stream
 * buffers in native code and never sets `writableNeedDrain`.) Errors (EPIPE once the
 * child closed its end) come as 'error' events, stored and thrown by the next `write`.
 */
export class NodeWritePipe implements RawWritePipe {
  readonly #stream: Writable;
  readonly #writers = new Notifier();
  #error: Error | null = null;
  #closed: Promise<void> | null = null;
  #needDrain = false;

  constructor(stream: Writable) {
    this.#stream = stream;
    stream.on("drain", () => {
      this.#needDrain = false;
      this.#writers.notify();
    });
    stream.on("error", (err: Error) => {
      this.#error ??= err;
      this.#writers.notify();
    });
    stream.on("close", () => this.#writers.notify());
  }

  writable(): boolean {
    // Also true once the pipe failed or closed, so a waiting sender calls write() and
    // gets the error instead of waiting for a drain that never comes.
    return !this.#needDrain || this.#error !== null || this.#stream.destroyed;
  }

  onWritable(ready: () => void): CancelWait {
    return this.#writers.add(ready);
  }

  write(data: Uint8Array): void {
    if (this.#error !== null) throw this.#error;
    if (this.#closed !== null || this.#stream.destroyed) throw closedError();
    if (!this.#stream.write(data)) this.#needDrain = true;
  }

  close(): Promise<void> {
    if (this.#closed !== null) return this.#closed;
    // end() flushes, then the stream (write-only, auto-destroying) closes its pipe; a
    // failed flush (EPIPE) destroys it too, so 'close' comes in every case but a child
    // that never reads, which abort() ends.
    if (!this.#stream.destroyed) this.#stream.end();
    this.#writers.notify();
    this.#closed = whenClosed(this.#stream);
    return this.#closed;
  }

  abort(): void {
    this.#stream.destroy();
    this.#closed ??= whenClosed(this.#stream);
    this.#writers.notify();
  }
}
