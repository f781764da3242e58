/**
 * How the path front ends (`Path`, glob, walk, temporary directories) call the
 * filesystem backend: each operation is a checkpoint, and its errors become `OSError`.
 *
 * @module
 * @internal
 */
import type { DirEntry, FsBackend } from "../backends/fs.ts";
import { checkpoint } from "../core/checkpoint.ts";
import { currentScope } from "../core/context.ts";
import { asOSError, OSError } from "../core/errors.ts";

/** The filesystem backend of the current run. */
export function fsBackend(): FsBackend {
  return currentScope()._task!._runner.backend.fs;
}

/**
 * Runs one filesystem operation as a checkpoint: raises Cancelled if the scope is
 * cancelled before it starts, then lets it finish. An operating-system call cannot be
 * taken back once started, so completion wins: its result is returned even if the
 * scope was cancelled meanwhile, and the cancellation is delivered at the next
 * checkpoint. A failure becomes an {@link OSError} naming `syscall`, `path` and `dest`.
 */
export async function fsCall<T>(
  syscall: string,
  path: string | undefined,
  op: (fs: FsBackend) => Promise<T>,
  dest?: string,
): Promise<T> {
  await checkpoint();
  const fs = fsBackend();
  try {
    return await op(fs);
  } catch (err) {
    throw asOSError(err, { syscall, path, dest });
  }
}

/**
 * Runs a filesystem operation that must not be skipped because of a cancellation: the
 * removal behind a close, the second half of a cross-device move. Not a checkpoint.
 */
export async function fsCallUnchecked<T>(
  syscall: string,
  path: string | undefined,
  op: (fs: FsBackend) => Promise<T>,
  dest?: string,
): Promise<T> {
  const fs = fsBackend();
  try {
    return await op(fs);
  } catch (err) {
    throw asOSError(err, { syscall, path, dest });
  }
}

/** Whether `err` is an {@link OSError} with one of `codes`. */
export function hasCode(err: unknown, ...codes: string[]): err is OSError {
  return err instanceof OSError && codes.includes(err.code);
}

/**
 * Lists the directory `path` in batches, each read a checkpoint. The directory is
 * released when the iteration ends in any way: exhausted, broken out of (the
 * generator's `return()`), or by an error or Cancelled raised inside, since the
 * release sits in `finally`. The release itself is a plain wait, never a checkpoint:
 * it must happen even in a cancelled scope.
 */
export async function* listDir(path: string): AsyncGenerator<DirEntry[], void, undefined> {
  const handle = await fsCall("opendir", path, (fs) => fs.openDir(path));
  try {
    for (;;) {
      const batch = await fsCall("readdir", path, () => handle.read());
      if (batch === null) return;
      yield batch;
    }
  } finally {
    await handle.close();
  }
}

/** Joins a directory path and an entry name (the directory may be "/" or "."). */
export function joinChild(dir: string, name: string): string {
  if (dir === ".") return name;
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}

/** Whether `path` is a directory, following symlinks; false when stat fails with an OSError. */
export async function isDirectoryQuiet(path: string): Promise<boolean> {
  try {
    return (await fsCall("stat", path, (fs) => fs.stat(path))).kind === "directory";
  } catch (err) {
    if (err instanceof OSError) return false;
    throw err;
  }
}
