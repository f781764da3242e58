/**
 * The stream interfaces: what every stream in structio (memory object streams now;
 * sockets, TLS, stapled, buffered and text streams later) promises its users.
 *
 * Two families, as in AnyIO: *object* streams carry whole values of some type `T`, one
 * value per `send()` and per `receive()`; *byte* streams carry a sequence of bytes cut
 * into chunks of arbitrary size (`Uint8Array`). Every stream is an {@link AsyncResource}.
 *
 * The rules every implementation keeps:
 * - End of stream is always signalled by {@link EndOfStream}, never by an empty chunk or
 *   an `undefined` item, so `undefined` and `new Uint8Array(0)` are never ambiguous.
 *   Iterating with `for await` ends quietly at end of stream.
 * - Using a stream after this side closed it raises {@link ClosedResourceError}; a stream
 *   made unusable by the other side or by outside causes raises
 *   {@link BrokenResourceError}.
 * - Closing is idempotent: closing again does nothing.
 * - `send()` and `receive()` are checkpoints: they can be cancelled, and a cancelled call
 *   has no effect (nothing sent, nothing taken) unless it had already completed.
 * - Every stream and listener is a {@link TypedAttributeProvider}: `extra(attribute)`
 *   looks up a typed attribute of the stream or of any stream it wraps.
 *
 * @module
 */
import type { TaskGroup } from "../core/task-group.ts";
import type { TypedAttributeProvider } from "./typed-attributes.ts";

/**
 * Something that holds a resource and must be closed: `await resource.aclose()`, or
 * `await using resource = ...` to close it when the block ends.
 *
 * Closing is idempotent, and a close that is cancelled still releases the resource
 * (it may then raise `Cancelled`, after releasing it).
 *
 * @example
 * ```ts
 * import { createMemoryObjectStream } from "structio";
 *
 * const [send, receive] = createMemoryObjectStream<string>(1);
 * await using sendEnd = send; // closed when the block ends
 * await sendEnd.send("hello");
 * await receive.aclose();
 * await receive.aclose(); // closing again does nothing
 * ```
 */
