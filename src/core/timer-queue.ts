/**
 * The library's own timer queue: every sleep and every cancel-scope deadline is an entry
 * in one binary heap, and a single backend timer is armed for the earliest entry.
 *
 * @module
 */
import type { Backend, BackendTimer } from "../backends/backend.ts";

/** One deadline in the queue. `index` is its slot in the heap, or -1 once it left. */
export interface TimerEntry {
  readonly deadline: number;
  readonly seq: number;
  readonly callback: () => void;
  index: number;
  /** Removed, but still in the heap until it reaches the top (lazy deletion). */
  dead: boolean;
}

/**
 * A min-heap of deadlines driven by one backend timer.
 *
 * The backend timer is armed for `armedAt`. Invariants:
 * - if the heap is not empty, the timer is armed at or before the earliest deadline, so
 *   no deadline is ever late; a timer that fires early just re-arms;
 * - the timer keeps the process alive (is ref'd) exactly while the heap is not empty.
 * Removing an entry therefore never touches the runtime timer unless the heap becomes
 * empty, and adding one touches it only when the new deadline is the earliest yet. That
 * makes entering and leaving a timeout scope cost no runtime timer call in the common
 * case of a deadline later than one already armed.
 */
export class TimerQueue {
  readonly #heap: TimerEntry[] = [];
  readonly #backend: Backend;
  readonly #timer: BackendTimer;
  #seq = 0;
  #armedAt = Infinity;
  #ref = false;
  /** Entries removed but still in the heap (lazy deletion). */
  #dead = 0;

  constructor(backend: Backend) {
    this.#backend = backend;
    this.#timer = backend.createTimer(() => this.#fire());
    this.#timer.setRef(false);
  }

  /** How many deadlines are waiting. */
  get size(): number {
    return this.#heap.length - this.#dead;
  }

  /** Whether the backend timer is currently keeping the process alive. */
  get keepsAlive(): boolean {
    return this.#ref && this.#armedAt !== Infinity;
  }

  /** Schedules `callback` for the clock value `deadline` (finite). */
  add(deadline: number, callback: () => void): TimerEntry {
    const entry: TimerEntry = { deadline, seq: this.#seq++, callback, index: this.#heap.length, dead: false };
    this.#heap.push(entry);
    this.#siftUp(entry.index);
    if (deadline < this.#armedAt) this.#arm(deadline);
    this.#setRef(true);
    return entry;
  }

  /** Takes `entry` out of the queue; does nothing if it already left. */
  remove(entry: TimerEntry): void {
    if (entry.index < 0 || entry.dead) return;
    if (entry.index === 0) {
      this.#popRoot();
    } else {
      // Lazy deletion: O(1) now; dead entries leave when they reach the top, or all at
      // once when they are the majority (cancelling a big group empties the heap).
      entry.dead = true;
      if (++this.#dead === this.#heap.length) this.#clear();
      else if (this.#dead > 32 && this.#dead * 2 > this.#heap.length) this.#compact();
    }
    if (this.#heap.length === 0) this.#setRef(false);
  }

  #popRoot(): void {
    const heap = this.#heap;
    heap[0]!.index = -1;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      last.index = 0;
      this.#siftDown(0);
    }
    // Dead entries that surface at the top go too.
    while (heap.length > 0 && heap[0]!.dead) {
      this.#dead--;
      heap[0]!.index = -1;
      const next = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = next;
        next.index = 0;
        this.#siftDown(0);
      }
    }
  }

  #clear(): void {
    for (const entry of this.#heap) entry.index = -1;
    this.#heap.length = 0;
    this.#dead = 0;
  }

  #compact(): void {
    const heap = this.#heap;
    let n = 0;
    for (let i = 0; i < heap.length; i++) {
      const entry = heap[i]!;
      if (entry.dead) entry.index = -1;
      else heap[n++] = entry;
    }
    heap.length = n;
    this.#dead = 0;
    for (let i = 0; i < n; i++) heap[i]!.index = i;
    for (let i = (n >> 1) - 1; i >= 0; i--) this.#siftDown(i);
  }

  /** Stops the backend timer for good (the queue must be empty). */
  close(): void {
    this.#timer.disarm();
    this.#armedAt = Infinity;
  }

  #arm(at: number): void {
    this.#armedAt = at;
    this.#timer.arm(Math.ceil(at - this.#backend.now()));
  }

  #setRef(ref: boolean): void {
    if (ref === this.#ref) return;
    this.#ref = ref;
    this.#timer.setRef(ref);
  }

  #fire(): void {
    this.#armedAt = Infinity;
    const now = this.#backend.now();
    const heap = this.#heap;
    // Callbacks may add or remove entries; each pass re-reads the top of the heap.
    while (heap.length > 0 && heap[0]!.deadline <= now) {
      const entry = heap[0]!;
      this.#popRoot();
      entry.callback();
    }
    if (heap.length > 0 && this.#armedAt === Infinity) this.#arm(heap[0]!.deadline);
    if (heap.length === 0) this.#setRef(false);
  }

  #less(a: TimerEntry, b: TimerEntry): boolean {
    return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);
  }

  #siftUp(i: number): void {
    const heap = this.#heap;
    const entry = heap[i]!;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = heap[parentIndex]!;
      if (!this.#less(entry, parent)) break;
      heap[i] = parent;
      parent.index = i;
      i = parentIndex;
    }
    heap[i] = entry;
    entry.index = i;
  }

  #siftDown(i: number): void {
    const heap = this.#heap;
    const n = heap.length;
    const entry = heap[i]!;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.#less(heap[right]!, heap[left]!) ? right : left;
      if (!this.#less(heap[child]!, entry)) break;
      heap[i] = heap[child]!;
      heap[i]!.index = i;
      i = child;
    }
    heap[i] = entry;
    entry.index = i;
  }
}
