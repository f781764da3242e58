/**
 * `Path`: an async counterpart of Python's pathlib (AnyIO's `anyio.Path`), with POSIX
 * semantics. Pure path methods are synchronous; methods that touch the disk are async
 * and each one is a checkpoint.
 *
 * @module
 */
import type { FileKind, FileStat } from "../backends/fs.ts";
import { checkpoint } from "../core/checkpoint.ts";
import { OSError } from "../core/errors.ts";
import { checkBoolean, checkOptions } from "../sync/checks.ts";
import { compileSegment, matchParts, type PatternSegment } from "./glob-pattern.ts";
import { globPaths, parseGlob } from "./glob.ts";
import type { AsyncFile } from "./async-file.ts";
import { openFile, type OpenFileOptions } from "./open-file.ts";
import type { OpenBinaryMode, OpenTextMode } from "./open-mode.ts";
import { PATH_STRING, type PathLike, toPathString } from "./path-like.ts";
import { copyPath, movePath } from "./path-copy.ts";
import { fsCall, hasCode, joinChild, listDir } from "./path-ops.ts";
import {
  checkName,
  checkSuffix,
  encodeUriPath,
  formatPath,
  isPrefix,
  type ParsedPath,
  parseSegments,
  relativeSegments,
  stemOf,
  suffixesOf,
  suffixOf,
} from "./path-pure.ts";
import { resolvePath } from "./path-resolve.ts";
import { walkPaths } from "./walk.ts";

export type { FileKind, FileStat };

/** Options of {@link Path.mkdir}. */
export interface MkdirOptions {
  /** Make missing parent directories too (default false). */
  parents?: boolean;
  /** An existing directory is no error (default false); anything else there still is. */
  existOk?: boolean;
  /** Permission bits of the new directory, before the umask (default 0o777). */
  mode?: number;
}

/** Options of {@link Path.touch}. */
export interface TouchOptions {
  /** An existing file is no error; its times are set to now (default true). */
  existOk?: boolean;
  /** Permission bits of a new file, before the umask (default 0o666). */
  mode?: number;
}

/** Options of {@link Path.readText}. */
export interface ReadTextOptions {
  /** The text encoding, as `TextDecoder` names them (default "utf-8"). */
  encoding?: string;
  /** Throw a TypeError on malformed data instead of decoding it as U+FFFD (default false). */
  fatal?: boolean;
}

/** Options of {@link Path.walk}. */
export interface WalkOptions {
  /** Yield a directory before its subdirectories (default true), or after them. */
  topDown?: boolean;
  /**
   * Walk into symlinks to directories (default false: they are listed among the
   * files). A link back to a directory being walked is listed but not walked again.
   */
  followSymlinks?: boolean;
  /** Called with the error of a directory that cannot be read (default: skip it silently). */
  onError?: (error: OSError) => void;
}

/** Options of {@link Path.copy}. */
export interface CopyOptions {
  /** If this path is a symlink, copy what it points to (default true), or the link itself. */
  followSymlinks?: boolean;
  /** Also copy access and modification times (default false; permission bits are always copied). */
  preserveMetadata?: boolean;
}

/** One directory of {@link Path.walk}: its path, its subdirectories' names, its other entries' names. */
export type WalkEntry = [dirpath: Path, dirnames: string[], filenames: string[]];

/** Codes for which a kind test (isFile, isDir, ...) answers false instead of raising. */
const NOT_THERE = ["ENOENT", "ENOTDIR", "ELOOP", "EBADF"] as const;

const EMPTY = new Uint8Array(0);

function checkMode(mode: unknown, name: string, fallback: number): number {
  if (mode === undefined) return fallback;
  if (typeof mode !== "number") throw new TypeError(`${name} must be a number, not ${typeof mode}`);
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) {
    throw new RangeError(`${name} must be a whole number from 0 to 0o7777, not ${mode}`);
  }
  return mode;
}

/** The path string of a segment: any string (even ""), a file: URL or a Path. */
function segmentString(segment: unknown, name: string): string {
  if (typeof segment === "string") {
    if (segment.includes("\0")) throw new TypeError(`${name} must not contain NUL bytes`);
    return segment;
  }
  return toPathString(segment as PathLike, name);
}

