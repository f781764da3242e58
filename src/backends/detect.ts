/**
 * Which runtime is this: the sniffio of structio.
 *
 * @module
 */
import type { RuntimeName } from "./backend.ts";

interface RuntimeGlobals {
  Deno?: { version?: { deno?: string } };
  Bun?: { version?: string };
  process?: { versions?: Record<string, string | undefined> };
  navigator?: { userAgent?: string };
}

/**
 * Decides the runtime from a global object. Deno and Bun both provide `process`, so
 * their own globals are checked first.
 */
export function detectRuntime(globals: RuntimeGlobals): RuntimeName {
  if (typeof globals.Deno?.version?.deno === "string") return "deno";
  if (globals.Bun !== undefined || typeof globals.process?.versions?.bun === "string") return "bun";
  if (typeof globals.process?.versions?.node === "string") return "node";
  const seen = globals.navigator?.userAgent ??
    (Object.keys(globals).length === 0 ? "an empty global object" : "no Node.js, Deno or Bun globals");
  throw new Error(`structio runs on Node.js, Deno and Bun, but found ${seen}`);
}

let cached: RuntimeName | undefined;

/**
 * Returns the runtime this program runs on: `'node'`, `'deno'` or `'bun'`. Throws an
 * error naming what it found on anything else.
 *
 * @example
 * ```ts
 * import { currentRuntime } from "structio";
 *
 * console.log(`running on ${currentRuntime()}`);
 * ```
 */
export function currentRuntime(): RuntimeName {
  cached ??= detectRuntime(globalThis as RuntimeGlobals);
  return cached;
}
