/**
 * A child's pipes given as web streams (Deno.Command and Bun.spawn hand out
 * ReadableStreams for stdout and stderr, Deno a WritableStream for stdin) as raw pipes.
 *
 * @module
 */
import { ChunkQueue } from "./chunk-queue.ts";
import { type CancelWait, EOF } from "./net.ts";
import { Notifier } from "./notifier.ts";
import type { RawReadPipe, RawWritePipe } from "./process.ts";

/** Bytes a pipe holds for its reader (or has in flight to the child) before it waits. */
export const WEB_PIPE_HIGH_WATER = 65536;

function swallow(): void {}

function closedError(): Error {
  return new Error("the pipe is closed");
}

/**
 * A ReadableStream of a child's output as a {@link RawReadPipe}.
 *
 * At most one `reader.read()` is in flight, and the next starts only while fewer than
 * WEB_PIPE_HIGH_WATER bytes wait in `#received`, so bytes never pile up while nobody
 * receives: the child then blocks in its write, as with any full pipe. Reading starts
 * at once, so output is drained even before the first receive.
 */
export class WebReadPipe implements RawReadPipe {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #readers = new Notifier();
  readonly #received = new ChunkQueue();
  #reading = false;
  #ended = false;
  #error: Error | null = null;
  #closed: Promise<void> | null = null;
  /** Resolves when the read in flight (if any) has settled. */
  #settled: Promise<void> = Promise.resolve();

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
    this.#pull();
  }

  #pull(): void {
    if (this.#reading || this.#ended || this.#error !== null || this.#closed !== null) return;
    if (this.#received.size >= WEB_PIPE_HIGH_WATER) return;
    this.#reading = true;
    this.#settled = this.#reader.read().then(
      ({ done, value }) => {
        this.#reading = false;
        if (this.#closed !== null) return;
        if (done) this.#ended = true;
        else this.#received.push(value);
        this.#readers.notify();
        this.#pull();
      },
      (err: unknown) => {
        this.#reading = false;
        if (this.#closed !== null) return;
        this.#error ??= err instanceof Error ? err : new Error(String(err));
        this.#readers.notify();
      },
    );
  }

  tryRead(maxBytes: number): Uint8Array | null | typeof EOF {
    if (this.#closed !== null) throw closedError();
    const chunk = this.#received.take(maxBytes);
    if (chunk !== null) {
      this.#pull();
      return chunk;
    }
    if (this.#error !== null) throw this.#error;
    if (this.#ended) return EOF;
    return null;
  }

  onReadable(ready: () => void): CancelWait {
    return this.#readers.add(ready);
  }

  close(): Promise<void> {
    if (this.#closed !== null) return this.#closed;
    this.#received.drain();
    // cancel() releases the pipe and settles the read in flight; both runtimes free the
    // descriptor once the stream is cancelled (or read to its end).
    this.#closed = this.#reader.cancel().catch(swallow).then(() => this.#settled);
    this.#readers.notify();
    return this.#closed;
  }
}

/**
 * A WritableStream to a child's stdin (Deno) as a {@link RawWritePipe}.
 *
 * `write` hands the bytes to the stream's writer; `writable()` turns false while
 * WEB_PIPE_HIGH_WATER bytes or more are in flight (written to the writer, not yet to
 * the pipe). A failed write (EPIPE once the child closed its end) is stored and thrown
 * by the next `write`.
 */
export class WebWritePipe implements RawWritePipe {
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #writers = new Notifier();
  #inFlight = 0;
  #error: Error | null = null;
  #closing = false;
  #closed: Promise<void> | null = null;
  #aborted: () => void = swallow;

  constructor(stream: WritableStream<Uint8Array>) {
    this.#writer = stream.getWriter();
  }

  writable(): boolean {
    return this.#inFlight < WEB_PIPE_HIGH_WATER || this.#error !== null || this.#closing;
  }

  onWritable(ready: () => void): CancelWait {
    return this.#writers.add(ready);
  }

  write(data: Uint8Array): void {
    if (this.#error !== null) throw this.#error;
    if (this.#closing) throw closedError();
    if (data.byteLength === 0) return;
    this.#inFlight += data.byteLength;
    this.#writer.write(data).then(
      () => {
        this.#inFlight -= data.byteLength;
        this.#writers.notify();
      },
      (err: unknown) => {
        this.#inFlight -= data.byteLength;
        this.#error ??= err instanceof Error ? err : new Error(String(err));
        this.#writers.notify();
      },
    );
  }

  close(): Promise<void> {
    if (this.#closed !== null) return this.#closed;
    this.#closing = true;
    this.#writers.notify();
    const aborted = new Promise<void>((resolve) => (this.#aborted = resolve));
    // writer.close() flushes the writes in flight and then closes the pipe. A write the
    // child never reads cannot be interrupted (a WritableStream's abort waits for the
    // write in flight), so abort() ends the wait at once instead; the pipe is then
    // released when that write fails, which it does as soon as the child exits.
    this.#closed = Promise.race([this.#writer.close().catch(swallow), aborted]);
    return this.#closed;
  }

  abort(): void {
    this.#closing = true;
    this.#writer.abort().catch(swallow);
    this.#closed ??= Promise.resolve();
    this.#aborted();
    this.#writers.notify();
  }
}
