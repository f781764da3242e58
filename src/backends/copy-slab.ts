/**
 * Copies of small reads, carved out of one larger buffer.
 *
 * @module
 */

/** Size of each slab; a small chunk handed out keeps its whole slab alive. */
const SLAB_SIZE = 8192;

/**
 * Hands out copies of small reads as views into a shared slab, so that a read buffer can
 * be used again without allocating a new ArrayBuffer per read. On Deno a fresh
 * ArrayBuffer costs about 0.4 µs even for one byte (20 times a view), which a
 * request/response exchange pays on every message.
 *
 * Each copy starts at a multiple of 8 (as Node's Buffer pool does), so typed-array views
 * over `chunk.buffer` at `chunk.byteOffset` stay aligned. A slab is only ever appended
 * to: a chunk handed out is never written again. One slab belongs to one stream, so a
 * chunk's `buffer` holds no other connection's bytes.
 *
 * @example
 * ```ts
 * import { CopySlab } from "./copy-slab.ts";
 *
 * const slab = new CopySlab();
 * const readBuffer = new Uint8Array([1, 2, 3, 4]);
 * const chunk = slab.copy(readBuffer, 2); // Uint8Array [1, 2], not backed by readBuffer
 * readBuffer.fill(0);
 * console.log(chunk); // Uint8Array(2) [1, 2]
 * ```
 */
export class CopySlab {
  #slab = new Uint8Array(0);
  #at = 0;

  /** Returns a copy of the first `n` bytes of `source` (n at most SLAB_SIZE for pooling). */
  copy(source: Uint8Array, n: number): Uint8Array {
    if (n > SLAB_SIZE) return source.slice(0, n);
    if (this.#slab.byteLength - this.#at < n) {
      this.#slab = new Uint8Array(SLAB_SIZE);
      this.#at = 0;
    }
    const at = this.#at;
    const chunk = this.#slab.subarray(at, at + n);
    chunk.set(source.subarray(0, n));
    this.#at = (at + n + 7) & ~7;
    return chunk;
  }
}
