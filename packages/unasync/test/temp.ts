/**
 * Temporary directories for the unasync tests, removed with everything in them when the
 * `using` block ends.
 *
 * @module
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/**
 * A fresh temporary directory (see {@link tempDir}).
 *
 * @example
 * ```ts
 * using dir = tempDir();
 * dir.write("a.ts", "x"); // returns the path
 * dir.read("a.ts"); // "x"
 * ```
 */
export interface TempDir extends Disposable {
  readonly path: string;
  /** The absolute path of `relative` inside the directory. */
  file(relative: string): string;
  /** Writes `text` to `relative` (creating folders) and returns its absolute path. */
  write(relative: string, text: string): string;
  /** The text of `relative`. */
  read(relative: string): string;
}

/**
 * Makes a fresh temporary directory.
 *
 * @example
 * ```ts
 * using dir = tempDir();
 * dir.write("_async/a.ts", "export const a = 1;\n");
 * ```
 */
export function tempDir(): TempDir {
  const path = mkdtempSync(join(tmpdir(), "unasync-test-"));
  const file = (relative: string) => join(path, relative);
  return {
    path,
    file,
    write(relative, text) {
      mkdirSync(dirname(file(relative)), { recursive: true });
      writeFileSync(file(relative), text);
      return file(relative);
    },
    read: (relative) => readFileSync(file(relative), "utf8"),
    [Symbol.dispose]() {
      rmSync(path, { recursive: true, force: true });
    },
  };
}
