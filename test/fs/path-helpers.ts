/**
 * Helpers of the Path and temporary-file tests: scratch directories made and removed
 * with node:fs (so that the code under test is not used to set up or inspect its own
 * results), descriptor counts, and backend hooks for deterministic cancellation tests.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getBackend, OSError } from "../../src/index.ts";
import type { FsBackend } from "../../src/backends/fs.ts";

/** Runs `body` with a fresh scratch directory, removed afterwards whatever happens. */
export async function withScratch<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "structio-path-"));
  try {
    return await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Fills `dir` with the tree AnyIO's TestPath uses, plus a hidden file:
 * testfile, testfile2, .hidden, subdir/{dummyfile1.txt, dummyfile2.txt, symlink -> ../sibdir},
 * sibdir/{dummyfile1.txt, dummyfile2.txt}.
 */
export function populate(dir: string): void {
  writeFileSync(join(dir, "testfile"), "");
  writeFileSync(join(dir, "testfile2"), "");
  writeFileSync(join(dir, ".hidden"), "");
  for (const sub of ["subdir", "sibdir"]) {
    mkdirSync(join(dir, sub));
    writeFileSync(join(dir, sub, "dummyfile1.txt"), "");
    writeFileSync(join(dir, sub, "dummyfile2.txt"), "");
  }
  symlinkSync(join(dir, "sibdir"), join(dir, "subdir", "symlink"));
}

/** The descriptors this process holds open on `path` (from /proc/self/fd; Linux). */
export function descriptorsOn(path: string): number {
  let count = 0;
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) count++;
    } catch {
      // Closed meanwhile.
    }
  }
  return count;
}

/** Asserts that `err` is an OSError with `code`, and `path` (and `dest`) when given. */
export function assertOSError(err: unknown, code: string, path?: string, dest?: string): void {
  assert.ok(err instanceof OSError, `expected an OSError, got ${String(err)}`);
  assert.equal(err.code, code, String(err));
  if (path !== undefined) assert.equal(err.path, path);
  if (dest !== undefined) assert.equal(err.dest, dest);
  assert.ok(err.cause !== undefined, "the runtime's error is the cause");
}

/**
 * Replaces the method `name` of the current backend's FsBackend with `replacement`
 * (given the original) while `body` runs. For deterministic tests of what happens when
 * an operation starts (cancelling right then) or fails in a way the machine cannot be
 * made to fail (EXDEV).
 */
export async function withFsHook<K extends keyof FsBackend, T>(
  name: K,
  replacement: (original: FsBackend[K]) => FsBackend[K],
  body: () => Promise<T>,
): Promise<T> {
  const fs = getBackend().fs;
  const original = fs[name];
  (fs as unknown as Record<string, unknown>)[name] = replacement(original.bind(fs) as FsBackend[K]);
  try {
    return await body();
  } finally {
    (fs as unknown as Record<string, unknown>)[name] = original;
  }
}

/** The sorted names in `dir` (node:fs). */
export function namesIn(dir: string): string[] {
  return readdirSync(dir).sort();
}

/** A relative path string of each item, sorted. */
export function sortedStrings(items: Iterable<{ toString(): string }>): string[] {
  return [...items].map(String).sort();
}
