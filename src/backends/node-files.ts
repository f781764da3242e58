/**
 * The node backend's files operations.
 *
 * @module
 */
import type { FileBackend } from "./files.ts";

/** Builds the node backend's FileBackend. */
export function createNodeFiles(): FileBackend {
  return {};
}
