/**
 * The bun backend's files operations.
 *
 * @module
 */
import type { FileBackend } from "./files.ts";

/** Builds the bun backend's FileBackend. */
export function createBunFiles(): FileBackend {
  return {};
}
