/**
 * Helpers of the open-file tests: temporary directories removed by `using`, test data,
 * and a count of this process's open file descriptors.
 */
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertBytes, concat, pattern } from "../harness/bytes.ts";

export { assertBytes, concat, pattern };

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

export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
export const text = (b: Uint8Array): string => new TextDecoder().decode(b);

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

