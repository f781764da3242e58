/**
 * The bun backend's files operations. Bun has no native API for an open file with a
 * position: `Bun.file()` reads a whole file or streams it from the start and
 * `Bun.write()` writes a whole file, with no seek, truncate, positional read into a
 * caller's buffer or append to an open file. So this backend uses node:fs, which Bun
 * implements natively, through the same module as the node backend
 * (node-file-handle.ts).
 *
 * @module
 */
import type { FileBackend } from "./files.ts";
import { createNodeFileBackend } from "./node-file-handle.ts";

/** Builds the bun backend's FileBackend (node:fs file handles; see the module comment). */
export function createBunFiles(): FileBackend {
  return createNodeFileBackend();
}
