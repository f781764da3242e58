/**
 * The receiving end of a memory object stream.
 *
 * @module
 */
import { parkUntil, yieldPoint } from "../core/checkpoint.ts";
import { currentScope } from "../core/context.ts";
import { ClosedResourceError, EndOfStream, WouldBlock } from "../core/errors.ts";
import type { MemoryObjectStreamStatistics, ReceiveSide } from "./memory-state.ts";
import type { ObjectReceiveStream } from "./types.ts";
import { TypedAttributeProvider } from "./typed-attributes.ts";

/** What #tryReceive returns when the receiver must wait; private, so no item can equal it. */
const NOTHING: unique symbol = Symbol("nothing to receive");

/**
 * The receiving end of a memory object stream, made by `createMemoryObjectStream()`.
 *
 * `clone()` makes another receive end on the same stream, for several consumers: each
 * item goes to exactly one receiver, the one that has waited longest. The senders see
 * the stream as broken once every clone is closed. Closing is idempotent and never
 * waits; `using` and `await using` close the end when the block ends.
 *
 * `for await (const item of receive)` receives until end of stream and then ends
 * quietly; leaving the loop early does not close the end.
 *
 * `T` is covariant: a `MemoryObjectReceiveStream<number>` may be used where a
 * `MemoryObjectReceiveStream<number | string>` is expected.
 *
 * It provides no typed attributes of its own: `extra(attribute)` returns the default,
 * or raises TypedAttributeLookupError when none is given.
 *
 * @example
 * ```ts
 * import { createMemoryObjectStream, withTaskGroup } from "structio";
 *
 * const [send, receive] = createMemoryObjectStream<string>(10);
 * await withTaskGroup(async (tg) => {
 *   tg.startSoon(async () => {
 *     await using r = receive;
 *     for await (const line of r) console.log(line);
 *   });
 *   await using s = send;
 *   await s.send("one");
 *   await s.send("two");
 * }); // closing `s` ends the loop once both lines are printed
 * ```
 */
