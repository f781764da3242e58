/**
 * The deno backend's process operations.
 *
 * @module
 */
import type { ProcessBackend } from "./process.ts";

/** Builds the deno backend's ProcessBackend. */
export function createDenoProcesses(): ProcessBackend {
  return {};
}
