/**
 * The directory tree walk behind `Path.walk()`, on path strings (pathlib's walk, which
 * is os.walk's).
 *
 * @module
 * @internal
 */
import { OSError } from "../core/errors.ts";
import { fsCall, isDirectoryQuiet, joinChild, listDir } from "./path-ops.ts";

/** One directory of a walk: its path, the names of its subdirectories and of its other entries. */
export type WalkStep = [dir: string, dirnames: string[], filenames: string[]];

/** How {@link walkPaths} walks. */
export interface WalkSettings {
  readonly topDown: boolean;
  readonly followSymlinks: boolean;
  readonly onError: ((error: OSError) => void) | undefined;
}

/** The directories from the top down to one being walked, as dev:ino identities. */
interface Ancestry {
  readonly id: string;
  readonly up: Ancestry | null;
}

function within(ancestry: Ancestry | null, id: string): boolean {
  for (let a = ancestry; a !== null; a = a.up) if (a.id === id) return true;
  return false;
}

type Pending = { readonly dir: string; readonly ancestry: Ancestry | null } | { readonly step: WalkStep };

/**
 * Walks the tree below `top`, yielding one step per directory: parents before children
 * when `topDown` (the caller may then remove names from `dirnames` to skip them), or
 * children first otherwise.
 *
 * A directory is read whole and released before its step is yielded, so the walk never
 * holds a directory open while the caller runs. Directories that cannot be read are
 * passed to `onError` (and skipped; by default silently, as in pathlib). With
 * `followSymlinks`, symlinks to directories are listed in `dirnames` and walked into,
 * except one leading back to a directory being walked (which would never end).
 */
export async function* walkPaths(top: string, settings: WalkSettings): AsyncGenerator<WalkStep, void, undefined> {
  const pending: Pending[] = [{ dir: top, ancestry: null }];
  while (pending.length > 0) {
    const item = pending.pop()!;
    if ("step" in item) {
      yield item.step;
      continue;
    }
    const { dir } = item;
    let ancestry = item.ancestry;
    const dirnames: string[] = [];
    const filenames: string[] = [];
    try {
      if (settings.followSymlinks) {
        const stat = await fsCall("stat", dir, (fs) => fs.stat(dir));
        const id = `${stat.dev}:${stat.ino}`;
        if (within(ancestry, id)) continue;
        ancestry = { id, up: ancestry };
      }
      for await (const batch of listDir(dir)) {
        for (const entry of batch) {
          let isDir = entry.kind === "directory";
          if (!isDir && entry.kind === "symlink" && settings.followSymlinks) isDir = await isDirectoryQuiet(joinChild(dir, entry.name));
          (isDir ? dirnames : filenames).push(entry.name);
        }
      }
    } catch (err) {
      if (!(err instanceof OSError)) throw err;
      settings.onError?.(err);
      continue;
    }
    const step: WalkStep = [dir, dirnames, filenames];
    if (settings.topDown) {
      yield step;
      // Read dirnames after the caller had it: names it removed are not walked.
      for (let k = dirnames.length - 1; k >= 0; k--) pending.push({ dir: joinChild(dir, dirnames[k]), ancestry });
    } else {
      pending.push({ step });
      for (let k = dirnames.length - 1; k >= 0; k--) pending.push({ dir: joinChild(dir, dirnames[k]), ancestry });
    }
  }
}

