/**
 * A growable byte queue: the buffer of a buffered byte stream (Python's `bytearray`
 * used as a FIFO).
 *
 * @module
 * @internal
 */

/** The smallest backing store allocated once bytes arrive. */
const MIN_CAPACITY = 256;

/**
 * Bytes appended at the back and taken from the front, with amortised O(1) cost per
 * byte: the live bytes sit in `#data[#start, #end)`; taking advances `#start`, and an
 * append that does not fit first slides the live bytes to the front, then doubles the
 * store only if they still do not fit. So each byte is copied in once, out once, and a
 * bounded number of times in between, however the stream is chunked.
 *
 * Everything taken out is a copy (`slice`), never a view of the store, because the
 * store is reused: a view handed out would change under the caller's feet.
 *
 * @internal Not part of the public API.
 *
 * @example
 * ```ts
 * const buffer = new ByteBuffer();
 * buffer.append(new Uint8Array([1, 2, 3]));
 * console.log(buffer.take(2), buffer.length); // Uint8Array(2) [ 1, 2 ] 1
 * ```
 */
export class ByteBuffer {
  #data = new Uint8Array(0);
  #start = 0;
  #end = 0;
  #taken = 0;

  /** How many bytes are buffered. */
  get length(): number {
    return this.#end - this.#start;
  }

  /**
   * How many bytes have been taken out since the buffer was made. A search that resumes
   * where it left off compares this before and after a wait: if it changed, the bytes
   * moved and the search must start again from the front.
   */
  get taken(): number {
    return this.#taken;
  }

  /** A copy of the buffered bytes. */
  peek(): Uint8Array {
    return this.#data.slice(this.#start, this.#end);
  }

  /** Appends a copy of `bytes` at the back. */
  append(bytes: Uint8Array): void {
    const n = bytes.byteLength;
    if (n === 0) return;
    if (this.#end + n > this.#data.length) this.#makeRoom(n);
    this.#data.set(bytes, this.#end);
    this.#end += n;
  }

  /** Removes the first `n` bytes (at most `length`) and returns them as a new array. */
  take(n: number): Uint8Array {
    const end = this.#start + Math.min(n, this.length);
    const bytes = this.#data.slice(this.#start, end);
    this.#discardTo(end);
    return bytes;
  }

  /** Removes the first `n` bytes (at most `length`) without copying them. */
  discard(n: number): void {
    this.#discardTo(this.#start + Math.min(n, this.length));
  }

  /**
   * The offset of the first occurrence of `needle` that lies wholly within the first
   * `limit` buffered bytes and starts at or after `from`; -1 if there is none.
   */
  indexOf(needle: Uint8Array, from: number, limit: number): number {
    const view = this.#data.subarray(this.#start, this.#start + Math.min(limit, this.length));
    const last = view.length - needle.length; // the last offset where a match can start
    const first = needle[0]!;
    for (let i = view.indexOf(first, from); i !== -1 && i <= last; i = view.indexOf(first, i + 1)) {
      let j = 1;
      while (j < needle.length && view[i + j] === needle[j]) j++;
      if (j === needle.length) return i;
    }
    return -1;
  }

  #discardTo(position: number): void {
    this.#taken += position - this.#start;
    this.#start = position;
    if (this.#start === this.#end) {
      // Empty: start again at the front, so a buffer that is drained as fast as it is
      // filled never needs to slide or grow.
      this.#start = 0;
      this.#end = 0;
    }
  }

  /** Makes room for `n` more bytes at the back: slides the live bytes down, or grows. */
  #makeRoom(n: number): void {
    const live = this.length;
    const needed = live + n;
    if (needed <= this.#data.length && this.#start >= live) {
      // Reuse the store when the consumed prefix is at least as large as what is live,
      // so sliding costs no more than the bytes consumed since the last slide.
      this.#data.copyWithin(0, this.#start, this.#end);
    } else {
      let capacity = Math.max(this.#data.length * 2, MIN_CAPACITY);
      while (capacity < needed) capacity *= 2;
      const grown = new Uint8Array(capacity);
      grown.set(this.#data.subarray(this.#start, this.#end));
      this.#data = grown;
    }
    this.#start = 0;
    this.#end = live;
  }
}
