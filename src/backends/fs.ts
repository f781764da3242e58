/**
 * The filesystem part of the Backend interface: operations on paths (stat, whole-file
 * reads and writes, directories, links, renames, temporary directories) that every
 * adapter (node, deno, bun) offers. The front ends in `src/fs/` (`Path`, the temporary
 * directory helpers) add argument checks, checkpoints and the `OSError` wrapping.
 *
 * Conventions every adapter follows:
 * - Paths are plain strings, already checked by the front end (non-empty, no NUL).
 * - A failed operation rejects with the runtime's own error, carrying the POSIX error
 *   name as `code` ("ENOENT", "EEXIST", "ENOTDIR", "ENOTEMPTY", "EXDEV", ...). Node and
 *   Bun set it themselves; the deno adapter makes sure Deno's errors have it. The front
 *   end wraps such errors into `OSError` with the operation and the paths.
 * - No operation here can be interrupted once started; the front end checks for
 *   cancellation before it starts one and lets it finish (completion wins).
 *
 * @module
 */

/**
 * What kind of file a path names, from the type bits of its mode. `"symlink"` only
 * comes from lstat (stat follows links).
 */
export type FileKind =
  | "file"
  | "directory"
  | "symlink"
  | "fifo"
  | "socket"
  | "block-device"
  | "char-device"
  | "other";

/**
 * A file's status (POSIX `struct stat`) as a plain object, the same on every backend.
 * Times are milliseconds since the epoch (fractions allowed).
 *
 * @example
 * ```ts
 * import { Path, type FileStat } from "structio";
 *
 * const stat: FileStat = await new Path("/etc/hostname").stat();
 * console.log(stat.kind, stat.size, new Date(stat.mtimeMs));
 * ```
 */
export interface FileStat {
  /** The kind of file, from the type bits of `mode`. */
  readonly kind: FileKind;
  /** Size in bytes (for a symlink from lstat: the length of its target). */
  readonly size: number;
  /** `st_mode`: the type bits and the permission bits (`mode & 0o7777`). */
  readonly mode: number;
  /** Last modification of the content. */
  readonly mtimeMs: number;
  /** Last access. */
  readonly atimeMs: number;
  /** Last change of the inode (content, permissions, links). */
  readonly ctimeMs: number;
  /** Creation time, or null where the runtime or filesystem does not report one. */
  readonly birthtimeMs: number | null;
  /** Inode number. */
  readonly ino: number;
  /** Device the file lives on; with `ino`, the file's identity. */
  readonly dev: number;
  /** Number of hard links. */
  readonly nlink: number;
  /** Owner's user id. */
  readonly uid: number;
  /** Owner's group id. */
  readonly gid: number;
}

/** The kind of a directory entry, as the directory listing reports it (links not followed). */
export type EntryKind = "file" | "directory" | "symlink" | "other";

/** One entry of a directory listing. */
export interface DirEntry {
  /** The entry's name within its directory (never "." or ".."). */
  readonly name: string;
  /** Its kind; a symlink is reported as such, whatever it points at. */
  readonly kind: EntryKind;
}

/**
 * An open directory listing, read in batches so that a huge directory never has to
 * sit whole in memory (on runtimes whose native API allows that; see each adapter).
 */
export interface DirHandle {
  /** The next batch of entries (at least one), or null once the listing is done. */
  read(): Promise<DirEntry[] | null>;
  /** Releases the directory. Idempotent; never called while a read is pending. */
  close(): Promise<void>;
}

/** How {@link FsBackend.writeFile} opens the file. */
export interface WriteFileOptions {
  /** Appends to the file instead of replacing its content (default false). */
  readonly append?: boolean;
  /** Fails with EEXIST if the file exists (O_EXCL; default false). */
  readonly exclusive?: boolean;
  /** Permission bits of a file this creates (before the umask; default 0o666). */
  readonly mode?: number;
}

/**
 * Filesystem operations on paths. Every method that touches the disk returns a
 * promise; `cwd`, `home` and `tmpdir` read process state and are synchronous.
 */
