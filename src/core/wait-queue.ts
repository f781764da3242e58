/**
 * The FIFO queue of parked tasks that every blocking primitive waits in: the senders and
 * receivers of a memory object stream, the waiters of a lock, semaphore, condition,
 * capacity limiter or event. It can also drop any member in O(1).
 *
 * Fairness needs a strict FIFO (the longest waiter is served first), and cancellation
 * needs removal from the middle (a cancelled waiter leaves its place at once, so it is
 * never handed anything). An array would make removal O(n) and a `Set` makes finding the
 * front O(n) after many removals, so this is an intrusive doubly-linked list: the waiter
 * record is the list node, and queuing, removing and shifting allocate nothing.
 *
 * The list only keeps order; what a waiter is handed, and how it wakes, is up to the
 * record that extends {@link WaitQueueNode} (a stream's `Waiter`, a sync `Ticket`).
 *
 * @module
 * @internal
 */

/**
 * A member of a {@link WaitQueue}: extend it to make a waiter record queueable. A node
 * belongs to at most one queue at a time.
 *
 * @internal Not part of the public API.
 *
 * @example
 * ```ts
 * class ReceiveWaiter extends WaitQueueNode {
 *   readonly name: string;
 *
 *   constructor(name: string) {
 *     super();
 *     this.name = name;
 *   }
 * }
 * ```
 */
export class WaitQueueNode {
  /** @internal */
  _prev: WaitQueueNode | null = null;
  /** @internal */
  _next: WaitQueueNode | null = null;
  /** @internal The queue holding this node, or null. */
  _queue: WaitQueue<WaitQueueNode> | null = null;

  /** Whether the node is in a queue now. */
  get queued(): boolean {
    return this._queue !== null;
  }
}

/**
 * A FIFO queue of {@link WaitQueueNode}s with O(1) `push`, `shift` and `remove`.
 *
 * @internal Not part of the public API.
 *
 * @example
 * ```ts
 * const queue = new WaitQueue<ReceiveWaiter>();
 * const a = new ReceiveWaiter("a");
 * queue.push(a);
 * queue.push(new ReceiveWaiter("b"));
 * queue.remove(a); // a was cancelled
 * console.log(queue.shift()?.name); // "b"
 * ```
 */
export class WaitQueue<N extends WaitQueueNode> {
  #head: N | null = null;
  #tail: N | null = null;
  #size = 0;

  /** How many nodes are queued. */
  get size(): number {
    return this.#size;
  }

  /** The node at the front, without removing it; null when empty. */
  get first(): N | null {
    return this.#head;
  }

  /** Adds `node` at the back. */
  push(node: N): void {
    if (node._queue !== null) throw new Error("this node is already in a queue");
    node._queue = this as unknown as WaitQueue<WaitQueueNode>;
    node._prev = this.#tail;
    node._next = null;
    if (this.#tail !== null) this.#tail._next = node;
    else this.#head = node;
    this.#tail = node;
    this.#size++;
  }

  /** Removes and returns the node at the front; null when empty. */
  shift(): N | null {
    const node = this.#head;
    if (node !== null) this.remove(node);
    return node;
  }

  /** Takes `node` out of the queue; does nothing if it is not in this queue. */
  remove(node: N): void {
    if (node._queue !== (this as unknown as WaitQueue<WaitQueueNode>)) return;
    const prev = node._prev as N | null;
    const next = node._next as N | null;
    if (prev !== null) prev._next = next;
    else this.#head = next;
    if (next !== null) next._prev = prev;
    else this.#tail = prev;
    node._prev = node._next = null;
    node._queue = null;
    this.#size--;
  }

  /** The queued nodes, front to back, as an array (a snapshot: safe to change the queue). */
  toArray(): N[] {
    const nodes: N[] = [];
    for (let node = this.#head; node !== null; node = node._next as N | null) nodes.push(node);
    return nodes;
  }
}
