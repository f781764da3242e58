/**
 * The deno backend's fs operations.
 *
 * @module
 */
import type { FsBackend } from "./fs.ts";

/** Builds the deno backend's FsBackend. */
export function createDenoFs(): FsBackend {
  return {};
}
