/**
 * Buffered byte streams: receiving an exact number of bytes, or up to a delimiter, from
 * any stream of bytes. AnyIO's `BufferedByteReceiveStream` and `BufferedByteStream`.
 *
 * @module
 */
import { checkpoint } from "../core/checkpoint.ts";
import { ClosedResourceError, DelimiterNotFound, EndOfStream, IncompleteRead } from "../core/errors.ts";
import { checkCount } from "../sync/checks.ts";
import { ByteBuffer } from "./byte-buffer.ts";
import { checkBytes, checkMaxBytes, checkStream, DEFAULT_MAX_BYTES } from "./checks.ts";
import { receiveUntilEnd } from "./iterate.ts";
import { type TypedAttributeMap, TypedAttributeProvider } from "./typed-attributes.ts";
import type { AnyByteReceiveStream, AnyByteStream, ByteReceiveStream, ByteStream } from "./types.ts";

/**
 * Wraps any stream that receives bytes (a {@link ByteReceiveStream}, or an object
 * stream of `Uint8Array` chunks) and buffers what it reads, to offer
 * {@link receiveExactly} and {@link receiveUntil}: the reads a protocol parser needs.
 *
 * Bytes are never lost or reordered. Whatever was read from the wrapped stream and not
 * yet returned stays in the buffer, including when a receive is cancelled or fails
 * with {@link IncompleteRead} or {@link DelimiterNotFound}: each call only awaits the
 * wrapped stream's `receive()`, and appends what it got to the buffer in the same
 * synchronous step, so a cancellation (which is raised only at that await, by a
 * `receive()` that took nothing) cannot fall between reading bytes and keeping them.
 *
 * Every receive is a checkpoint, also when the buffer can serve it. Empty chunks from
 * the wrapped stream are skipped: end of stream is always {@link EndOfStream}. One task
 * at a time should receive; concurrent receives do not lose bytes, but which task gets
 * which bytes is then unspecified.
 *
 * Typed attributes are those of the wrapped stream.
 *
 * @example
 * ```ts
 * import { BufferedByteReceiveStream, createMemoryObjectStream } from "structio";
 *
 * const [send, receive] = createMemoryObjectStream<Uint8Array>(4);
 * const encoder = new TextEncoder();
 * for (const part of ["hel", "lo, ", "wo", "rld!"]) await send.send(encoder.encode(part));
 * await using buffered = new BufferedByteReceiveStream(receive);
 * const decoder = new TextDecoder();
 * console.log(decoder.decode(await buffered.receiveExactly(8))); // "hello, w"
 * console.log(decoder.decode(await buffered.receiveUntil(encoder.encode("!"), 10))); // "orld"
 * ```
 */
export class BufferedByteReceiveStream extends TypedAttributeProvider implements ByteReceiveStream {
  /** The wrapped stream. */
  readonly receiveStream: AnyByteReceiveStream;
  readonly #buffer = new ByteBuffer();
  #closed = false;

  /**
   * @throws {TypeError} if `receiveStream` has no `receive()` and `aclose()`.
   */
  constructor(receiveStream: AnyByteReceiveStream) {
    super();
    checkStream(receiveStream, "receiveStream", ["receive", "aclose"]);
    this.receiveStream = receiveStream;
  }

  /**
   * A copy of the bytes in the buffer: read from the wrapped stream (or fed with
   * {@link feedData}) and not returned yet.
   *
   * @example
   * ```ts
   * import { BufferedByteReceiveStream, createMemoryObjectStream } from "structio";
   *
   * const [, receive] = createMemoryObjectStream<Uint8Array>();
   * const buffered = new BufferedByteReceiveStream(receive);
   * buffered.feedData(new Uint8Array([1, 2]));
   * console.log(buffered.buffer); // Uint8Array(2) [ 1, 2 ]
   * ```
   */
  get buffer(): Uint8Array {
    return this.#buffer.peek();
  }