export interface AsyncResource extends AsyncDisposable {
  /** Closes the resource. Calling it again does nothing. */
  aclose(): Promise<void>;
  /** The same as {@link AsyncResource.aclose}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * The receiving end of an object stream: each `receive()` returns one whole item, in
 * the order they were sent, none missed.
 *
 * `for await (const item of stream)` receives until end of stream, then ends quietly;
 * leaving the loop early (`break`) does not close the stream.
 *
 * @example
 * ```ts
 * import { type ObjectReceiveStream } from "structio";
 *
 * async function sum(stream: ObjectReceiveStream<number>): Promise<number> {
 *   let total = 0;
 *   for await (const n of stream) total += n; // ends at EndOfStream
 *   return total;
 * }
 * ```
 */
export interface ObjectReceiveStream<out T> extends AsyncResource, AsyncIterable<T>, TypedAttributeProvider {
  /**
   * Receives the next item, waiting until there is one.
   *
   * @throws {EndOfStream} when the other end closed the stream and nothing is left.
   * @throws {ClosedResourceError} when this end was closed.
   * @throws {BrokenResourceError} when the stream broke for outside reasons.
   */
  receive(): Promise<T>;
  /** Receives items until end of stream (see the interface's description). */
  [Symbol.asyncIterator](): AsyncIterator<T>;
}

/**
 * The sending end of an object stream: items reach the receiver in the order sent.
 *
 * @example
 * ```ts
 * import { type ObjectSendStream } from "structio";
 *
 * async function produce(stream: ObjectSendStream<number>): Promise<void> {
 *   await using s = stream; // closing tells the receiver there is no more
 *   for (let i = 0; i < 3; i++) await s.send(i);
 * }
 * ```
 */
export interface ObjectSendStream<in T> extends AsyncResource, TypedAttributeProvider {
  /**
   * Sends `item`, waiting while the stream cannot take it.
   *
   * @throws {ClosedResourceError} when this end was closed.
   * @throws {BrokenResourceError} when the receiving side is gone.
   */
  send(item: T): Promise<void>;
}

/**
 * A two-way object stream (a connection that carries values). `sendEof()` closes the
 * sending direction only: the peer's receive then raises {@link EndOfStream} while this
 * side can still receive.
 *
 * @example
 * ```ts
 * import { type ObjectStream } from "structio";
 *
 * async function ask(stream: ObjectStream<string>): Promise<string[]> {
 *   await stream.send("question");
 *   await stream.sendEof(); // nothing more from us; answers may still come
 *   const answers: string[] = [];
 *   for await (const answer of stream) answers.push(answer);
 *   return answers;
 * }
 * ```
 */
export interface ObjectStream<T> extends ObjectReceiveStream<T>, ObjectSendStream<T> {
  /**
   * Tells the peer that nothing more will be sent. Idempotent; sending afterwards is an
   * error.
   */
  sendEof(): Promise<void>;
}

/**
 * The receiving end of a byte stream: `receive(maxBytes)` returns the next chunk of
 * between 1 and `maxBytes` bytes. Chunk boundaries carry no meaning. Never returns an
 * empty chunk: end of stream is {@link EndOfStream}.
 *
 * `for await (const chunk of stream)` receives chunks until end of stream.
 *
 * @example
 * ```ts
 * import { type ByteReceiveStream } from "structio";
 *
 * async function countBytes(stream: ByteReceiveStream): Promise<number> {
 *   let n = 0;
 *   for await (const chunk of stream) n += chunk.byteLength;
 *   return n;
 * }
 * ```
 */
export interface ByteReceiveStream extends AsyncResource, AsyncIterable<Uint8Array>, TypedAttributeProvider {
  /**
   * Receives at most `maxBytes` bytes (default 65536), waiting until at least one byte
   * is available.
   *
   * @throws {RangeError} when `maxBytes` is not a positive integer.
   * @throws {EndOfStream} when the peer finished sending and nothing is left.
   * @throws {ClosedResourceError} when this end was closed.
   * @throws {BrokenResourceError} when the stream broke (a reset connection, say).
   */
  receive(maxBytes?: number): Promise<Uint8Array>;
  /** Receives chunks until end of stream. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array>;
}

/**
 * The sending end of a byte stream.
 *
 * @example
 * ```ts
 * import { type ByteSendStream } from "structio";
 *
 * async function greet(stream: ByteSendStream): Promise<void> {
 *   await stream.send(new TextEncoder().encode("hello\n"));
 * }
 * ```
 */
export interface ByteSendStream extends AsyncResource, TypedAttributeProvider {
  /**
   * Sends all of `data`, waiting while the stream cannot take it. A stream may keep
   * `data` without copying it and read it after `send()` returns (a socket does, as
   * Node's `socket.write` does): do not change it afterwards unless the stream says it
   * is done with it by then. To refill one buffer in a loop, send a copy
   * (`buffer.slice(0, n)`).
   *
   * @throws {ClosedResourceError} when this end was closed.
   * @throws {BrokenResourceError} when the stream broke.
   */
  send(data: Uint8Array): Promise<void>;
}

/**
 * A two-way byte stream (a TCP connection, say). `sendEof()` half-closes it: the peer
 * sees end of stream while this side can still receive.
 *
 * @example
 * ```ts
 * import { type ByteStream } from "structio";
 *
 * async function request(stream: ByteStream, body: Uint8Array): Promise<Uint8Array[]> {
 *   await stream.send(body);
 *   await stream.sendEof();
 *   const reply: Uint8Array[] = [];
 *   for await (const chunk of stream) reply.push(chunk);
 *   return reply;
 * }
 * ```
 */
export interface ByteStream extends ByteReceiveStream, ByteSendStream {
  /**
   * Tells the peer that nothing more will be sent. Idempotent; sending afterwards is an
   * error.
   */
  sendEof(): Promise<void>;
}

/**
 * Something that accepts incoming connections (a TCP listener, say) and hands each to a
 * handler running in its own task.
 *
 * @example
 * ```ts
 * import { type ByteStream, type Listener } from "structio";
 *
 * async function echoServer(listener: Listener<ByteStream>): Promise<void> {
 *   await listener.serve(async (client) => {
 *     await using c = client;
 *     for await (const chunk of c) await c.send(chunk);
 *   });
 * }
 * ```
 */
export interface Listener<out T> extends AsyncResource, TypedAttributeProvider {
  /**
   * Accepts connections until cancelled or closed, starting `handler(connection)` for
   * each in `taskGroup` (or in a task group of its own, which `serve()` waits for).
   */
  serve(handler: (connection: T) => unknown, taskGroup?: TaskGroup): Promise<void>;
}

/**
 * Either kind of stream that receives bytes: wrappers that work on bytes (buffered and
 * text streams) accept both.
 *
 * @example
 * ```ts
 * import { type AnyByteReceiveStream } from "structio";
 *
 * async function first(stream: AnyByteReceiveStream): Promise<Uint8Array> {
 *   return await stream.receive();
 * }
 * ```
 */
export type AnyByteReceiveStream = ObjectReceiveStream<Uint8Array> | ByteReceiveStream;

/**
 * Either kind of stream that sends bytes.
 *
 * @example
 * ```ts
 * import { type AnyByteSendStream } from "structio";
 *
 * async function ping(stream: AnyByteSendStream): Promise<void> {
 *   await stream.send(new Uint8Array([1]));
 * }
 * ```
 */
export type AnyByteSendStream = ObjectSendStream<Uint8Array> | ByteSendStream;

/**
 * Either kind of two-way stream that carries bytes.
 *
 * @example
 * ```ts
 * import { type AnyByteStream } from "structio";
 *
 * async function finish(stream: AnyByteStream): Promise<void> {
 *   await stream.sendEof();
 * }
 * ```
 */
export type AnyByteStream = ObjectStream<Uint8Array> | ByteStream;
