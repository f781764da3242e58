/**
 * The bun backend's process operations.
 *
 * @module
 */
import type { ProcessBackend } from "./process.ts";

/** Builds the bun backend's ProcessBackend. */
export function createBunProcesses(): ProcessBackend {
  return {};
}
