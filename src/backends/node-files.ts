/**
 * The node backend's files operations: node:fs file handles (see node-file-handle.ts).
 *
 * @module
 */
import type { FileBackend } from "./files.ts";
import { createNodeFileBackend } from "./node-file-handle.ts";

/** Builds the node backend's FileBackend. */
export function createNodeFiles(): FileBackend {
  return createNodeFileBackend();
}
