/**
 * Picks and builds backends. Each adapter is built once, on first use, because building
 * one checks that its runtime is present.
 *
 * @module
 */
import type { Backend, RuntimeName } from "./backend.ts";
import { createBunBackend } from "./bun.ts";
import { createDenoBackend } from "./deno.ts";
import { currentRuntime } from "./detect.ts";
import { createNodeBackend } from "./node.ts";

const factories: Record<RuntimeName, () => Backend> = {
  node: createNodeBackend,
  deno: createDenoBackend,
  bun: createBunBackend,
};

const built = new Map<RuntimeName, Backend>();

/** The backends that can run on the current runtime: its own, and node:* compat. */
export function availableBackends(): RuntimeName[] {
  const runtime = currentRuntime();
  return runtime === "node" ? ["node"] : [runtime, "node"];
}

/**
 * Returns the backend named `name` (default: the current runtime's own). Throws a
 * RangeError for an unknown name and an Error when that backend cannot run here.
 */
export function loadBackend(name: RuntimeName = currentRuntime()): Backend {
  const existing = built.get(name);
  if (existing !== undefined) return existing;
  if (!Object.hasOwn(factories, name)) {
    throw new RangeError(`backend must be one of "node", "deno" or "bun", not ${JSON.stringify(name)}`);
  }
  if (!availableBackends().includes(name)) {
    throw new Error(`the ${name} backend cannot run on ${currentRuntime()}`);
  }
  const backend = factories[name]();
  built.set(name, backend);
  return backend;
}
