/**
 * Text streams: strings over streams of bytes, decoded and encoded on the way.
 * AnyIO's `TextReceiveStream`, `TextSendStream` and `TextStream`.
 *
 * @module
 */
import { checkpoint } from "../core/checkpoint.ts";
import { EndOfStream } from "../core/errors.ts";
import { checkStream } from "./checks.ts";
import { receiveUntilEnd } from "./iterate.ts";
import {
  type CheckedTextOptions,
  checkTextOptions,
  IncrementalDecoder,
  makeEncoder,
  type TextErrors,
  type TextStreamOptions,
} from "./text-codec.ts";
import { type TypedAttributeMap, TypedAttributeProvider } from "./typed-attributes.ts";
import type {
  AnyByteReceiveStream,
  AnyByteSendStream,
  AnyByteStream,
  ObjectReceiveStream,
  ObjectSendStream,
  ObjectStream,
} from "./types.ts";

/**
 * Receives strings from a stream of bytes (a {@link ByteReceiveStream} or an object
 * stream of `Uint8Array`), decoding incrementally: each `receive()` returns the
 * characters completed so far, and a character split across chunks is returned whole
 * once its last byte arrives. Chunk boundaries carry no meaning, so neither do the
 * boundaries between the strings returned.
 *
 * Decoding is strict by default: invalid bytes raise a TypeError (whose `cause` is the
 * TextDecoder's error), and so does a stream that ends inside a character. With
 * `errors: "replace"` each bad sequence becomes U+FFFD instead. A byte order mark is
 * returned as U+FEFF, not stripped.
 *
 * Typed attributes are those of the wrapped stream.
 *
 * @example
 * ```ts
 * import { createMemoryObjectStream, TextReceiveStream } from "structio";
 *
 * const [send, receive] = createMemoryObjectStream<Uint8Array>(2);
 * send.sendNowait(new Uint8Array([0xc3, 0xa5, 0xc3])); // "å" and half of "ö"
 * send.sendNowait(new Uint8Array([0xb6]));
 * send.close();
 * await using text = new TextReceiveStream(receive);
 * for await (const part of text) console.log(part); // "å", then "ö"
 * ```
 */
export class TextReceiveStream extends TypedAttributeProvider implements ObjectReceiveStream<string> {
  /** The wrapped stream. */
  readonly transportStream: AnyByteReceiveStream;
  /** The canonical name of the encoding ("utf-8" for the labels "utf8" and "UTF-8"). */
  readonly encoding: string;
  /** What happens to bytes that cannot be decoded. */
  readonly errors: TextErrors;
  readonly #decoder: IncrementalDecoder;

  /**
   * @throws {TypeError} if `transportStream` has no `receive()` and `aclose()`, or an
   *   option has the wrong type.
   * @throws {RangeError} if the encoding is unknown or `errors` is not a known mode.
   */
  constructor(transportStream: AnyByteReceiveStream, options?: TextStreamOptions) {
    super();
    checkStream(transportStream, "transportStream", ["receive", "aclose"]);
    const checked = checkTextOptions(options);
    this.transportStream = transportStream;
    this.encoding = checked.encoding;
    this.errors = checked.errors;
    this.#decoder = new IncrementalDecoder(checked);
  }

  /**
   * Receives the next non-empty string: reads chunks until one completes at least one
   * character. At end of stream, what the decoder held back is returned first (U+FFFD
   * with "replace"), then {@link EndOfStream} is raised.
   *
   * @throws {EndOfStream} once the wrapped stream has ended and nothing is left.
   * @throws {TypeError} in strict mode, if the bytes are not valid in the encoding or
   *   the stream ended inside a character. The chunk that failed is dropped.
   *
   * @example
   * ```ts
   * import { createMemoryObjectStream, TextReceiveStream } from "structio";
   *
   * const [send, receive] = createMemoryObjectStream<Uint8Array>(1);
   * send.sendNowait(new TextEncoder().encode("héllo"));
   * const text = new TextReceiveStream(receive);
   * console.log(await text.receive()); // "héllo"
   * ```
   */
  async receive(): Promise<string> {
    while (true) {
      let chunk: Uint8Array;
      try {
        chunk = await this.transportStream.receive();
      } catch (err) {
        if (!(err instanceof EndOfStream)) throw err;
        // Flushing gives "" when no partial character was pending, and a stream that
        // ended keeps raising EndOfStream, so the next call ends up here again and
        // raises: a pending character is reported exactly once.
        const rest = this.#decoder.decode(undefined);
        if (rest !== "") return rest;
        throw err;
      }
      // The decode happens in the same synchronous step as the receive returns, so a
      // cancellation cannot fall between taking bytes and keeping their partial
      // character in the decoder.
      const text = this.#decoder.decode(chunk);
      if (text !== "") return text;
    }
  }

