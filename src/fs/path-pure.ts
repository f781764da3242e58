/**
 * Pure POSIX path logic behind `Path`: parsing, joining, names and suffixes, relative
 * paths and file URIs. Lexical only: nothing here looks at the disk, and ".." is kept
 * as a segment (collapsing it would be wrong when the segment before it is a symlink).
 *
 * @module
 * @internal
 */

/** A parsed path: its anchor ("/" for an absolute path, "" otherwise) and its segments. */
export interface ParsedPath {
  readonly anchor: "" | "/";
  /** The segments after the anchor: never empty strings or ".", possibly "..". */
  readonly tail: readonly string[];
}

/**
 * Parses and joins raw path strings as pathlib does: an absolute segment restarts the
 * path, repeated slashes and "." segments vanish, a trailing slash is dropped.
 * ("//a" is "/a" here; POSIX leaves a leading "//" implementation-defined, and Linux
 * and macOS treat it as "/".)
 */
export function parseSegments(raws: readonly string[]): ParsedPath {
  let anchor: "" | "/" = "";
  let tail: string[] = [];
  for (const raw of raws) {
    if (raw.startsWith("/")) {
      anchor = "/";
      tail = [];
    }
    for (const part of raw.split("/")) {
      if (part !== "" && part !== ".") tail.push(part);
    }
  }
  return { anchor, tail };
}

/** The string form of a parsed path: "." for the empty relative path. */
export function formatPath(anchor: string, tail: readonly string[]): string {
  const body = tail.join("/");
  if (anchor === "") return body === "" ? "." : body;
  return anchor + body;
}

/** The suffix of a final segment: from its last ".", unless that is the first or last character. */
export function suffixOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 && dot < name.length - 1 ? name.slice(dot) : "";
}

/** The final segment without its suffix. */
export function stemOf(name: string): string {
  const suffix = suffixOf(name);
  return suffix === "" ? name : name.slice(0, -suffix.length);
}

/** Every suffix of a final segment: "a.tar.gz" → [".tar", ".gz"]; none for ".hidden" or "a.". */
export function suffixesOf(name: string): string[] {
  if (name.endsWith(".")) return [];
  const parts = name.replace(/^\.+/, "").split(".");
  return parts.slice(1).map((part) => "." + part);
}

/** Throws a RangeError unless `name` can be a final segment. */
export function checkName(name: unknown, argName: string): string {
  if (typeof name !== "string") throw new TypeError(`${argName} must be a string, not ${typeof name}`);
  if (name === "" || name === "." || name === ".." || name.includes("/") || name.includes("\0")) {
    throw new RangeError(`${argName} must be a non-empty file name without "/" (and not "." or ".."), not ${JSON.stringify(name)}`);
  }
  return name;
}

/** Throws unless `suffix` is "" or a "." followed by characters other than "/". */
export function checkSuffix(suffix: unknown, argName: string): string {
  if (typeof suffix !== "string") throw new TypeError(`${argName} must be a string, not ${typeof suffix}`);
  if (suffix === "") return suffix;
  if (!suffix.startsWith(".") || suffix === "." || suffix.includes("/") || suffix.includes("\0")) {
    throw new RangeError(`${argName} must start with "." and have more after it, without "/", not ${JSON.stringify(suffix)}`);
  }
  return suffix;
}

/** Whether `base` (anchor and segments) is `path` itself or one of its ancestors, lexically. */
export function isPrefix(base: ParsedPath, path: ParsedPath): boolean {
  if (base.anchor !== path.anchor || base.tail.length > path.tail.length) return false;
  return base.tail.every((part, i) => part === path.tail[i]);
}

/**
 * The segments of `path` relative to `base`, as pathlib's relative_to computes them:
 * `base` must be an ancestor of `path` (or the same path); with `walkUp`, any common
 * ancestor will do and ".." segments climb to it. Throws a RangeError (with `pathText`
 * and `baseText` in the message) when there is none.
 */
export function relativeSegments(path: ParsedPath, base: ParsedPath, walkUp: boolean, pathText: string, baseText: string): string[] {
  if (path.anchor !== base.anchor) {
    throw new RangeError(`${JSON.stringify(pathText)} and ${JSON.stringify(baseText)} have different anchors`);
  }
  for (let keep = base.tail.length; keep >= 0; keep--) {
    const ancestor = { anchor: base.anchor, tail: base.tail.slice(0, keep) };
    if (isPrefix(ancestor, path)) {
      const up = base.tail.length - keep;
      return [...Array<string>(up).fill(".."), ...path.tail.slice(keep)];
    }
    if (!walkUp) {
      throw new RangeError(`${JSON.stringify(pathText)} is not in the subpath of ${JSON.stringify(baseText)}`);
    }
    if (base.tail[keep - 1] === "..") {
      throw new RangeError(`the ".." segment in ${JSON.stringify(baseText)} cannot be walked up from`);
    }
  }
  // Unreachable: with equal anchors the empty tail is always a prefix.
  throw new RangeError(`${JSON.stringify(pathText)} is not in the subpath of ${JSON.stringify(baseText)}`);
}

/** Bytes that stay as they are in a file URI (RFC 3986 unreserved characters and "/"). */
const URI_SAFE = /[A-Za-z0-9_.\-~/]/;

/** Percent-encodes a POSIX path for a `file:` URI (its UTF-8 bytes, as Python's as_uri does). */
export function encodeUriPath(path: string): string {
  let out = "";
  for (const char of path) {
    if (URI_SAFE.test(char)) {
      out += char;
      continue;
    }
    for (const byte of new TextEncoder().encode(char)) out += "%" + byte.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}
