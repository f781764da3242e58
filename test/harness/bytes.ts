/**
 * Byte helpers shared by the I/O suites (net, fs, process).
 *
 * @module
 */

/** `n` bytes of a pattern that makes a lost, repeated or reordered byte visible. */
export function pattern(n: number, seed = 0): Uint8Array {
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = (i * 7 + seed + (i >> 8) + (i >> 16)) & 255;
  return data;
}

/** Concatenates chunks. */
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Asserts that `actual` and `expected` hold the same bytes, naming the first difference. */
export function assertBytes(actual: Uint8Array, expected: Uint8Array, what = "bytes"): void {
  if (!(actual instanceof Uint8Array)) throw new Error(`${what}: got ${typeof actual}, expected a Uint8Array`);
  if (actual.byteLength !== expected.byteLength) {
    throw new Error(`${what}: got ${actual.byteLength} bytes, expected ${expected.byteLength}`);
  }
  for (let i = 0; i < actual.byteLength; i++) {
    if (actual[i] !== expected[i]) throw new Error(`${what}: byte ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}