  /**
   * Closes the wrapped stream and forgets a partial character. Idempotent.
   *
   * @example
   * ```ts
   * import { createMemoryObjectStream, TextReceiveStream } from "structio";
   *
   * const [, receive] = createMemoryObjectStream<Uint8Array>();
   * const text = new TextReceiveStream(receive);
   * await text.aclose(); // closes `receive`
   * ```
   */
  async aclose(): Promise<void> {
    this.#decoder.reset();
    await this.transportStream.aclose();
  }

  /** The typed attributes of the wrapped stream. */
  override get extraAttributes(): TypedAttributeMap {
    return this.transportStream.extraAttributes;
  }

  /** Receives strings until end of stream (see {@link ObjectReceiveStream}). */
  [Symbol.asyncIterator](): AsyncIterator<string> {
    return receiveUntilEnd(this);
  }

  /** Closes the stream when an `await using` block ends (see {@link aclose}). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }
}

/**
 * Sends strings to a stream of bytes (a {@link ByteSendStream} or an object stream of
 * `Uint8Array`), encoded with TextEncoder (UTF-8), or as UTF-16LE/BE.
 *
 * Encoding is strict by default: a string with a lone surrogate (half of a UTF-16
 * pair, which no Unicode encoding can represent) raises a TypeError and nothing is
 * sent. With `errors: "replace"` it is sent as U+FFFD. An empty string sends nothing
 * (the receiver would otherwise see an empty chunk); it is still a checkpoint.
 *
 * Typed attributes are those of the wrapped stream.
 *
 * @example
 * ```ts
 * import { createMemoryObjectStream, TextSendStream } from "structio";
 *
 * const [send, receive] = createMemoryObjectStream<Uint8Array>(1);
 * await using text = new TextSendStream(send);
 * await text.send("åäö");
 * console.log(await receive.receive()); // Uint8Array(6) [ 195, 165, 195, 164, 195, 182 ]
 * ```
 */
export class TextSendStream extends TypedAttributeProvider implements ObjectSendStream<string> {
  /** The wrapped stream. */
  readonly transportStream: AnyByteSendStream;
  /** The canonical name of the encoding. */
  readonly encoding: string;
  /** What happens to strings that cannot be encoded. */
  readonly errors: TextErrors;
  readonly #encode: (text: string) => Uint8Array;

  /**
   * @throws {TypeError} if `transportStream` has no `send()` and `aclose()`, or an
   *   option has the wrong type.
   * @throws {RangeError} if the encoding is unknown or cannot be sent, or `errors` is
   *   not a known mode.
   */
  constructor(transportStream: AnyByteSendStream, options?: TextStreamOptions) {
    super();
    checkStream(transportStream, "transportStream", ["send", "aclose"]);
    const checked = checkTextOptions(options);
    this.transportStream = transportStream;
    this.encoding = checked.encoding;
    this.errors = checked.errors;
    this.#encode = makeEncoder(checked);
  }

  /**
   * Encodes `text` and sends the bytes in one `send()` of the wrapped stream.
   *
   * @throws {TypeError} if `text` is not a string, or in strict mode has a lone
   *   surrogate (then nothing is sent).
   *
   * @example
   * ```ts
   * import { TextSendStream } from "structio";
   *
   * declare const text: TextSendStream;
   * await text.send("hello\n");
   * ```
   */
  async send(text: string): Promise<void> {
    if (typeof text !== "string") throw new TypeError(`text must be a string, not ${typeof text}`);
    const bytes = this.#encode(text);
    if (bytes.byteLength === 0) {
      await checkpoint();
      return;
    }
    await this.transportStream.send(bytes);
  }

  /**
   * Closes the wrapped stream. Idempotent.
   *
   * @example
   * ```ts
   * import { createMemoryObjectStream, TextSendStream } from "structio";
   *
   * const [send] = createMemoryObjectStream<Uint8Array>();
   * const text = new TextSendStream(send);
   * await text.aclose(); // closes `send`
   * ```
   */
  async aclose(): Promise<void> {
    await this.transportStream.aclose();
  }