  /**
   * Appends a copy of `data` to the buffer: later receives return it before anything
   * still to be read from the wrapped stream. For bytes read ahead by other means (a
   * protocol sniffer, a previous parser).
   *
   * @throws {TypeError} if `data` is not a Uint8Array.
   *
   * @example
   * ```ts
   * import { BufferedByteReceiveStream, createMemoryObjectStream } from "structio";
   *
   * const [send, receive] = createMemoryObjectStream<Uint8Array>(1);
   * send.sendNowait(new Uint8Array([3]));
   * const buffered = new BufferedByteReceiveStream(receive);
   * buffered.feedData(new Uint8Array([1, 2]));
   * console.log(await buffered.receiveExactly(3)); // Uint8Array(3) [ 1, 2, 3 ]
   * ```
   */
  feedData(data: Uint8Array): void {
    checkBytes(data, "data");
    this.#buffer.append(data);
  }

  /**
   * Receives between 1 and `maxBytes` bytes: from the buffer if it holds any, else
   * from the wrapped stream (a longer chunk from an object stream is cut, and the rest
   * kept in the buffer).
   *
   * @throws {TypeError} if `maxBytes` is not a number.
   * @throws {RangeError} if `maxBytes` is not a whole number >= 1.
   * @throws {EndOfStream} if the buffer is empty and the wrapped stream has ended.
   * @throws {ClosedResourceError} if this stream was closed.
   *
   * @example
   * ```ts
   * import { BufferedByteReceiveStream, createMemoryObjectStream } from "structio";
   *
   * const [send, receive] = createMemoryObjectStream<Uint8Array>(1);
   * send.sendNowait(new Uint8Array([1, 2, 3]));
   * const buffered = new BufferedByteReceiveStream(receive);
   * console.log(await buffered.receive(2)); // Uint8Array(2) [ 1, 2 ]
   * console.log(await buffered.receive(2)); // Uint8Array(1) [ 3 ]
   * ```
   */
  async receive(maxBytes: number = DEFAULT_MAX_BYTES): Promise<Uint8Array> {
    checkMaxBytes(maxBytes);
    await checkpoint();
    while (true) {
      this.#checkOpen();
      const buffer = this.#buffer;
      if (buffer.length > 0) return buffer.take(maxBytes);
      const chunk = await this.#receiveChunk(maxBytes);
      // Fast path: a chunk that fits is returned as it came, with no copy. The buffer is
      // checked again because feedData() may have run while this task waited; then the
      // chunk goes behind the fed bytes, in the order they arrived.
      if (buffer.length === 0 && chunk.byteLength > 0 && chunk.byteLength <= maxBytes) return chunk;
      buffer.append(chunk);
    }
  }

  /**
   * Receives exactly `nbytes` bytes, reading from the wrapped stream as often as
   * needed (asking it for no more than is missing). `receiveExactly(0)` returns an
   * empty array.
   *
   * If the wrapped stream ends first, the bytes read so far stay in the buffer (a later
   * `receive()` returns them) and {@link IncompleteRead} is raised.
   *
   * @throws {TypeError} if `nbytes` is not a number.
   * @throws {RangeError} if `nbytes` is not a whole number >= 0.
   * @throws {IncompleteRead} if the wrapped stream ended before `nbytes` bytes came.
   * @throws {ClosedResourceError} if this stream was closed.
   *
   * @example
   * ```ts
   * import { BufferedByteReceiveStream, createMemoryObjectStream } from "structio";
   *
   * const [send, receive] = createMemoryObjectStream<Uint8Array>(2);
   * send.sendNowait(new Uint8Array([0, 3, 65]));
   * send.sendNowait(new Uint8Array([66, 67]));
   * const buffered = new BufferedByteReceiveStream(receive);
   * const [high, low] = await buffered.receiveExactly(2); // a length prefix
   * console.log(await buffered.receiveExactly(high! * 256 + low!)); // Uint8Array(3) [ 65, 66, 67 ]
   * ```
   */
  async receiveExactly(nbytes: number): Promise<Uint8Array> {
    checkCount(nbytes, "nbytes", 0, false);
    await checkpoint();
    const buffer = this.#buffer;
    while (true) {
      this.#checkOpen();
      const missing = nbytes - buffer.length;
      if (missing <= 0) return buffer.take(nbytes);
      let chunk: Uint8Array;
      try {
        chunk = await this.#receiveChunk(missing);
      } catch (err) {
        if (err instanceof EndOfStream) {
          throw new IncompleteRead(
            `the stream ended after ${buffer.length} of the ${nbytes} bytes requested`,
            { cause: err },
          );
        }
        throw err;
      }
      buffer.append(chunk);
    }
  }

