/**
 * The bun backend's files operations. Bun has no native API for an open file with a
 * position: `Bun.file()` reads a whole file or streams it from the start and
 * `Bun.write()` writes a whole file, with no seek, truncate, positional read into a
 * caller's buffer or append to an open file. So this backend uses node:fs, which Bun
 * implements natively, with the node backend's position keeping (node-file-handle.ts);
 * but since node:fs's promise calls cost several times the system call on Bun, regular
 * files read and write with the synchronous node:fs calls, as Bun's own file writer
 * does, while pipes, devices and sockets, where a read can wait, keep the FileHandle
 * (bun-file-sync.ts says why that is safe).
 *
 * @module
 */
import type { FileBackend } from "./files.ts";
import { createBunFileBackend } from "./bun-file-sync.ts";

/** Builds the bun backend's FileBackend (see the module comment). */
export function createBunFiles(): FileBackend {
  return createBunFileBackend();
}
