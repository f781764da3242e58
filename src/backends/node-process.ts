/**
 * The node backend's process operations.
 *
 * @module
 */
import type { ProcessBackend } from "./process.ts";

/** Builds the node backend's ProcessBackend. */
export function createNodeProcesses(): ProcessBackend {
  return {};
}
