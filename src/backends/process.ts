/**
 * Starting subprocesses, with pipes for their standard streams.
 *
 * @module
 */

/** Starting subprocesses, with pipes for their standard streams. */
// deno-lint-ignore no-empty-interface
export interface ProcessBackend {}
