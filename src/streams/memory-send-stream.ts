/**
 * The sending end of a memory object stream.
 *
 * @module
 */
import { parkUntil, yieldPoint } from "../core/checkpoint.ts";
import { currentScope } from "../core/context.ts";
import { ClosedResourceError, WouldBlock } from "../core/errors.ts";
import type { MemoryObjectStreamStatistics, SendSide } from "./memory-state.ts";
import type { ObjectSendStream } from "./types.ts";
import { TypedAttributeProvider } from "./typed-attributes.ts";

/**
 * The sending end of a memory object stream, made by `createMemoryObjectStream()`.
 *
 * `clone()` makes another send end on the same stream, for several producers: the
 * receivers see end of stream once every clone is closed. Closing is idempotent and
 * never waits; `using` and `await using` close the end when the block ends.
 *
 * `T` is contravariant: a `MemoryObjectSendStream<number | string>` may be used where a
 * `MemoryObjectSendStream<number>` is expected.
 *
 * It provides no typed attributes of its own: `extra(attribute)` returns the default,
 * or raises TypedAttributeLookupError when none is given.
 *
 * @example
 * ```ts
 * import { createMemoryObjectStream, withTaskGroup } from "structio";
 *
 * const [send, receive] = createMemoryObjectStream<number>();
 * await withTaskGroup(async (tg) => {
 *   for (const id of [1, 2]) {
 *     tg.startSoon(async (producer) => {
 *       await using s = producer;
 *       await s.send(id);
 *     }, send.clone());
 *   }
 *   send.close(); // the clones keep the stream open
 *   for await (const n of receive) console.log(n); // 1, then 2
 * });
 * ```
 */
export class MemoryObjectSendStream<in T> extends TypedAttributeProvider
  implements ObjectSendStream<T>, Disposable {
  readonly #state: SendSide<T>;
  #closed = false;

  /** @internal Use `createMemoryObjectStream()` or `clone()`. */
  constructor(state: SendSide<T>) {
    super();
    this.#state = state;
    state.sendEndOpened();
  }

  /**
   * Sends `item`: hands it to the longest-waiting receiver, or buffers it, or else waits
   * (in FIFO order behind earlier senders) until a receiver takes it.
   *
   * It is a checkpoint even when it does not wait. If it is cancelled while waiting, the
   * item was not sent and is not left in the stream; if a receiver took the item first,
   * the send completes although the cancellation came a moment later.
   *
   * @throws {ClosedResourceError} if this end is closed, or is closed while waiting.
   * @throws {BrokenResourceError} if every receive end is closed, or all are closed while
   *   waiting (the item was not taken).
   *
   * @example
   * ```ts
   * import { createMemoryObjectStream, withTaskGroup } from "structio";
   *
   * const [send, receive] = createMemoryObjectStream<string>(); // a rendezvous
   * await withTaskGroup(async (tg) => {
   *   tg.startSoon(async () => console.log(await receive.receive())); // "hi"
   *   await send.send("hi"); // returns once the receiver has the item
   * });
   * ```
   */
  async send(item: T): Promise<void> {
    // checkpoint(), inlined: calling it would cost every send one more promise and one
    // more microtask turn (three turns instead of two before the caller resumes).
    const scope = currentScope();
    if (scope._effective) throw scope._cancelledError();
    await yieldPoint(scope._task!._runner);
    if (scope._effective) throw scope._cancelledError();
    if (this.#trySend(item)) return;
    // Queued in parkUntil()'s setup, which runs at once, so a queued sender is always
    // registered for cancellation and one whose scope is cancelled leaves no item behind.
    await parkUntil<void>((parked) => this.#state.waitToSend(this, item, parked));
  }

  /**
   * Sends `item` if that needs no waiting: hands it to the longest-waiting receiver, or
   * buffers it. Not a checkpoint.
   *
   * @throws {WouldBlock} if the buffer is full (or, in a rendezvous, nobody is waiting
   *   to receive). Senders already waiting are never overtaken.
   * @throws {ClosedResourceError} if this end is closed.
   * @throws {BrokenResourceError} if every receive end is closed.
   *
   * @example
   * ```ts
   * import { createMemoryObjectStream, WouldBlock } from "structio";
   *
   * const [send] = createMemoryObjectStream<number>(1);
   * send.sendNowait(1);
   * try {
   *   send.sendNowait(2);
   * } catch (err) {
   *   console.log(err instanceof WouldBlock); // true: the buffer is full
   * }
   * ```
   */
  sendNowait(item: T): void {
    if (!this.#trySend(item)) throw new WouldBlock("the memory object stream's buffer is full");
  }

  /**
   * Makes another send end on the same stream. Each end is closed separately; the
   * receivers see end of stream once every send end is closed.
   *
   * @throws {ClosedResourceError} if this end is closed.
   *
   * @example
   * ```ts
   * import { createMemoryObjectStream } from "structio";
   *
   * const [send, receive] = createMemoryObjectStream<string>(1);
   * const other = send.clone();
   * send.close();
   * other.sendNowait("still open");
   * console.log(receive.receiveNowait()); // "still open"
   * ```
   */
  clone(): MemoryObjectSendStream<T> {
    if (this.#closed) throw new ClosedResourceError("the send end is closed");
    return new MemoryObjectSendStream<T>(this.#state);
  }

  /**
   * Closes this end at once; calling it again does nothing. Tasks parked in `send()` on
   * this end raise ClosedResourceError (their items are not sent). When it was the last
   * open send end, receivers take what is buffered, then raise EndOfStream.
   *
   * @example
   * ```ts
   * import { createMemoryObjectStream } from "structio";
   *
   * const [send, receive] = createMemoryObjectStream<string>(1);
   * send.sendNowait("last");
   * send.close();
   * console.log(await receive.receive()); // "last"; the next receive raises EndOfStream
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#state.closeSendEnd(this);
  }

  /**
   * The same as {@link close}, as an async resource: never waits and never raises, not
   * even in a cancelled scope (AnyIO's memory streams do not checkpoint here either).
   *
   * @example
   * ```ts
   * import { createMemoryObjectStream } from "structio";
   *
   * const [send] = createMemoryObjectStream<string>();
   * await send.aclose();
   * ```
   */
  async aclose(): Promise<void> {
    this.close();
  }

  /**
   * Current figures of the whole stream (both ends).
   *
   * @example
   * ```ts
   * import { createMemoryObjectStream } from "structio";
   *
   * const [send] = createMemoryObjectStream<string>(Infinity);
   * send.sendNowait("a");
   * console.log(send.statistics().currentBufferUsed); // 1
   * ```
   */
  statistics(): MemoryObjectStreamStatistics {
    return this.#state.statistics();
  }

  /** Closes the end when a `using` block ends (see {@link close}). */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Closes the end when an `await using` block ends (see {@link aclose}). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }

  /** Delivers `item` if no wait is needed; false when the sender must wait. */
  #trySend(item: T): boolean {
    if (this.#closed) throw new ClosedResourceError("the send end is closed");
    return this.#state.offer(item);
  }
}