/**
 * A filesystem path with pathlib's methods: an async counterpart of Python's
 * `pathlib.Path` (AnyIO's `anyio.Path`), with POSIX semantics.
 *
 * A Path is an immutable value. Its pure methods (`join`, `parent`, `name`, `suffix`,
 * `withSuffix`, `relativeTo`, `match`, ...) are synchronous and never look at the disk;
 * ".." segments are kept as written (use `resolve()` to collapse them against the
 * disk). Methods that touch the disk are async, and each is a checkpoint: it raises
 * `Cancelled` if the scope is cancelled before it starts, and an operation once
 * started is finished (completion wins). Failures raise {@link OSError} with the POSIX
 * `code` ("ENOENT", "EEXIST", "ENOTDIR", "ENOTEMPTY", ...) and the `path` (and `dest`).
 *
 * Every function taking a {@link PathLike} (`openFile` and friends) accepts a Path.
 *
 * @example
 * ```ts
 * import { Path } from "structio";
 *
 * const dir = new Path("/tmp", "structio-demo");
 * await dir.mkdir({ existOk: true });
 * const notes = dir.join("notes.txt");
 * await notes.writeText("hello\n");
 * console.log(notes.name, notes.suffix, await notes.readText()); // notes.txt .txt hello
 * for await (const entry of dir.iterdir()) console.log(entry.toString());
 * await notes.unlink();
 * await dir.rmdir();
 * ```
 */
export class Path {
  readonly #anchor: "" | "/";
  readonly #tail: readonly string[];
  readonly #text: string;

  /**
   * Joins `segments` into a path: an absolute segment starts over, "" and "." segments
   * and repeated or trailing slashes vanish. No segment at all is ".".
   *
   * @throws {TypeError} if a segment is not a string, file: URL or Path, or contains a NUL byte.
   */
  constructor(...segments: PathLike[]) {
    const raws = segments.map((segment, i) => segmentString(segment, `segments[${i}]`));
    const { anchor, tail } = parseSegments(raws);
    this.#anchor = anchor;
    this.#tail = Object.freeze(tail);
    this.#text = formatPath(anchor, tail);
  }

  /**
   * The Path of a `file:` URI (percent-decoded).
   *
   * @throws {TypeError} if `uri` is not a valid URL, or not a local file: URL.
   *
   * @example
   * ```ts
   * import { Path } from "structio";
   *
   * console.log(Path.fromUri("file:///tmp/a%20b").toString()); // "/tmp/a b"
   * ```
   */
  static fromUri(uri: string): Path {
    if (typeof uri !== "string") throw new TypeError(`uri must be a string, not ${typeof uri}`);
    let url: URL;
    try {
      url = new URL(uri);
    } catch (err) {
      throw new TypeError(`uri must be a file: URI, not ${JSON.stringify(uri)}`, { cause: err });
    }
    return new Path(toPathString(url, "uri"));
  }

  /**
   * The current working directory.
   *
   * @example
   * ```ts
   * import { Path } from "structio";
   *
   * console.log((await Path.cwd()).toString());
   * ```
   */
  static async cwd(): Promise<Path> {
    return new Path(await fsCall("getcwd", undefined, async (fs) => fs.cwd()));
  }

  /**
   * The current user's home directory.
   *
   * @example
   * ```ts
   * import { Path } from "structio";
   *
   * console.log((await Path.home()).toString());
   * ```
   */
  static async home(): Promise<Path> {
    return new Path(await fsCall("gethome", undefined, async (fs) => fs.home()));
  }

  /** The path string; what functions taking a {@link PathLike} read. */
  get [PATH_STRING](): string {
    return this.#text;
  }

  /**
   * A new path of the same class from `segments`. Every method that derives a path
   * calls this, so a subclass's derived paths are of the subclass.
   */
  withSegments(...segments: PathLike[]): Path {
    return new (this.constructor as new (...segments: PathLike[]) => Path)(...segments);
  }

  #parsed(): ParsedPath {
    return { anchor: this.#anchor, tail: this.#tail };
  }

