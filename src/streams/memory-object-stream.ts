/**
 * Memory object streams: a queue between tasks with a send end and a receive end, each
 * of which can be cloned and closed separately. AnyIO's `create_memory_object_stream`.
 *
 * @module
 */
import { MemoryObjectStreamState } from "./memory-state.ts";
import { MemoryObjectReceiveStream } from "./memory-receive-stream.ts";
import { MemoryObjectSendStream } from "./memory-send-stream.ts";

/**
 * Creates a memory object stream and returns its two ends, `[send, receive]`.
 *
 * `maxBufferSize` is how many items may wait in the stream without a receiver: with the
 * default 0 the stream is a rendezvous (each `send()` waits until a receiver takes the
 * item); `Infinity` never makes a sender wait. Items reach receivers in the order they
 * were sent, each item exactly one receiver, and waiting tasks are served first come,
 * first served.
 *
 * Items are passed as they are, with one exception that comes from JavaScript itself:
 * `receive()` is an async function, so an item that is a promise (or any thenable) is
 * awaited on the way out, as any value an async function returns is. To pass a promise
 * through unsettled, wrap it (`{ promise }`).
 *
 * The ends come as a tuple, like AnyIO's and Trio's pair: destructuring lets each caller
 * name the ends for their role (`[jobs, jobQueue]`, `[tx, rx]`), the way React's
 * `useState` pair is named, and an object with `send`/`receive` keys would read as
 * `streams.send.send(x)`.
 *
 * @throws {TypeError} if `maxBufferSize` is not a number.
 * @throws {RangeError} if `maxBufferSize` is negative, NaN or not an integer (other
 *   than `Infinity`).
 *
 * @example
 * ```ts
 * import { createMemoryObjectStream, withTaskGroup } from "structio";
 *
 * const [send, receive] = createMemoryObjectStream<string>(10);
 * await withTaskGroup(async (tg) => {
 *   tg.startSoon(async () => {
 *     using s = send;
 *     for (const word of ["structured", "concurrency"]) await s.send(word);
 *   });
 *   for await (const word of receive) console.log(word);
 * });
 * receive.close();
 * ```
 */
export function createMemoryObjectStream<T>(
  maxBufferSize: number = 0,
): [send: MemoryObjectSendStream<T>, receive: MemoryObjectReceiveStream<T>] {
  if (typeof maxBufferSize !== "number") {
    throw new TypeError(`maxBufferSize must be a number, not ${typeof maxBufferSize}`);
  }
  if (maxBufferSize < 0) {
    throw new RangeError(`maxBufferSize cannot be negative, got ${maxBufferSize}`);
  }
  if (maxBufferSize !== Infinity && !Number.isInteger(maxBufferSize)) {
    throw new RangeError(`maxBufferSize must be an integer or Infinity, got ${maxBufferSize}`);
  }
  const state = new MemoryObjectStreamState<T>(maxBufferSize);
  return [new MemoryObjectSendStream<T>(state), new MemoryObjectReceiveStream<T>(state)];
}
