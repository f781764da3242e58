/**
 * The raw baselines of the streams-sync suite: the simplest correct promise-based
 * bounded queue and counting semaphore, the kind anyone would write by hand. Arrays
 * for the buffer and for the waiting resolvers, FIFO hand-over, no cancellation, no
 * checks, no fairness yields.
 *
 * The arrays are read through a head index ({@link ArrayFifo}) rather than with
 * `Array.prototype.shift`: on V8 (Node, Deno) `shift()` on an array of ~100 freshly made
 * resolvers is slow enough to make the baseline mutex 2-3x slower (100 tasks on one
 * mutex: 1.2-1.5M acquisitions/s with `shift()`, 2.9-4.3M/s with a head index; on Bun
 * both run at 4.5-5.5M/s). A baseline that slow would flatter every contender.
 *
 * @module
 */

const resolved: Promise<void> = Promise.resolve();

/**
 * A FIFO on an array and a head index; the consumed prefix is cut off once it is at
 * least 1024 long and half the array, so the array stays as long as the queue.
 */
class ArrayFifo<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  get size(): number {
    return this.#items.length - this.#head;
  }

  push(value: T): void {
    this.#items.push(value);
  }

  /** The front value, or undefined when empty. */
  shift(): T | undefined {
    const items = this.#items;
    if (this.#head === items.length) return undefined;
    const value = items[this.#head];
    items[this.#head++] = undefined;
    if (this.#head === items.length) {
      items.length = 0;
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= items.length) {
      items.splice(0, this.#head);
      this.#head = 0;
    }
    return value;
  }

  /** Removes every value and returns them, front first. */
  drain(): T[] {
    const values = this.#items.slice(this.#head) as T[];
    this.#items = [];
    this.#head = 0;
    return values;
  }
}

/** What {@link RawQueue.receive} returns once the queue is closed and drained. */
export const DONE: unique symbol = Symbol("done");

/** A sender parked on a full queue, with the item it offers. */
interface ParkedSend<T> {
  readonly item: T;
  readonly resolve: () => void;
}

/**
 * A bounded FIFO queue between tasks. `capacity` 0 is a rendezvous: a send waits until
 * a receiver takes its item. `close()` makes receivers get {@link DONE} once the buffer
 * is drained.
 */
export class RawQueue<T> {
  readonly #capacity: number;
  readonly #buffer = new ArrayFifo<T>();
  readonly #senders = new ArrayFifo<ParkedSend<T>>();
  readonly #receivers = new ArrayFifo<(item: T | typeof DONE) => void>();
  #closed = false;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Resolves once the item is in the buffer or in a receiver's hands. */
  send(item: T): Promise<void> {
    const receiver = this.#receivers.shift();
    if (receiver !== undefined) {
      receiver(item);
      return resolved;
    }
    if (this.#buffer.size < this.#capacity) {
      this.#buffer.push(item);
      return resolved;
    }
    return new Promise((resolve) => this.#senders.push({ item, resolve }));
  }

  /** The next item, or {@link DONE} once the queue is closed and empty. */
  receive(): Promise<T | typeof DONE> {
    if (this.#buffer.size > 0) {
      const item = this.#buffer.shift() as T;
      const sender = this.#senders.shift();
      if (sender !== undefined) {
        this.#buffer.push(sender.item);
        sender.resolve();
      }
      return Promise.resolve(item);
    }
    const sender = this.#senders.shift();
    if (sender !== undefined) {
      sender.resolve();
      return Promise.resolve(sender.item);
    }
    if (this.#closed) return Promise.resolve(DONE);
    return new Promise((resolve) => this.#receivers.push(resolve));
  }

  /** No more sends: waiting receivers (and later ones, once drained) get {@link DONE}. */
  close(): void {
    this.#closed = true;
    for (const receiver of this.#receivers.drain()) receiver(DONE);
  }
}

/**
 * A counting semaphore handing permits over in FIFO order (`new RawSemaphore(1)` is a
 * mutex): a release with waiters resolves the first one instead of freeing the permit.
 */
export class RawSemaphore {
  #permits: number;
  readonly #waiters = new ArrayFifo<() => void>();

  constructor(permits: number) {
    this.#permits = permits;
  }

  acquire(): Promise<void> {
    if (this.#permits > 0) {
      this.#permits--;
      return resolved;
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  release(): void {
    const next = this.#waiters.shift();
    if (next !== undefined) next();
    else this.#permits++;
  }

  /** Runs `fn` holding a permit; the permit is given back however `fn` ends. */
  async run<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }
}
