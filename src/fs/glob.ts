/**
 * The directory search behind `Path.glob()` and `Path.rglob()`, on path strings.
 *
 * Pathlib's rules: a pattern is relative, its segments are matched one directory level
 * each, a whole `**` segment matches any number of levels (zero included) without
 * following symlinks into directories, and a pattern ending in "/" selects directories
 * only. A final `**` selects the directory itself and everything below it. Directories
 * that cannot be listed (missing, not a directory, no permission) are skipped quietly.
 *
 * Memory stays bounded by the depth of the tree, not its size: directories are read in
 * batches, and a `**` search keeps only the names of subdirectories still to visit.
 *
 * @module
 * @internal
 */
import type { DirEntry } from "../backends/fs.ts";
import { OSError } from "../core/errors.ts";
import { compileSegment, matchesSegment, type PatternSegment } from "./glob-pattern.ts";
import { fsCall, isDirectoryQuiet, joinChild, listDir } from "./path-ops.ts";

/** A parsed glob pattern. */
export interface GlobPlan {
  readonly segments: readonly PatternSegment[];
  /** The pattern ended in "/": only directories are selected. */
  readonly dirsOnly: boolean;
  /** More than one `**`: the same path can be reached twice and must be reported once. */
  readonly dedupe: boolean;
}

/**
 * Parses a glob pattern, or throws (TypeError for a non-string, RangeError for an
 * empty or absolute pattern, or one that names no segment, such as ".") naming `argName`.
 */
export function parseGlob(pattern: unknown, argName: string): GlobPlan {
  if (typeof pattern !== "string") throw new TypeError(`${argName} must be a string, not ${typeof pattern}`);
  if (pattern === "") throw new RangeError(`${argName} must not be empty`);
  if (pattern.includes("\0")) throw new RangeError(`${argName} must not contain NUL bytes`);
  if (pattern.startsWith("/")) throw new RangeError(`${argName} must be relative, not ${JSON.stringify(pattern)}`);
  const segments: PatternSegment[] = [];
  for (const raw of pattern.split("/")) {
    if (raw === "" || raw === ".") continue;
    const segment = compileSegment(raw, true, argName);
    // "**/**" selects nothing "**" does not: keep one.
    if (segment.kind === "recursive" && segments.at(-1)?.kind === "recursive") continue;
    segments.push(segment);
  }
  if (segments.length === 0) throw new RangeError(`${argName} names nothing to match: ${JSON.stringify(pattern)}`);
  const recursive = segments.filter((s) => s.kind === "recursive").length;
  return { segments, dirsOnly: pattern.endsWith("/"), dedupe: recursive > 1 };
}

/** Lists `dir` in batches, ending quietly (no batch, or no more) if it cannot be listed. */
async function* quietList(dir: string): AsyncGenerator<DirEntry[], void, undefined> {
  try {
    yield* listDir(dir);
  } catch (err) {
    if (!(err instanceof OSError)) throw err;
  }
}


/** Whether the entry `entry` of `dir` is a directory, following a symlink. */
function entryIsDirectory(dir: string, entry: DirEntry): Promise<boolean> | boolean {
  if (entry.kind === "directory") return true;
  if (entry.kind === "symlink") return isDirectoryQuiet(joinChild(dir, entry.name));
  return false;
}

/** Whether `path` exists (without following a final symlink). */
async function lexists(path: string): Promise<boolean> {
  return await fsCall("lstat", path, (fs) => fs.exists(path, false)).catch((err) => {
    if (err instanceof OSError) return false;
    throw err;
  });
}

/** Runs one glob search from the directory `top`, yielding matching path strings. */
export async function* globPaths(top: string, plan: GlobPlan): AsyncGenerator<string, void, undefined> {
  if (!plan.dedupe) {
    yield* select(plan, top, 0);
    return;
  }
  const seen = new Set<string>();
  for await (const path of select(plan, top, 0)) {
    if (seen.has(path)) continue;
    seen.add(path);
    yield path;
  }
}

/** Yields the paths below `dir` (a directory, or a candidate for one) matching segments `i`.. of the plan. */
async function* select(plan: GlobPlan, dir: string, i: number): AsyncGenerator<string, void, undefined> {
  const segment = plan.segments[i];
  const last = i === plan.segments.length - 1;
  if (segment.kind === "literal") {
    // A literal segment needs no listing: the name is joined on, and checked at the end.
    const child = joinChild(dir, segment.text);
    if (!last) yield* select(plan, child, i + 1);
    else if (plan.dirsOnly ? await isDirectoryQuiet(child) : await lexists(child)) yield child;
  } else if (segment.kind === "wildcard") {
    for await (const batch of quietList(dir)) {
      for (const entry of batch) {
        if (matchesSegment(segment, entry.name)) yield* selectEntry(plan, dir, entry, i);
      }
    }
  } else {
    yield* selectRecursive(plan, dir, i);
  }
}

/** Continues the search with `entry` of `dir`, which matched segment `i`. */
async function* selectEntry(plan: GlobPlan, dir: string, entry: DirEntry, i: number): AsyncGenerator<string, void, undefined> {
  const child = joinChild(dir, entry.name);
  if (i === plan.segments.length - 1) {
    if (!plan.dirsOnly || await entryIsDirectory(dir, entry)) yield child;
  } else if (await entryIsDirectory(dir, entry)) {
    yield* select(plan, child, i + 1);
  }
}

/**
 * Segment `i` is `**`: runs the rest of the pattern in `top` and in every directory
 * below it, depth first, without following symlinks to directories. Each directory is
 * listed once: its entries are matched against the next segment as they are read.
 */
async function* selectRecursive(plan: GlobPlan, top: string, i: number): AsyncGenerator<string, void, undefined> {
  const next: PatternSegment | undefined = plan.segments[i + 1];
  if (next === undefined && !(await isDirectoryQuiet(top))) return;
  const pending: string[] = [top];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    if (next === undefined) yield dir;
    else if (next.kind === "literal") yield* select(plan, dir, i + 1);
    const subdirs: string[] = [];
    for await (const batch of quietList(dir)) {
      for (const entry of batch) {
        if (entry.kind === "directory") subdirs.push(entry.name);
        if (next === undefined) {
          // Directories are yielded when visited; other entries here, unless only
          // directories are wanted (then a symlink to one still counts).
          if (entry.kind === "directory") continue;
          if (!plan.dirsOnly || (entry.kind === "symlink" && await entryIsDirectory(dir, entry))) {
            yield joinChild(dir, entry.name);
          }
        } else if (next.kind === "wildcard" && matchesSegment(next, entry.name)) {
          yield* selectEntry(plan, dir, entry, i + 1);
        }
      }
    }
    for (let k = subdirs.length - 1; k >= 0; k--) pending.push(joinChild(dir, subdirs[k]));
  }
}
