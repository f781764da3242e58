/**
 * Helpers of the open-file tests: temporary directories removed by `using`, test data,
 * and a count of this process's open file descriptors.
 */
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A temporary directory, removed with everything in it when the `using` block ends. */
export interface TempDir extends Disposable {
  readonly path: string;
  /** The path of `name` inside the directory. */
  file(name: string): string;
}

/** Makes a fresh temporary directory; `using dir = tempDir()` removes it afterwards. */
export function tempDir(): TempDir {
  const path = mkdtempSync(join(tmpdir(), "structio-files-"));
  return {
    path,
    file: (name: string) => join(path, name),
    [Symbol.dispose]() {
      rmSync(path, { recursive: true, force: true });
    },
  };
}

/** `n` bytes of a pattern that makes a lost, repeated or reordered byte visible. */
export function pattern(n: number, seed = 0): Uint8Array {
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = (i * 7 + seed + (i >> 8) + (i >> 16)) & 255;
  return data;
}

export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
export const text = (b: Uint8Array): string => new TextDecoder().decode(b);

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

/** The regular files under `dir` this process holds open, from /proc/self/fd (Linux). */
export function descriptorsUnder(dir: string): string[] {
  const open: string[] = [];
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(dir)) open.push(`${fd} -> ${target}`);
    } catch {
      // Closed between listing and reading (the listing's own descriptor, say).
    }
  }
  return open;
}

