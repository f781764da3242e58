/**
 * A bounded first-in first-out queue. `put` waits while the queue is full and `get`
 * while it is empty; after `aclose()` the items left can still be taken, then `get`
 * raises {@link QueueClosed} and iteration ends.
 *
 * @module
 */
import { AsyncWaiters } from "../waiting.ts";

/**
 * Raised by `put` on a closed queue, and by `get` on a closed queue with nothing left.
 *
 * @example
 * ```ts
 * try {
 *   await queue.get();
 * } catch (error) {
 *   if (!(error instanceof QueueClosed)) throw error;
 * }
 * ```
 */
export class QueueClosed extends Error {
  override name = "QueueClosed";
}

/**
 * A queue of at most `capacity` items.
 *
 * @example
 * ```ts
 * await using queue = new AsyncQueue<number>(2);
 * await queue.put(1);
 * console.log(await queue.get()); // 1
 * ```
 */
export class AsyncQueue<T> implements AsyncIterable<T>, AsyncDisposable {
  readonly capacity: number;
  #items: T[] = [];
  #closed = false;
  // One set of waiters for both directions: every change wakes them all, and each
  // looks again at what it was waiting for.
  #changed = new AsyncWaiters();

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a whole number >= 1, not ${capacity}`);
    }
    this.capacity = capacity;
  }

  /** How many items are waiting to be taken. */
  get size(): number {
    return this.#items.length;
  }

  /** Adds `item` at the end, once there is room. */
  async put(item: T): Promise<void> {
    while (!this.#closed && this.#items.length >= this.capacity) await this.#changed.wait();
    if (this.#closed) throw new QueueClosed("put on a closed queue");
    this.#items.push(item);
    this.#changed.wakeAll();
  }

  /** Takes the first item, once there is one. */
  async get(): Promise<T> {
    while (!this.#closed && this.#items.length === 0) await this.#changed.wait();
    if (this.#items.length === 0) throw new QueueClosed("get on a closed, empty queue");
    const item = this.#items.shift() as T;
    this.#changed.wakeAll();
    return item;
  }

  /** Refuses further items; those already in the queue can still be taken. */
  async aclose(): Promise<void> {
    this.#closed = true;
    this.#changed.wakeAll();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.aclose();
  }

  /** Takes items until the queue is closed and empty. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    while (true) {
      try {
        yield await this.get();
      } catch (error) {
        if (error instanceof QueueClosed) return;
        throw error;
      }
    }
  }
}
