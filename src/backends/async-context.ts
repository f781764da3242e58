/**
 * The async context that carries the current task and cancel scope.
 *
 * node:async_hooks' AsyncLocalStorage exists on Node, Deno and Bun alike, so all three
 * adapters share this one module (DESIGN.md: one AsyncLocalStorage for the library).
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";

export { AsyncLocalStorage };
