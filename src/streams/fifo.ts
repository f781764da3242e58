/**
 * A first-in first-out queue of values with O(1) push and shift: the buffer of a memory
 * object stream.
 *
 * `Array.prototype.shift` moves every remaining element, which turns a full buffer of a
 * million items into a quadratic drain. This queue instead advances a head index and
 * compacts the array only once the consumed prefix is at least half of it, so every
 * element is moved at most once per compaction and the cost stays amortised O(1).
 *
 * @module
 */

/** A consumed prefix shorter than this is never compacted: small queues just reset. */
const COMPACT_AT = 1024;

/**
 * A FIFO queue. `shift()` on an empty queue is a programming error; check `size` first
 * (values may be `undefined`, so no sentinel could tell "empty" apart).
 *
 * @internal Not part of the public API.
 *
 * @example
 * ```ts
 * const queue = new Fifo<string>();
 * queue.push("a");
 * queue.push("b");
 * console.log(queue.shift(), queue.size); // "a" 1
 * ```
 */
export class Fifo<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  /** How many values are queued. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** Adds `value` at the back. */
  push(value: T): void {
    this.#items.push(value);
  }

  /** Removes and returns the value at the front; the queue must not be empty. */
  shift(): T {
    const items = this.#items;
    const value = items[this.#head] as T;
    // Drop the reference at once, so a consumed item can be collected before compaction.
    items[this.#head] = undefined;
    this.#head++;
    if (this.#head === items.length) {
      // Empty: start again at index 0 instead of growing the array forever.
      items.length = 0;
      this.#head = 0;
    } else if (this.#head >= COMPACT_AT && this.#head * 2 >= items.length) {
      items.copyWithin(0, this.#head);
      items.length -= this.#head;
      this.#head = 0;
    }
    return value;
  }

  /** Removes every value. */
  clear(): void {
    this.#items = [];
    this.#head = 0;
  }
}