export interface FsBackend {
  /** stat(2): follows symlinks. */
  stat(path: string): Promise<FileStat>;
  /** lstat(2): a symlink is described itself. */
  lstat(path: string): Promise<FileStat>;
  /**
   * Whether `path` exists (stat, or lstat when `followSymlinks` is false, succeeds).
   * Resolves false for ENOENT, ENOTDIR and ELOOP (a missing file, a file where a
   * directory was expected, a dangling or looping link); rejects for other errors
   * (EACCES, say), which say nothing about existence.
   */
  exists(path: string, followSymlinks: boolean): Promise<boolean>;
  /** The whole content of a file. */
  readFile(path: string): Promise<Uint8Array>;
  /** Writes all of `data` to a file, creating it if needed (truncating it unless appending). */
  writeFile(path: string, data: Uint8Array, options: WriteFileOptions): Promise<void>;
  /**
   * mkdir(2) with `mode` (before the umask). With `recursive`, missing parents are
   * made too and an existing directory at `path` is not an error.
   */
  mkdir(path: string, options: { readonly recursive: boolean; readonly mode: number }): Promise<void>;
  /** unlink(2): removes a file or symlink (never a directory). */
  unlink(path: string): Promise<void>;
  /** rmdir(2): removes an empty directory. */
  rmdir(path: string): Promise<void>;
  /**
   * Removes `path` and, for a directory, everything in it (symlinks are removed, never
   * followed). Rejects with ENOENT if `path` does not exist.
   */
  removeTree(path: string): Promise<void>;
  /** rename(2): atomically replaces `to` if it exists (EXDEV across filesystems). */
  rename(from: string, to: string): Promise<void>;
  /** Makes a symlink at `path` whose content is `target` (stored as given). */
  symlink(target: string, path: string): Promise<void>;
  /** link(2): makes `path` a new hard link to the existing file `existing`. */
  link(existing: string, path: string): Promise<void>;
  /** The content of the symlink at `path`. */
  readlink(path: string): Promise<string>;
  /** realpath(3): the absolute path with every symlink, "." and ".." resolved; the file must exist. */
  realpath(path: string): Promise<string>;
  /** chmod(2): sets the permission bits (`mode & 0o7777`), following symlinks. */
  chmod(path: string, mode: number): Promise<void>;
  /** Copies the content and the permission bits of the file `from` to `to` (replacing it), following symlinks. */
  copyFile(from: string, to: string): Promise<void>;
  /** Sets the access and modification times, in milliseconds since the epoch; follows symlinks. */
  utimes(path: string, atimeMs: number, mtimeMs: number): Promise<void>;
  /** Opens a directory for listing; rejects (ENOENT, ENOTDIR, ...) if it cannot be listed. */
  openDir(path: string): Promise<DirHandle>;
  /**
   * Makes a new directory, mode 0o700, named `prefix` + random characters + `suffix`
   * inside `dir`, and resolves with its path (`dir` joined with that name).
   */
  mkdtemp(dir: string, prefix: string, suffix: string): Promise<string>;
  /** The current working directory. */
  cwd(): string;
  /** The current user's home directory; throws if it cannot be determined. */
  home(): string;
  /** The directory for temporary files: $TMPDIR (or $TMP, $TEMP), else /tmp; no trailing slash. */
  tmpdir(): string;
}

/** The type bits of a mode (S_IFMT) and their kinds. */
const S_IFMT = 0o170000;
const KINDS: ReadonlyMap<number, FileKind> = new Map<number, FileKind>([
  [0o100000, "file"],
  [0o040000, "directory"],
  [0o120000, "symlink"],
  [0o010000, "fifo"],
  [0o140000, "socket"],
  [0o060000, "block-device"],
  [0o020000, "char-device"],
]);

/** The kind of file a `st_mode` describes. Shared by the adapters (plain logic, no runtime API). */
export function kindOfMode(mode: number): FileKind {
  return KINDS.get(mode & S_IFMT) ?? "other";
}

/** Error codes for which {@link FsBackend.exists} resolves false instead of rejecting. */
const MISSING = new Set(["ENOENT", "ENOTDIR", "ELOOP"]);

/**
 * {@link FsBackend.exists} on top of a stat function: true if it succeeds, false for
 * the errors that mean "nothing there", and the error otherwise. Shared by the adapters.
 */
export async function existsVia(stat: () => Promise<unknown>): Promise<boolean> {
  try {
    await stat();
    return true;
  } catch (err) {
    if (MISSING.has((err as { code?: unknown } | null)?.code as string)) return false;
    throw err;
  }
}

/** Directory entries handed out per {@link DirHandle.read}. */
export const DIR_BATCH = 128;

/** The characters of the random part of a temporary name (as Python's tempfile uses). */
const NAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_";

/** Eight random characters for a temporary name, from `random(n)` giving n random bytes. */
export function randomName(random: (n: number) => Uint8Array): string {
  let name = "";
  for (const byte of random(8)) name += NAME_CHARS[byte % NAME_CHARS.length];
  return name;
}

/** Joins a directory and a name with exactly one "/" between them. */
export function joinName(dir: string, name: string): string {
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}