  /** The typed attributes of the wrapped stream. */
  override get extraAttributes(): TypedAttributeMap {
    return this.transportStream.extraAttributes;
  }

  /** Closes the stream when an `await using` block ends (see {@link aclose}). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }
}

/**
 * A two-way text stream over a two-way stream of bytes: receives as
 * {@link TextReceiveStream} does, sends as {@link TextSendStream} does, with one
 * encoding and error mode for both directions. `sendEof()` passes to the wrapped
 * stream, so the peer sees end of stream while this side can still receive.
 *
 * Typed attributes are those of the wrapped stream.
 *
 * @example
 * ```ts
 * import { createMemoryObjectStream, StapledObjectStream, TextStream } from "structio";
 *
 * const [send, receive] = createMemoryObjectStream<Uint8Array>(1);
 * await using text = new TextStream(new StapledObjectStream(send, receive)); // a loopback
 * await text.send("ping");
 * console.log(await text.receive()); // "ping"
 * ```
 */
export class TextStream extends TypedAttributeProvider implements ObjectStream<string> {
  /** The wrapped stream. */
  readonly transportStream: AnyByteStream;
  readonly #receiveStream: TextReceiveStream;
  readonly #sendStream: TextSendStream;

  /**
   * @throws {TypeError} if `transportStream` has no `receive()`, `send()`, `sendEof()`
   *   and `aclose()`, or an option has the wrong type.
   * @throws {RangeError} if the encoding is unknown or cannot be sent, or `errors` is
   *   not a known mode.
   */
  constructor(transportStream: AnyByteStream, options?: TextStreamOptions) {
    super();
    checkStream(transportStream, "transportStream", ["receive", "send", "sendEof", "aclose"]);
    const checked: CheckedTextOptions = checkTextOptions(options);
    this.transportStream = transportStream;
    this.#receiveStream = new TextReceiveStream(transportStream, checked);
    this.#sendStream = new TextSendStream(transportStream, checked);
  }

  /** The canonical name of the encoding. */
  get encoding(): string {
    return this.#receiveStream.encoding;
  }

  /** What happens to text that cannot be decoded or encoded. */
  get errors(): TextErrors {
    return this.#receiveStream.errors;
  }

  /**
   * Receives the next non-empty string (see {@link TextReceiveStream.receive}).
   *
   * @example
   * ```ts
   * import { TextStream } from "structio";
   *
   * declare const text: TextStream;
   * console.log(await text.receive());
   * ```
   */
  async receive(): Promise<string> {
    return await this.#receiveStream.receive();
  }

  /**
   * Encodes and sends `text` (see {@link TextSendStream.send}).
   *
   * @example
   * ```ts
   * import { TextStream } from "structio";
   *
   * declare const text: TextStream;
   * await text.send("hello\n");
   * ```
   */
  async send(text: string): Promise<void> {
    await this.#sendStream.send(text);
  }

  /**
   * Tells the peer nothing more will be sent (the wrapped stream's `sendEof()`).
   *
   * @example
   * ```ts
   * import { TextStream } from "structio";
   *
   * declare const text: TextStream;
   * await text.sendEof();
   * for await (const reply of text) console.log(reply);
   * ```
   */
  async sendEof(): Promise<void> {
    await this.transportStream.sendEof();
  }

  /**
   * Closes the wrapped stream (both directions) and forgets a partial character.
   * Idempotent.
   *
   * @example
   * ```ts
   * import { TextStream } from "structio";
   *
   * declare const text: TextStream;
   * await text.aclose();
   * ```
   */
  async aclose(): Promise<void> {
    // Both halves wrap the same transport: closing it once through the receive half
    // closes everything and also resets the decoder.
    await this.#receiveStream.aclose();
  }

  /** The typed attributes of the wrapped stream. */
  override get extraAttributes(): TypedAttributeMap {
    return this.transportStream.extraAttributes;
  }

  /** Receives strings until end of stream (see {@link ObjectReceiveStream}). */
  [Symbol.asyncIterator](): AsyncIterator<string> {
    return receiveUntilEnd(this);
  }

  /** Closes the stream when an `await using` block ends (see {@link aclose}). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }
}
