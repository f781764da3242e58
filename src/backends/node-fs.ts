/**
 * The node backend's fs operations.
 *
 * @module
 */
import type { FsBackend } from "./fs.ts";

/** Builds the node backend's FsBackend. */
export function createNodeFs(): FsBackend {
  return {};
}
