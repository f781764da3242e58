/**
 * Unix socket files on disk, through node:fs (which Node has, and Bun implements
 * natively; Bun has no lstat, unlink or chmod of its own).
 *
 * @module
 */
import fs from "node:fs";

/**
 * Removes the file at `path` if it is a socket, so a listener can take over the path of
 * one that died without cleaning up. Any other file is left for listen() to fail on:
 * a regular file that happens to sit at the path is never deleted.
 */
export function removeStaleSocket(path: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(path);
  } catch {
    return;
  }
  if (stat.isSocket()) fs.unlinkSync(path);
}

/** Sets the permissions of the socket file at `path`. */
export function chmodSocket(path: string, mode: number): void {
  fs.chmodSync(path, mode);
}
