/**
 * A first-in first-out queue of values with O(1) push and shift: the buffer of a memory
 * object stream.
 *
 * `Array.prototype.shift` moves every remaining element, which turns a full buffer of a
 * million items into a quadratic drain. This queue instead advances a head index and
 * compacts the array only once the consumed prefix is at least half of it, so every
 * element is moved at most once per compaction and the cost stays amortised O(1). When
 * the queue empties it starts again at index 0 and reuses the array's slots, so a buffer
 * that fills and drains by turns (the usual case) allocates nothing.
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
  /** One past the last value: slots from here to `#items.length` are free for reuse. */
  #tail = 0;

  /** How many values are queued. */
  get size(): number {
    return this.#tail - this.#head;
  }

  /** Adds `value` at the back. */
  push(value: T): void {
    const items = this.#items;
    if (this.#tail < items.length) items[this.#tail] = value;
    else items.push(value);
    this.#tail++;
  }

  /** Removes and returns the value at the front; the queue must not be empty. */
  shift(): T {
    const items = this.#items;
    const head = this.#head;
    const value = items[head] as T;
    // Drop the reference at once, so a consumed item can be collected before compaction.
    items[head] = undefined;
    this.#head = head + 1;
    if (this.#head === this.#tail) {
      // Empty: start again at index 0, reusing the slots, so a queue that fills and
      // drains by turns does not reallocate its array each time. A large array (left by
      // a burst) is released.
      this.#head = this.#tail = 0;
      if (items.length > COMPACT_AT) items.length = 0;
    } else if (this.#head >= COMPACT_AT && this.#head * 2 >= this.#tail) {
      items.copyWithin(0, this.#head, this.#tail);
      this.#tail -= this.#head;
      items.length = this.#tail;
      this.#head = 0;
    }
    return value;
  }

  /** Removes every value. */
  clear(): void {
    this.#items = [];
    this.#head = 0;
    this.#tail = 0;
  }
}
