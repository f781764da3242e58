/**
 * `Path.copy()` and `Path.move()`: copying files and directory trees, and moving with
 * rename(2), or by copying and removing when the target is on another filesystem.
 *
 * @module
 * @internal
 */
import type { FileStat } from "../backends/fs.ts";
import { OSError } from "../core/errors.ts";
import { fsCall, fsCallUnchecked, hasCode, joinChild, listDir } from "./path-ops.ts";

/** How {@link copyPath} copies. */
export interface CopySettings {
  /** Copy what a symlink at the source points to (true), or the symlink itself (false). */
  readonly followSymlinks: boolean;
  /** Also copy the access and modification times (permission bits are always copied). */
  readonly preserveMetadata: boolean;
}

/** Copies the file, symlink or directory tree `source` to `target`. */
export async function copyPath(source: string, target: string, settings: CopySettings): Promise<void> {
  const stat = settings.followSymlinks
    ? await fsCall("stat", source, (fs) => fs.stat(source))
    : await fsCall("lstat", source, (fs) => fs.lstat(source));
  await copyEntry(source, target, stat, settings.preserveMetadata);
}

async function copyEntry(source: string, target: string, stat: FileStat, preserve: boolean): Promise<void> {
  switch (stat.kind) {
    case "directory":
      return await copyTree(source, target, stat, preserve);
    case "symlink": {
      const link = await fsCall("readlink", source, (fs) => fs.readlink(source));
      return await fsCall("symlink", link, (fs) => fs.symlink(link, target), target);
    }
    case "file":
      await fsCall("copyfile", source, (fs) => fs.copyFile(source, target), target);
      if (preserve) await fsCall("utime", target, (fs) => fs.utimes(target, stat.atimeMs, stat.mtimeMs));
      return;
    default:
      // Copying a pipe or a device would read it (and could wait forever): refused.
      throw new OSError("EINVAL", `cannot copy a ${stat.kind}`, { syscall: "copyfile", path: source, dest: target });
  }
}

/**
 * Copies a directory tree. Symlinks inside are copied as symlinks. The target is made
 * owner-only first and given the source's permission bits once filled, so nobody else
 * sees it half copied. If anything fails (or the copy is cancelled), what was copied
 * is removed again before the error goes on: a copy happens whole or not at all. A
 * target that already exists is an error (EEXIST), and is never touched.
 */
async function copyTree(source: string, target: string, stat: FileStat, preserve: boolean): Promise<void> {
  await fsCall("mkdir", target, (fs) => fs.mkdir(target, { recursive: false, mode: 0o700 }));
  try {
    await copyContents(source, target, preserve);
    await fsCall("chmod", target, (fs) => fs.chmod(target, stat.mode & 0o7777));
    if (preserve) await fsCall("utime", target, (fs) => fs.utimes(target, stat.atimeMs, stat.mtimeMs));
  } catch (err) {
    await removeQuietly(target);
    throw err;
  }
}

/** Copies what is in the directory `source` into the existing directory `target`. */
async function copyContents(source: string, target: string, preserve: boolean): Promise<void> {
  // The names are read first and the directory released, so a deep tree never holds
  // more than one directory open.
  const names: string[] = [];
  for await (const batch of listDir(source)) for (const entry of batch) names.push(entry.name);
  for (const name of names) {
    const from = joinChild(source, name);
    const to = joinChild(target, name);
    const stat = await fsCall("lstat", from, (fs) => fs.lstat(from));
    if (stat.kind === "directory") {
      await fsCall("mkdir", to, (fs) => fs.mkdir(to, { recursive: false, mode: 0o700 }));
      await copyContents(from, to, preserve);
      await fsCall("chmod", to, (fs) => fs.chmod(to, stat.mode & 0o7777));
      if (preserve) await fsCall("utime", to, (fs) => fs.utimes(to, stat.atimeMs, stat.mtimeMs));
    } else {
      await copyEntry(from, to, stat, preserve);
    }
  }
}

/** Removes a half-made copy; runs even in a cancelled scope, and never hides the first error. */
async function removeQuietly(path: string): Promise<void> {
  try {
    await fsCallUnchecked("rm", path, (fs) => fs.removeTree(path));
  } catch {
    // The error that made us clean up is the one to report.
  }
}

/**
 * Moves `source` to `target`: rename(2), which replaces a file at `target`. Across
 * filesystems (EXDEV) it copies instead (times and permission bits kept, symlinks as
 * symlinks) and then removes the source. The copy may be cancelled (it is undone);
 * once it is complete, the source is removed whatever happens, so a move never ends
 * with the data in two places or in none.
 */
export async function movePath(source: string, target: string): Promise<void> {
  try {
    await fsCall("rename", source, (fs) => fs.rename(source, target), target);
    return;
  } catch (err) {
    if (!hasCode(err, "EXDEV")) throw err;
  }
  const stat = await fsCall("lstat", source, (fs) => fs.lstat(source));
  if (stat.kind === "directory") {
    await copyTree(source, target, stat, true);
    await fsCallUnchecked("rm", source, (fs) => fs.removeTree(source));
  } else if (stat.kind === "file") {
    await fsCall("copyfile", source, (fs) => fs.copyFile(source, target), target);
    await fsCallUnchecked("utime", target, (fs) => fs.utimes(target, stat.atimeMs, stat.mtimeMs));
    await fsCallUnchecked("unlink", source, (fs) => fs.unlink(source));
  } else {
    await copyEntry(source, target, stat, true);
    await fsCallUnchecked("unlink", source, (fs) => fs.unlink(source));
  }
}