  #child(name: string): Path {
    return this.withSegments(joinChild(this.#text, name));
  }

  // ---------------------------------------------------------------------------------
  // Pure methods.

  /**
   * This path with `segments` appended (an absolute segment replaces what came before).
   *
   * @example
   * ```ts
   * import { Path } from "structio";
   *
   * console.log(new Path("/srv").join("www", "index.html").toString()); // "/srv/www/index.html"
   * ```
   */
  join(...segments: PathLike[]): Path {
    return this.withSegments(this, ...segments);
  }

  /** The path's segments: the anchor ("/") if absolute, then each name. "." has none. */
  get parts(): readonly string[] {
    return Object.freeze(this.#anchor === "" ? [...this.#tail] : [this.#anchor, ...this.#tail]);
  }

  /** Always "" (POSIX paths have no drive); for pathlib compatibility. */
  get drive(): string {
    return "";
  }

  /** "/" for an absolute path, "" for a relative one. */
  get root(): string {
    return this.#anchor;
  }

  /** Drive and root together: "/" or "". */
  get anchor(): string {
    return this.#anchor;
  }

  /** The final segment, or "" for "/" and ".". */
  get name(): string {
    return this.#tail.at(-1) ?? "";
  }

  /** The name's extension from its last ".": ".gz" for "a.tar.gz"; "" for ".hidden" or "a.". */
  get suffix(): string {
    return suffixOf(this.name);
  }

  /** Every extension of the name: [".tar", ".gz"] for "a.tar.gz". */
  get suffixes(): string[] {
    return suffixesOf(this.name);
  }

  /** The name without its suffix: "a.tar" for "a.tar.gz". */
  get stem(): string {
    return stemOf(this.name);
  }

  /** The logical parent: "/a" for "/a/b"; "/" and "." are their own parents; ".." gives ".". */
  get parent(): Path {
    if (this.#tail.length === 0) return this;
    return this.withSegments(formatPath(this.#anchor, this.#tail.slice(0, -1)));
  }

  /** The logical ancestors, nearest first: ["/a", "/"] for "/a/b"; ["a", "."] for "a/b". */
  get parents(): readonly Path[] {
    const result: Path[] = [];
    for (let n = this.#tail.length - 1; n >= 0; n--) result.push(this.withSegments(formatPath(this.#anchor, this.#tail.slice(0, n))));
    return Object.freeze(result);
  }

  /**
   * This path with its name replaced.
   *
   * @throws {RangeError} if this path has no name ("/", "."), or `name` is empty, ".", ".." or contains "/".
   */
  withName(name: string): Path {
    checkName(name, "name");
    if (this.name === "") throw new RangeError(`${JSON.stringify(this.#text)} has an empty name`);
    return this.withSegments(formatPath(this.#anchor, [...this.#tail.slice(0, -1), name]));
  }

  /**
   * This path with its stem replaced (the suffix kept).
   *
   * @throws {RangeError} if the result would have no valid name.
   */
  withStem(stem: string): Path {
    if (typeof stem !== "string") throw new TypeError(`stem must be a string, not ${typeof stem}`);
    const suffix = this.suffix;
    if (stem === "" && suffix !== "") throw new RangeError(`${JSON.stringify(this.#text)} has a non-empty suffix`);
    return this.withName(stem + suffix);
  }

  /**
   * This path with its suffix replaced, added, or (with "") removed.
   *
   * @throws {RangeError} if `suffix` is neither "" nor "." followed by more, or this path has no name.
   *
   * @example
   * ```ts
   * import { Path } from "structio";
   *
   * console.log(new Path("report.md").withSuffix(".html").toString()); // "report.html"
   * ```
   */
  withSuffix(suffix: string): Path {
    checkSuffix(suffix, "suffix");
    const name = this.name;
    if (name === "") throw new RangeError(`${JSON.stringify(this.#text)} has an empty name`);
    return this.withName(stemOf(name) + suffix);
  }

  /** Whether the path is absolute (starts with "/"). */
  isAbsolute(): boolean {
    return this.#anchor === "/";
  }

  /** Whether `other` is this path or one of its logical ancestors. */
  isRelativeTo(other: PathLike): boolean {
    return isPrefix(new Path(segmentString(other, "other")).#parsed(), this.#parsed());
  }

  /**
   * This path relative to `other`, lexically. `other` must be an ancestor (or this path
   * itself), unless `walkUp` allows ".." segments to climb to a common ancestor.
   *
   * @throws {RangeError} if there is no such relative path (different anchors, not a
   *   subpath, or a ".." in `other` that would have to be walked up from).
   *
   * @example
   * ```ts
   * import { Path } from "structio";
   *
   * console.log(new Path("/srv/www/a.html").relativeTo("/srv").toString()); // "www/a.html"
   * console.log(new Path("/srv/a").relativeTo("/srv/b", { walkUp: true }).toString()); // "../a"
   * ```
   */
  relativeTo(other: PathLike, options?: { walkUp?: boolean }): Path {
    const base = new Path(segmentString(other, "other"));
    const walkUp = checkBoolean(checkOptions(options).walkUp, "options.walkUp", false);
    const segments = relativeSegments(this.#parsed(), base.#parsed(), walkUp, this.#text, base.#text);
    return this.withSegments(segments.join("/"));
  }

  /** The path with forward slashes: its string (POSIX paths have no other form). */
  asPosix(): string {
    return this.#text;
  }

  /**
   * The path as a `file:` URI, percent-encoded.
   *
   * @throws {RangeError} if the path is relative.
   */
  asUri(): string {
    if (!this.isAbsolute()) throw new RangeError(`a relative path cannot be a URI: ${JSON.stringify(this.#text)}`);
    return "file://" + encodeUriPath(this.#text);
  }

  /**
   * Whether the path matches a glob-style `pattern` (`*`, `?`, `[...]`). A relative
   * pattern matches from the right ("*.py" matches "/a/b.py"); an absolute one must
   * match the whole path. Here "**" is an ordinary "*" (see {@link fullMatch}).
   *
   * @throws {RangeError} if `pattern` is empty.
   */
  match(pattern: string): boolean {
    const compiled = this.#compilePattern(pattern, false);
    if (compiled.anchor === "/") return compiled.segments.length === this.#tail.length + 1 && matchParts(compiled.segments, this.parts);
    const parts = this.parts;
    if (compiled.segments.length > parts.length) return false;
    return matchParts(compiled.segments, parts.slice(parts.length - compiled.segments.length));
  }

  /**
   * Whether the whole path matches a glob-style `pattern`, where a whole "**" segment
   * matches any number of segments.
   *
   * @throws {RangeError} if `pattern` is empty.
   *
   * @example
   * ```ts
   * import { Path } from "structio";
   *
   * console.log(new Path("/srv/www/index.html").fullMatch("/srv/**")); // true
   * console.log(new Path("/srv/www/index.html").match("/srv/*")); // false: "*" is one segment
   * ```
   */
  fullMatch(pattern: string): boolean {
    return matchParts(this.#compilePattern(pattern, true).segments, this.parts);
  }

  #compilePattern(pattern: unknown, recursive: boolean): { anchor: string; segments: PatternSegment[] } {
    if (typeof pattern !== "string") throw new TypeError(`pattern must be a string, not ${typeof pattern}`);
    if (pattern === "") throw new RangeError("pattern must not be empty");
    const { anchor, tail } = parseSegments([pattern]);
    const segments = tail.map((part) => compileSegment(part, recursive, "pattern"));
    if (anchor === "/") segments.unshift({ kind: "literal", text: "/" });
    return { anchor, segments };
  }

  /** Whether `other` is the same path, lexically (no disk access; see {@link samefile}). */
  equals(other: PathLike): boolean {
    if (other instanceof Path) return other.#text === this.#text;
    try {
      return new Path(segmentString(other, "other")).#text === this.#text;
    } catch {
      return false;
    }
  }

  /** The path string. */
  toString(): string {
    return this.#text;
  }

  /** The path string, so that JSON.stringify writes paths as strings. */
  toJSON(): string {
    return this.#text;
  }

  /** How console.log shows a Path on Node.js and Bun. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `Path(${JSON.stringify(this.#text)})`;
  }

  /** How console.log shows a Path on Deno. */
  [Symbol.for("Deno.customInspect")](): string {
    return `Path(${JSON.stringify(this.#text)})`;
  }

  // ---------------------------------------------------------------------------------
  // Methods that touch the disk.

  /** This path made absolute against the current directory (not resolving anything). */
  async absolute(): Promise<Path> {
    if (this.isAbsolute()) {
      await checkpoint();
      return this;
    }
    return this.withSegments(await fsCall("getcwd", undefined, async (fs) => fs.cwd()), this);
  }

  /**
   * The absolute path with symlinks, "." and ".." resolved (realpath). Not `strict`
   * (the default), a path that does not exist is resolved as far as it exists and the
   * rest appended; `strict`, it raises.
   *
   * @throws {OSError} ENOENT (strict) if the path does not exist; ELOOP for a symlink loop.
   */
  async resolve(options?: { strict?: boolean }): Promise<Path> {
    const strict = checkBoolean(checkOptions(options).strict, "options.strict", false);
    const absolute = await this.absolute();
    return this.withSegments(await resolvePath(absolute.#text, strict));
  }

  /**
   * This path with a leading "~" replaced by the home directory.
   *
   * @throws {Error} for "~user": looking up other users' home directories is not supported.
   */
  async expanduser(): Promise<Path> {
    const first = this.#anchor === "" ? this.#tail[0] : undefined;
    if (first === undefined || !first.startsWith("~")) {
      await checkpoint();
      return this;
    }
    if (first !== "~") {
      throw new Error(`expanduser() cannot look up the home directory of ${JSON.stringify(first.slice(1))}: only "~" is supported`);
    }
    const home = await fsCall("gethome", undefined, async (fs) => fs.home());
    return this.withSegments(home, ...this.#tail.slice(1));
  }

  /**
   * The file's status (stat(2)); with `followSymlinks: false`, a symlink's own (lstat).
   *
   * @example
   * ```ts
   * import { Path } from "structio";
   *
   * const stat = await new Path("/etc/hostname").stat();
   * console.log(stat.kind, stat.size, stat.mode & 0o777);
   * ```
   */
  async stat(options?: { followSymlinks?: boolean }): Promise<FileStat> {
    const follow = checkBoolean(checkOptions(options).followSymlinks, "options.followSymlinks", true);
    const path = this.#text;
    return follow ? await fsCall("stat", path, (fs) => fs.stat(path)) : await this.lstat();
  }

  /** A symlink's own status (lstat(2)); for other files the same as {@link stat}. */
  async lstat(): Promise<FileStat> {
    const path = this.#text;
    return await fsCall("lstat", path, (fs) => fs.lstat(path));
  }

  /**
   * Whether the path exists; a dangling symlink does not, unless `followSymlinks` is false.
   *
   * @throws {OSError} for errors other than "not there" (EACCES on a parent, say).
   */
  async exists(options?: { followSymlinks?: boolean }): Promise<boolean> {
    const follow = checkBoolean(checkOptions(options).followSymlinks, "options.followSymlinks", true);
    const path = this.#text;
    return await fsCall(follow ? "stat" : "lstat", path, (fs) => fs.exists(path, follow));
  }

  async #kind(follow: boolean): Promise<FileKind | null> {
    try {
      return (await this.stat({ followSymlinks: follow })).kind;
    } catch (err) {
      if (hasCode(err, ...NOT_THERE)) return null;
      throw err;
    }
  }

  /** Whether the path is a regular file (following symlinks unless told not to); false if missing. */
  async isFile(options?: { followSymlinks?: boolean }): Promise<boolean> {
    const follow = checkBoolean(checkOptions(options).followSymlinks, "options.followSymlinks", true);
    return (await this.#kind(follow)) === "file";
  }

  /** Whether the path is a directory (following symlinks unless told not to); false if missing. */
  async isDir(options?: { followSymlinks?: boolean }): Promise<boolean> {
    const follow = checkBoolean(checkOptions(options).followSymlinks, "options.followSymlinks", true);
    return (await this.#kind(follow)) === "directory";
  }

  /** Whether the path is a symlink (dangling or not); false if missing. */
  async isSymlink(): Promise<boolean> {
    return (await this.#kind(false)) === "symlink";
  }

  /** Whether the path is a named pipe (FIFO); false if missing. */
  async isFifo(): Promise<boolean> {
    return (await this.#kind(true)) === "fifo";
  }

  /** Whether the path is a Unix socket; false if missing. */
  async isSocket(): Promise<boolean> {
    return (await this.#kind(true)) === "socket";
  }

  /** Whether the path is a block device; false if missing. */
  async isBlockDevice(): Promise<boolean> {
    return (await this.#kind(true)) === "block-device";
  }

  /** Whether the path is a character device; false if missing. */
  async isCharDevice(): Promise<boolean> {
    return (await this.#kind(true)) === "char-device";
  }

  /**
   * The whole file, as bytes.
   *
   * @throws {OSError} ENOENT if missing, EISDIR for a directory.
   */
  async readBytes(): Promise<Uint8Array> {
    const path = this.#text;
    return await fsCall("read", path, (fs) => fs.readFile(path));
  }

  /**
   * The whole file, decoded as text (UTF-8 unless told otherwise).
   *
   * @throws {RangeError} if `encoding` is not one TextDecoder knows.
   * @throws {OSError} ENOENT if missing, EISDIR for a directory.
   *
   * @example
   * ```ts
   * import { Path } from "structio";
   *
   * const text = await new Path("/etc/hostname").readText();
   * console.log(text.trim());
   * ```
   */
  async readText(options?: ReadTextOptions): Promise<string> {
    const o = checkOptions(options);
    if (o.encoding !== undefined && typeof o.encoding !== "string") {
      throw new TypeError(`options.encoding must be a string, not ${typeof o.encoding}`);
    }
    const fatal = checkBoolean(o.fatal, "options.fatal", false);
    // Made before reading, so that an unknown encoding is a RangeError at the call.
    const decoder = new TextDecoder(o.encoding ?? "utf-8", { fatal });
    return decoder.decode(await this.readBytes());
  }

  /**
   * Opens the file: `openFile(this, mode, options)`, with the same modes ("r" by
   * default, "w", "a", "x", "+", "b") and the same file type for each.
   *
   * @example
   * ```ts
   * import { Path } from "structio";
   *
   * await using log = await new Path("/tmp/app.log").open("a");
   * await log.write("started\n");
   * ```
   */
  open(mode: OpenBinaryMode, options?: OpenFileOptions): Promise<AsyncFile<Uint8Array>>;
  open(mode?: OpenTextMode, options?: OpenFileOptions): Promise<AsyncFile<string>>;
  open(mode: string, options?: OpenFileOptions): Promise<AsyncFile>;
  open(mode: string = "r", options?: OpenFileOptions): Promise<AsyncFile> {
    return openFile(this, mode, options);
  }

  /**
   * Replaces the file's content with `data`, creating the file if needed.
   *
   * @throws {TypeError} if `data` is not a Uint8Array.
   * @throws {OSError} ENOENT if the parent directory is missing, EISDIR for a directory.
   */
  async writeBytes(data: Uint8Array): Promise<void> {
    if (!(data instanceof Uint8Array)) throw new TypeError(`data must be a Uint8Array, not ${describe(data)}`);
    const path = this.#text;
    await fsCall("write", path, (fs) => fs.writeFile(path, data, {}));
  }

  /**
   * Replaces the file's content with `text` in UTF-8, creating the file if needed.
   *
   * @throws {TypeError} if `text` is not a string.
   *
   * @example
   * ```ts
   * import { Path } from "structio";
   *
   * await new Path("/tmp/greeting.txt").writeText("hello\n");
   * ```
   */
  async writeText(text: string): Promise<void> {
    if (typeof text !== "string") throw new TypeError(`text must be a string, not ${describe(text)}`);
    await this.writeBytes(new TextEncoder().encode(text));
  }

  /**
   * Makes the directory.
   *
   * @throws {OSError} EEXIST if something is there (unless `existOk` and it is a
   *   directory); ENOENT if the parent is missing (unless `parents`).
   *
   * @example
   * ```ts
   * import { Path } from "structio";
   *
   * await new Path("/tmp/structio/a/b").mkdir({ parents: true, existOk: true });
   * ```
   */
  async mkdir(options?: MkdirOptions): Promise<void> {
    const o = checkOptions(options);
    const parents = checkBoolean(o.parents, "options.parents", false);
    const existOk = checkBoolean(o.existOk, "options.existOk", false);
    const mode = checkMode(o.mode, "options.mode", 0o777);
    const path = this.#text;
    try {
      await fsCall("mkdir", path, (fs) => fs.mkdir(path, { recursive: false, mode }));
    } catch (err) {
      if (hasCode(err, "ENOENT") && parents && this.#tail.length > 0) {
        // As pathlib does: make the parents (with default permissions), then try again.
        await this.parent.mkdir({ parents: true, existOk: true });
        await this.mkdir({ parents: false, existOk, mode });
        return;
      }
      if (!(err instanceof OSError) || !existOk || !(await this.isDir())) throw err;
    }
  }

  /**
   * Creates the file if it does not exist; if it does, sets its access and modification
   * times to now (or, without `existOk`, raises EEXIST). Never changes the content.
   */
  async touch(options?: TouchOptions): Promise<void> {
    const o = checkOptions(options);
    const existOk = checkBoolean(o.existOk, "options.existOk", true);
    const mode = checkMode(o.mode, "options.mode", 0o666);
    const path = this.#text;
    if (existOk) {
      const now = Date.now();
      try {
        await fsCall("utime", path, (fs) => fs.utimes(path, now, now));
        return;
      } catch (err) {
        // Not there (or not ours to touch): creating it says which.
        if (!(err instanceof OSError)) throw err;
      }
    }
    await fsCall("open", path, (fs) => fs.writeFile(path, EMPTY, { append: true, exclusive: !existOk, mode }));
  }

  /**
   * Removes the file or symlink.
   *
   * @throws {OSError} ENOENT if missing (unless `missingOk`); EISDIR (Linux) or EPERM for a directory.
   */
  async unlink(options?: { missingOk?: boolean }): Promise<void> {
    const missingOk = checkBoolean(checkOptions(options).missingOk, "options.missingOk", false);
    const path = this.#text;
    try {
      await fsCall("unlink", path, (fs) => fs.unlink(path));
    } catch (err) {
      if (!(missingOk && hasCode(err, "ENOENT"))) throw err;
    }
  }

  /**
   * Removes the empty directory.
   *
   * @throws {OSError} ENOTEMPTY if it is not empty, ENOTDIR if it is not a directory, ENOENT if missing.
   */
  async rmdir(): Promise<void> {
    const path = this.#text;
    await fsCall("rmdir", path, (fs) => fs.rmdir(path));
  }

  /**
   * Renames this file or directory to `target` and returns the new path. On POSIX an
   * existing file at `target` is replaced, as with {@link replace}. A relative `target`
   * is relative to the current directory, not to this path's directory.
   *
   * @throws {OSError} ENOENT if this path is missing; EXDEV across filesystems (see {@link move}).
   */
  async rename(target: PathLike): Promise<Path> {
    const to = toPathString(target, "target");
    const path = this.#text;
    await fsCall("rename", path, (fs) => fs.rename(path, to), to);
    return this.withSegments(to);
  }

  /** Renames this path to `target`, replacing a file or empty directory there; returns the new path. */
  async replace(target: PathLike): Promise<Path> {
    return await this.rename(target);
  }

  /**
   * Moves this file or directory to `target`, also across filesystems (where it copies,
   * keeping times and permissions, then removes the source), and returns the new path.
   */
  async move(target: PathLike): Promise<Path> {
    const to = toPathString(target, "target");
    await movePath(this.#text, to);
    return this.withSegments(to);
  }

  /**
   * Copies this file (content and permission bits), or this directory with everything
   * in it, to `target`, and returns `target`'s path. A file at `target` is replaced; an
   * existing directory at `target` is an error (EEXIST). A directory copy that fails
   * (or is cancelled) is removed again.
   *
   * @example
   * ```ts
   * import { Path } from "structio";
   *
   * const backup = await new Path("/tmp/greeting.txt").copy("/tmp/greeting.bak");
   * console.log(await backup.readText());
   * ```
   */
  async copy(target: PathLike, options?: CopyOptions): Promise<Path> {
    const to = toPathString(target, "target");
    const o = checkOptions(options);
    const followSymlinks = checkBoolean(o.followSymlinks, "options.followSymlinks", true);
    const preserveMetadata = checkBoolean(o.preserveMetadata, "options.preserveMetadata", false);
    await copyPath(this.#text, to, { followSymlinks, preserveMetadata });
    return this.withSegments(to);
  }

  /**
   * Makes this path a symlink pointing at `target` (stored as given: a relative target
   * is relative to the link's directory).
   *
   * @throws {OSError} EEXIST if something is already at this path.
   */
  async symlinkTo(target: PathLike): Promise<void> {
    const to = toPathString(target, "target");
    const path = this.#text;
    await fsCall("symlink", to, (fs) => fs.symlink(to, path), path);
  }

  /** Makes this path a hard link to the existing file `target`. */
  async hardlinkTo(target: PathLike): Promise<void> {
    const existing = toPathString(target, "target");
    const path = this.#text;
    await fsCall("link", existing, (fs) => fs.link(existing, path), path);
  }

  /**
   * The path a symlink points at, as stored.
   *
   * @throws {OSError} EINVAL if this path is not a symlink, ENOENT if missing.
   */
  async readlink(): Promise<Path> {
    const path = this.#text;
    return this.withSegments(await fsCall("readlink", path, (fs) => fs.readlink(path)));
  }

  /** Sets the permission bits (following symlinks). */
  async chmod(mode: number): Promise<void> {
    if (mode === undefined) throw new TypeError("mode must be a number, not undefined");
    const bits = checkMode(mode, "mode", 0);
    const path = this.#text;
    await fsCall("chmod", path, (fs) => fs.chmod(path, bits));
  }

  /** Whether this path and `other` are the same file on disk (same device and inode). */
  async samefile(other: PathLike): Promise<boolean> {
    const otherPath = toPathString(other, "other");
    const mine = await this.stat();
    const theirs = await fsCall("stat", otherPath, (fs) => fs.stat(otherPath));
    return mine.dev === theirs.dev && mine.ino === theirs.ino;
  }

  /**
   * The entries of this directory (not "." and ".."), in the order the system lists
   * them. The directory is read in batches and released when the loop ends, whether it
   * finished, broke out early, threw, or was cancelled. Each step is a checkpoint.
   *
   * @throws {OSError} (on the first step) ENOENT if missing, ENOTDIR if not a directory.
   *
   * @example
   * ```ts
   * import { Path } from "structio";
   *
   * for await (const child of new Path("/etc").iterdir()) {
   *   if (child.suffix === ".conf") console.log(child.name);
   * }
   * ```
   */
  async *iterdir(): AsyncGenerator<Path, void, undefined> {
    for await (const batch of listDir(this.#text)) {
      for (const entry of batch) {
        await checkpoint();
        yield this.#child(entry.name);
      }
    }
  }

  /**
   * The paths below this directory that match the relative glob `pattern`: `*` (any
   * characters in a name), `?` (one character), `[abc]` / `[a-z]` / `[!abc]` (one
   * character of a set), and `**` as a whole segment (any number of directories, this
   * one included; symlinks to directories are not followed by it). A pattern ending
   * in "/" selects only directories. Directories that cannot be read are skipped.
   * Stops cleanly, releasing every directory, when the loop ends in any way; each step
   * is a checkpoint.
   *
   * @throws {TypeError} if `pattern` is not a string.
   * @throws {RangeError} if `pattern` is empty, absolute, or has an invalid set.
   *
   * @example
   * ```ts
   * import { Path } from "structio";
   *
   * for await (const config of new Path(".").glob("*.json")) console.log(config.name);
   * for await (const dir of new Path(".").glob("**" + "/")) console.log(dir.toString()); // every directory
   * ```
   */
  glob(pattern: string): AsyncGenerator<Path, void, undefined> {
    return this.#glob(parseGlob(pattern, "pattern"));
  }

  /**
   * {@link glob} with `pattern` searched for in this directory and every one below it
   * (the pattern "**", then "/", then `pattern`).
   *
   * @example
   * ```ts
   * import { Path } from "structio";
   *
   * for await (const test of new Path("test").rglob("*.test.ts")) console.log(test.name);
   * ```
   */
  rglob(pattern: string): AsyncGenerator<Path, void, undefined> {
    parseGlob(pattern, "pattern");
    return this.#glob(parseGlob(`**/${pattern}`, "pattern"));
  }

  async *#glob(plan: ReturnType<typeof parseGlob>): AsyncGenerator<Path, void, undefined> {
    for await (const path of globPaths(this.#text, plan)) {
      await checkpoint();
      yield this.withSegments(path);
    }
  }

  /**
   * Walks the directory tree below this path, yielding `[dirpath, dirnames, filenames]`
   * for each directory: before its subdirectories (`topDown`, the default; remove names
   * from `dirnames` to skip them) or after them. Symlinks to directories are listed in
   * `filenames` unless `followSymlinks`. Each directory is read whole and released
   * before it is yielded, so no directory stays open while the loop body runs;
   * directories that cannot be read are skipped (or passed to `onError`). Each step is
   * a checkpoint.
   *
   * @example
   * ```ts
   * import { Path } from "structio";
   *
   * for await (const [dir, dirnames, filenames] of new Path("src").walk()) {
   *   const hidden = dirnames.filter((name) => name.startsWith("."));
   *   for (const name of hidden) dirnames.splice(dirnames.indexOf(name), 1); // don't descend
   *   console.log(dir.toString(), filenames.length);
   * }
   * ```
   */
  walk(options?: WalkOptions): AsyncGenerator<WalkEntry, void, undefined> {
    const o = checkOptions(options);
    const topDown = checkBoolean(o.topDown, "options.topDown", true);
    const followSymlinks = checkBoolean(o.followSymlinks, "options.followSymlinks", false);
    if (o.onError !== undefined && typeof o.onError !== "function") {
      throw new TypeError(`options.onError must be a function, not ${typeof o.onError}`);
    }
    return this.#walk(topDown, followSymlinks, o.onError);
  }

  async *#walk(topDown: boolean, followSymlinks: boolean, onError: WalkOptions["onError"]): AsyncGenerator<WalkEntry, void, undefined> {
    for await (const [dir, dirnames, filenames] of walkPaths(this.#text, { topDown, followSymlinks, onError })) {
      await checkpoint();
      // The same arrays go out and come back: names the caller removes are not walked.
      yield [dir === this.#text ? this : this.withSegments(dir), dirnames, filenames];
    }
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return Object.prototype.toString.call(value);
  return typeof value;
}
