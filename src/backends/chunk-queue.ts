/**
 * The received bytes a socket holds until a task takes them.
 *
 * @module
 */

/**
 * A FIFO of received chunks with a byte count. `take(maxBytes)` hands out between 1 and
 * `maxBytes` bytes from the front, cutting a chunk when it is longer and keeping its
 * rest at the front, so bytes leave in exactly the order they came, once each.
 */
export class ChunkQueue {
  #chunks: Uint8Array[] = [];
  #head = 0;
  /** Bytes held. */
  size = 0;

  push(chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return;
    this.#chunks.push(chunk);
    this.size += chunk.byteLength;
  }

  /** Takes between 1 and `maxBytes` bytes, or returns null when empty. */
  take(maxBytes: number): Uint8Array | null {
    if (this.size === 0) return null;
    let chunk = this.#chunks[this.#head];
    if (chunk.byteLength > maxBytes) {
      this.#chunks[this.#head] = chunk.subarray(maxBytes);
      chunk = chunk.subarray(0, maxBytes);
    } else {
      this.#chunks[this.#head] = undefined as unknown as Uint8Array;
      this.#head++;
      // Drop taken slots now and then; shifting on every take would be O(n).
      if (this.#head > 64 && this.#head * 2 > this.#chunks.length) {
        this.#chunks = this.#chunks.slice(this.#head);
        this.#head = 0;
      }
    }
    this.size -= chunk.byteLength;
    return chunk;
  }

  /** Takes every chunk held, oldest first. */
  drain(): Uint8Array[] {
    const chunks = this.#chunks.slice(this.#head);
    this.#chunks = [];
    this.#head = 0;
    this.size = 0;
    return chunks;
  }
}
