/**
 * `Path.resolve()`: realpath, and pathlib's non-strict variant for paths that do not
 * (all) exist.
 *
 * @module
 * @internal
 */
import { OSError } from "../core/errors.ts";
import { formatPath, parseSegments } from "./path-pure.ts";
import { fsCall, joinChild } from "./path-ops.ts";

/** Symlinks followed by hand before giving up on a chain (Linux's own limit is 40). */
const MAX_HOPS = 40;

/**
 * The real path of the absolute path `path`: every symlink, "." and ".." resolved.
 * Strict, the file must exist (the realpath error is raised). Not strict, the part that
 * exists is resolved and the rest appended as written (with ".." taking off the
 * segment before it), as Python's `Path.resolve()` does.
 */
export async function resolvePath(path: string, strict: boolean): Promise<string> {
  try {
    return await fsCall("realpath", path, (fs) => fs.realpath(path));
  } catch (err) {
    if (strict || !(err instanceof OSError)) throw err;
  }
  return await resolveLoose(path, 0);
}

/** Non-strict resolution of the absolute path `path`, `hops` symlinks deep. */
async function resolveLoose(path: string, hops: number): Promise<string> {
  const { tail } = parseSegments([path]);
  let resolved: string[] = [];
  let missing = false;
  for (const part of tail) {
    // `resolved` holds no symlink, so taking off its last segment is what ".." does.
    if (part === "..") {
      resolved.pop();
      continue;
    }
    if (missing) {
      resolved.push(part);
      continue;
    }
    const candidate = formatPath("/", [...resolved, part]);
    try {
      resolved = [...parseSegments([await fsCall("realpath", candidate, (fs) => fs.realpath(candidate))]).tail];
      continue;
    } catch (err) {
      if (!(err instanceof OSError)) throw err;
    }
    // The candidate cannot be resolved: a missing file, or a symlink whose target is
    // missing, which is followed by hand (a bounded number of times, for loops).
    missing = true;
    let target: string | undefined;
    if (hops < MAX_HOPS) {
      try {
        target = await fsCall("readlink", candidate, (fs) => fs.readlink(candidate));
      } catch (err) {
        if (!(err instanceof OSError)) throw err;
      }
    }
    if (target === undefined) {
      resolved.push(part);
    } else {
      const next = target.startsWith("/") ? target : joinChild(formatPath("/", resolved), target);
      resolved = [...parseSegments([await resolveLoose(next, hops + 1)]).tail];
    }
  }
  return formatPath("/", resolved);
}
