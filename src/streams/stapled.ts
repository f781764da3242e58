/**
 * Stapled streams: a send stream and a receive stream joined into one two-way stream.
 * AnyIO's `StapledByteStream` and `StapledObjectStream`.
 *
 * @module
 */
import { checkMaxBytes, checkStream, DEFAULT_MAX_BYTES } from "./checks.ts";
import { receiveUntilEnd } from "./iterate.ts";
import { mergeTypedAttributes, type TypedAttributeMap, TypedAttributeProvider } from "./typed-attributes.ts";
import type {
  AsyncResource,
  ByteReceiveStream,
  ByteSendStream,
  ByteStream,
  ObjectReceiveStream,
  ObjectSendStream,
  ObjectStream,
} from "./types.ts";

/** What a stapled stream needs of each half. */
type Half = AsyncResource & { readonly extraAttributes: TypedAttributeMap };

/**
 * What both stapled streams share: the two halves, closing, attributes, iteration and
 * disposal. Only sending and receiving differ between bytes and objects.
 */
abstract class Stapled<S extends Half, R extends Half, Item> extends TypedAttributeProvider {
  /** The stream `send()` writes to. */
  readonly sendStream: S;
  /** The stream `receive()` reads from. */
  readonly receiveStream: R;

  /**
   * @throws {TypeError} if `sendStream` has no `send()` and `aclose()`, or
   *   `receiveStream` no `receive()` and `aclose()`.
   */
  constructor(sendStream: S, receiveStream: R) {
    super();
    checkStream(sendStream, "sendStream", ["send", "aclose"]);
    checkStream(receiveStream, "receiveStream", ["receive", "aclose"]);
    this.sendStream = sendStream;
    this.receiveStream = receiveStream;
  }

  /** Receives the next chunk or item from the receive half. */
  abstract receive(): Promise<Item>;

  /**
   * Closes the send half: the peer sees end of stream, and this stream can still
   * receive. Idempotent, because closing is.
   *
   * @example
   * ```ts
   * import { StapledObjectStream } from "structio";
   *
   * declare const stream: StapledObjectStream<string>;
   * await stream.sendEof();
   * for await (const reply of stream) console.log(reply); // still receives
   * ```
   */
  async sendEof(): Promise<void> {
    await this.sendStream.aclose();
  }

  /**
   * Closes the send half, then the receive half even if closing the send half failed or
   * was cancelled, so a stapled stream never leaves its receive half open. The send
   * half's error propagates once the receive half is closed; if closing the receive
   * half fails too, its error wins, as with any `finally`. Idempotent.
   *
   * @example
   * ```ts
   * import { StapledByteStream } from "structio";
   *
   * declare const stream: StapledByteStream;
   * await stream.aclose();
   * ```
   */
  async aclose(): Promise<void> {
    try {
      await this.sendStream.aclose();
    } finally {
      await this.receiveStream.aclose();
    }
  }

  /** The typed attributes of both halves; the receive half's win a conflict. */
  override get extraAttributes(): TypedAttributeMap {
    return mergeTypedAttributes(this.sendStream, this.receiveStream);
  }

  /** Receives until end of stream (see {@link ObjectReceiveStream}). */
  [Symbol.asyncIterator](): AsyncIterator<Item> {
    return receiveUntilEnd(this);
  }

  /** Closes both halves when an `await using` block ends (see {@link aclose}). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }
}

/**
 * A two-way byte stream made of a {@link ByteSendStream} and a
 * {@link ByteReceiveStream}: `send()` goes to the one, `receive()` comes from the
 * other. `sendEof()` closes the send half only (the peer sees end of stream while this
 * side keeps receiving); `aclose()` closes both.
 *
 * Typed attributes come from both halves; where both provide one, the receive half's
 * value wins (as in AnyIO).
 *
 * @example
 * ```ts
 * import { type ByteReceiveStream, type ByteSendStream, StapledByteStream } from "structio";
 *
 * declare const input: ByteReceiveStream; // a subprocess's stdout, say
 * declare const output: ByteSendStream; // and its stdin
 * await using stream = new StapledByteStream(output, input);
 * await stream.send(new TextEncoder().encode("ping\n"));
 * await stream.sendEof(); // closes `output` only
 * for await (const chunk of stream) console.log(chunk.byteLength);
 * ```
 */
export class StapledByteStream extends Stapled<ByteSendStream, ByteReceiveStream, Uint8Array> implements ByteStream {
  /**
   * Receives at most `maxBytes` bytes from the receive half.
   *
   * @throws {TypeError} if `maxBytes` is not a number.
   * @throws {RangeError} if `maxBytes` is not a whole number >= 1.
   * @throws {EndOfStream} once the receive half has ended.
   *
   * @example
   * ```ts
   * import { StapledByteStream } from "structio";
   *
   * declare const stream: StapledByteStream;
   * const header = await stream.receive(16); // 1 to 16 bytes
   * ```
   */
  async receive(maxBytes: number = DEFAULT_MAX_BYTES): Promise<Uint8Array> {
    checkMaxBytes(maxBytes);
    return await this.receiveStream.receive(maxBytes);
  }

