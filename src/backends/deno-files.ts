/**
 * The deno backend's files operations.
 *
 * @module
 */
import type { FileBackend } from "./files.ts";

/** Builds the deno backend's FileBackend. */
export function createDenoFiles(): FileBackend {
  return {};
}