export class MemoryObjectReceiveStream<out T> extends TypedAttributeProvider
  implements ObjectReceiveStream<T>, Disposable {
  readonly #state: ReceiveSide<T>;
  #closed = false;

  /** @internal Use `createMemoryObjectStream()` or `clone()`. */
  constructor(state: ReceiveSide<T>) {
    super();
    this.#state = state;
    state.receiveEndOpened();
  }

  /**
   * Receives the next item: from the buffer, or from the longest-waiting sender, or else
   * waits (in FIFO order behind earlier receivers) until one is sent.
   *
   * It is a checkpoint even when it does not wait. If it is cancelled while waiting, no
   * item is taken; if an item was handed to it first, it returns that item although the
   * cancellation came a moment later (the cancellation is raised at the next checkpoint).
   *
   * @throws {EndOfStream} once every send end is closed and the buffer is empty.
   * @throws {ClosedResourceError} if this end is closed, or is closed while waiting.
   *
   * @example
   * ```ts
   * import { createMemoryObjectStream, EndOfStream } from "structio";
   *
   * const [send, receive] = createMemoryObjectStream<number>(1);
   * await send.send(42);
   * send.close();
   * console.log(await receive.receive()); // 42: buffered items outlive the send end
   * try {
   *   await receive.receive();
   * } catch (err) {
   *   console.log(err instanceof EndOfStream); // true
   * }
   * ```
   */
  async receive(): Promise<T> {
    // checkpoint(), inlined: calling it would cost every receive one more promise and one
    // more microtask turn (three turns instead of two before the caller resumes).
    const scope = currentScope();
    if (scope._effective) throw scope._cancelledError();
    await yieldPoint(scope._task!._runner);
    if (scope._effective) throw scope._cancelledError();
    const item = this.#tryReceive();
    if (item !== NOTHING) return item;
    // Queued in parkUntil()'s setup, which runs at once, so a queued receiver is always
    // registered for cancellation and one whose scope is cancelled is never handed an item.
    return await parkUntil<T>((parked) => this.#state.waitToReceive(this, parked));
  }

  /**
   * Receives the next item if that needs no waiting: from the buffer, or from the
   * longest-waiting sender. Not a checkpoint.
   *
   * @throws {WouldBlock} if there is nothing to take. Receivers already waiting are never
   *   overtaken (when one waits there is nothing to take).
   * @throws {EndOfStream} once every send end is closed and the buffer is empty.
   * @throws {ClosedResourceError} if this end is closed.
   *
   * @example
   * ```ts
   * import { createMemoryObjectStream } from "structio";
   *
   * const [send, receive] = createMemoryObjectStream<string>(2);
   * send.sendNowait("a");
   * console.log(receive.receiveNowait()); // "a"
   * ```
   */
  receiveNowait(): T {
    const item = this.#tryReceive();
    if (item === NOTHING) throw new WouldBlock("the memory object stream has nothing to receive");
    return item;
  }

  /**
   * Makes another receive end on the same stream. Each end is closed separately; the
   * senders see a broken stream once every receive end is closed.
   *
   * @throws {ClosedResourceError} if this end is closed.
   *
   * @example
   * ```ts
   * import { createMemoryObjectStream } from "structio";
   *
   * const [send, receive] = createMemoryObjectStream<string>(1);
   * const other = receive.clone();
   * receive.close();
   * send.sendNowait("still read");
   * console.log(other.receiveNowait()); // "still read"
   * ```
   */
  clone(): MemoryObjectReceiveStream<T> {
    if (this.#closed) throw new ClosedResourceError("the receive end is closed");
    return new MemoryObjectReceiveStream<T>(this.#state);
  }

  /**
   * Closes this end at once; calling it again does nothing. Tasks parked in `receive()`
   * on this end raise ClosedResourceError. When it was the last open receive end, tasks
   * parked in `send()` raise BrokenResourceError (their items were not taken), later
   * sends raise it too, and the buffered items are dropped.
   *
   * @example
   * ```ts
   * import { BrokenResourceError, createMemoryObjectStream } from "structio";
   *
   * const [send, receive] = createMemoryObjectStream<string>(1);
   * receive.close();
   * try {
   *   send.sendNowait("nobody listens");
   * } catch (err) {
   *   console.log(err instanceof BrokenResourceError); // true
   * }
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#state.closeReceiveEnd(this);
  }

  /**
   * The same as {@link close}, as an async resource: never waits and never raises, not
   * even in a cancelled scope (AnyIO's memory streams do not checkpoint here either).
   *
   * @example
   * ```ts
   * import { createMemoryObjectStream } from "structio";
   *
   * const [, receive] = createMemoryObjectStream<string>();
   * await receive.aclose();
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
   * const [send, receive] = createMemoryObjectStream<string>();
   * receive.clone();
   * console.log(send.statistics().openReceiveStreams); // 2
   * ```
   */
  statistics(): MemoryObjectStreamStatistics {
    return this.#state.statistics();
  }

  /**
   * Receives items until end of stream, then ends quietly. Each step is a `receive()`,
   * so it is a checkpoint; breaking out of the loop leaves the end open.
   *
   * @example
   * ```ts
   * import { createMemoryObjectStream } from "structio";
   *
   * const [send, receive] = createMemoryObjectStream<number>(Infinity);
   * for (const n of [1, 2, 3]) send.sendNowait(n);
   * send.close();
   * for await (const n of receive) console.log(n); // 1 2 3
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    while (true) {
      let item: T;
      try {
        item = await this.receive();
      } catch (err) {
        if (err instanceof EndOfStream) return;
        throw err;
      }
      yield item;
    }
  }

  /** Closes the end when a `using` block ends (see {@link close}). */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Closes the end when an `await using` block ends (see {@link aclose}). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }

  /** Takes an item if no wait is needed; NOTHING when the receiver must wait. */
  #tryReceive(): T | typeof NOTHING {
    if (this.#closed) throw new ClosedResourceError("the receive end is closed");
    const state = this.#state;
    if (state.canTake) return state.take();
    if (state.openSendStreams === 0) throw new EndOfStream();
    return NOTHING;
  }
}