  /**
   * Sends `data` through the send half.
   *
   * @example
   * ```ts
   * import { StapledByteStream } from "structio";
   *
   * declare const stream: StapledByteStream;
   * await stream.send(new Uint8Array([1, 2, 3]));
   * ```
   */
  async send(data: Uint8Array): Promise<void> {
    await this.sendStream.send(data);
  }
}

/**
 * A two-way object stream made of an {@link ObjectSendStream} and an
 * {@link ObjectReceiveStream} of the same item type, such as the two ends of two
 * memory object streams. `sendEof()` closes the send half only; `aclose()` closes both.
 *
 * Typed attributes come from both halves; where both provide one, the receive half's
 * value wins (as in AnyIO).
 *
 * @example
 * ```ts
 * import { createMemoryObjectStream, StapledObjectStream } from "structio";
 *
 * // Two one-way channels make a connected pair of two-way streams.
 * const [toServer, fromClient] = createMemoryObjectStream<string>(Infinity);
 * const [toClient, fromServer] = createMemoryObjectStream<string>(Infinity);
 * await using client = new StapledObjectStream(toServer, fromServer);
 * await using server = new StapledObjectStream(toClient, fromClient);
 * await client.send("ping");
 * await server.send(`${await server.receive()} pong`);
 * console.log(await client.receive()); // "ping pong"
 * ```
 */
export class StapledObjectStream<T>
  extends Stapled<ObjectSendStream<T>, ObjectReceiveStream<T>, T>
  implements ObjectStream<T> {
  /**
   * Receives the next item from the receive half.
   *
   * @throws {EndOfStream} once the receive half has ended.
   *
   * @example
   * ```ts
   * import { StapledObjectStream } from "structio";
   *
   * declare const stream: StapledObjectStream<string>;
   * console.log(await stream.receive());
   * ```
   */
  async receive(): Promise<T> {
    return await this.receiveStream.receive();
  }

  /**
   * Sends `item` through the send half.
   *
   * @example
   * ```ts
   * import { StapledObjectStream } from "structio";
   *
   * declare const stream: StapledObjectStream<string>;
   * await stream.send("hello");
   * ```
   */
  async send(item: T): Promise<void> {
    await this.sendStream.send(item);
  }

  /**
   * Sends `item` without waiting, through the send half's own `sendNowait()` (a memory
   * object stream has one).
   *
   * @throws {TypeError} if the send half has no `sendNowait()` (AnyIO raises
   *   NotImplementedError there; JavaScript has no such class).
   * @throws {WouldBlock} if the send half cannot take the item now.
   *
   * @example
   * ```ts
   * import { createMemoryObjectStream, StapledObjectStream } from "structio";
   *
   * const [send, receive] = createMemoryObjectStream<number>(1);
   * const stream = new StapledObjectStream(send, receive);
   * stream.sendNowait(7);
   * console.log(await stream.receive()); // 7
   * ```
   */
  sendNowait(item: T): void {
    const sendStream = this.sendStream as ObjectSendStream<T> & { sendNowait?: unknown };
    if (typeof sendStream.sendNowait !== "function") {
      throw new TypeError(`the send half (${sendStream.constructor?.name ?? "object"}) has no sendNowait() method`);
    }
    // Called as a method of the send half, so its own `this` is right; errors it raises
    // (WouldBlock, ClosedResourceError, anything else) propagate unchanged.
    (sendStream as { sendNowait(item: T): void }).sendNowait(item);
  }
}