  /**
   * Receives the bytes up to the first occurrence of `delimiter`, which is consumed
   * but not returned.
   *
   * `maxBytes` bounds how far to look: the delimiter must end within the first
   * `maxBytes` bytes, so the result has at most `maxBytes - delimiter.length` bytes.
   * The outcome depends only on the bytes, never on how the wrapped stream chunked
   * them, and the buffer never has to hold more than `maxBytes` bytes plus one chunk.
   * Bytes read past the delimiter stay in the buffer for later receives.
   *
   * When it raises {@link DelimiterNotFound} or {@link IncompleteRead}, nothing is
   * consumed: every byte read stays in the buffer (see {@link buffer}).
   *
   * @throws {TypeError} if `delimiter` is not a Uint8Array or `maxBytes` not a number.
   * @throws {RangeError} if `delimiter` is empty, or `maxBytes` is not a whole number
   *   at least as long as `delimiter`.
   * @throws {DelimiterNotFound} if the first `maxBytes` bytes do not contain it.
   * @throws {IncompleteRead} if the wrapped stream ended before the delimiter came.
   * @throws {ClosedResourceError} if this stream was closed.
   *
   * @example
   * ```ts
   * import { BufferedByteReceiveStream, createMemoryObjectStream } from "structio";
   *
   * const encoder = new TextEncoder();
   * const [send, receive] = createMemoryObjectStream<Uint8Array>(1);
   * send.sendNowait(encoder.encode("GET / HTTP/1.1\r\nHost: example.com\r\n"));
   * const buffered = new BufferedByteReceiveStream(receive);
   * const line = await buffered.receiveUntil(encoder.encode("\r\n"), 8192);
   * console.log(new TextDecoder().decode(line)); // "GET / HTTP/1.1"
   * ```
   */
  async receiveUntil(delimiter: Uint8Array, maxBytes: number): Promise<Uint8Array> {
    checkBytes(delimiter, "delimiter");
    if (delimiter.byteLength === 0) throw new RangeError("delimiter must not be empty");
    checkMaxBytes(maxBytes);
    if (maxBytes < delimiter.byteLength) {
      throw new RangeError(`maxBytes (${maxBytes}) must be at least the delimiter's length (${delimiter.byteLength})`);
    }
    // The delimiter is copied, so a caller changing its array while this waits cannot
    // change what is searched for halfway.
    const needle = delimiter.slice();
    await checkpoint();
    const buffer = this.#buffer;
    // Where the search resumes: bytes before it were searched already and cannot start
    // a match, unless something was taken from the buffer meanwhile (then all moved).
    let from = 0;
    let takenBefore = buffer.taken;
    while (true) {
      this.#checkOpen();
      if (buffer.taken !== takenBefore) from = 0;
      const at = buffer.indexOf(needle, from, maxBytes);
      if (at >= 0) {
        const data = buffer.take(at);
        buffer.discard(needle.byteLength);
        return data;
      }
      if (buffer.length >= maxBytes) throw new DelimiterNotFound(maxBytes);
      // A match may straddle the end of what is buffered now: resume the search that
      // many bytes back.
      from = Math.max(0, buffer.length - needle.byteLength + 1);
      takenBefore = buffer.taken;
      let chunk: Uint8Array;
      try {
        chunk = await this.#receiveChunk(DEFAULT_MAX_BYTES);
      } catch (err) {
        if (err instanceof EndOfStream) {
          throw new IncompleteRead(
            `the stream ended after ${buffer.length} bytes without the delimiter`,
            { cause: err },
          );
        }
        throw err;
      }
      buffer.append(chunk);
    }
  }

