/**
 * Opening files, and reading and writing through open files.
 *
 * @module
 */

/** Opening files, and reading and writing through open files. */
// deno-lint-ignore no-empty-interface
export interface FileBackend {}
