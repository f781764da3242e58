/**
 * Filesystem operations on paths: stat, directories, links, renames, temporary names.
 *
 * @module
 */

/** Filesystem operations on paths: stat, directories, links, renames, temporary names. */
// deno-lint-ignore no-empty-interface
export interface FsBackend {}