  /**
   * Closes the wrapped stream; later receives raise {@link ClosedResourceError}. The
   * stream counts as closed even if closing the wrapped stream fails or is cancelled.
   * Idempotent.
   *
   * @example
   * ```ts
   * import { BufferedByteReceiveStream, createMemoryObjectStream } from "structio";
   *
   * const [, receive] = createMemoryObjectStream<Uint8Array>();
   * const buffered = new BufferedByteReceiveStream(receive);
   * await buffered.aclose(); // closes `receive` too
   * ```
   */
  async aclose(): Promise<void> {
    this.#closed = true;
    await this.receiveStream.aclose();
  }

  /** The typed attributes of the wrapped stream. */
  override get extraAttributes(): TypedAttributeMap {
    return this.receiveStream.extraAttributes;
  }

  /** Receives chunks until end of stream (see {@link ByteReceiveStream}). */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return receiveUntilEnd(this);
  }

  /** Closes the stream when an `await using` block ends (see {@link aclose}). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }

  #checkOpen(): void {
    if (this.#closed) throw new ClosedResourceError("the buffered stream is closed");
  }

  /**
   * One chunk from the wrapped stream. `sizeHint` is passed to every kind of stream: a
   * byte stream returns at most that many bytes, and an object stream's `receive()`
   * takes no argument and ignores it (JavaScript allows the extra argument). Either
   * way the callers keep whatever comes back, so no runtime test of the stream's kind
   * is needed (AnyIO needs an isinstance check here).
   */
  #receiveChunk(sizeHint: number): Promise<Uint8Array> {
    return (this.receiveStream as ByteReceiveStream).receive(sizeHint);
  }
}

/**
 * A two-way buffered byte stream: {@link BufferedByteReceiveStream} for receiving,
 * and `send()` and `sendEof()` passed straight to the wrapped stream. For protocols
 * that read framed messages and write replies on one connection.
 *
 * @example
 * ```ts
 * import { BufferedByteStream, createMemoryObjectStream, StapledObjectStream } from "structio";
 *
 * const [send, receive] = createMemoryObjectStream<Uint8Array>(1);
 * await using stream = new BufferedByteStream(new StapledObjectStream(send, receive));
 * await stream.send(new Uint8Array([1, 2, 3, 4])); // loops back to this stream
 * console.log(await stream.receiveExactly(2)); // Uint8Array(2) [ 1, 2 ]
 * ```
 */
export class BufferedByteStream extends BufferedByteReceiveStream implements ByteStream {
  /** The wrapped two-way stream. */
  readonly stream: AnyByteStream;

  /**
   * @throws {TypeError} if `stream` has no `receive()`, `send()`, `sendEof()` and
   *   `aclose()`.
   */
  constructor(stream: AnyByteStream) {
    checkStream(stream, "stream", ["receive", "send", "sendEof", "aclose"]);
    super(stream);
    this.stream = stream;
  }

  /**
   * Sends `data` through the wrapped stream, as it is.
   *
   * @example
   * ```ts
   * import { BufferedByteStream } from "structio";
   *
   * declare const stream: BufferedByteStream;
   * await stream.send(new TextEncoder().encode("OK\r\n"));
   * ```
   */
  async send(data: Uint8Array): Promise<void> {
    await this.stream.send(data);
  }

  /**
   * Tells the peer nothing more will be sent (the wrapped stream's `sendEof()`); this
   * stream can still receive, buffer included.
   *
   * @example
   * ```ts
   * import { BufferedByteStream } from "structio";
   *
   * declare const stream: BufferedByteStream;
   * await stream.sendEof();
   * ```
   */
  async sendEof(): Promise<void> {
    await this.stream.sendEof();
  }
}
