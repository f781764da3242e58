/**
 * The bun backend's fs operations.
 *
 * @module
 */
import type { FsBackend } from "./fs.ts";

/** Builds the bun backend's FsBackend. */
export function createBunFs(): FsBackend {
  return {};
}
