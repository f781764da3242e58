/**
 * The deno backend's filesystem operations, through Deno's own APIs (Deno.stat,
 * Deno.readFile, Deno.writeFile, Deno.mkdir, Deno.remove, Deno.readDir, ...).
 *
 * Deno 2 gives its filesystem errors the POSIX name as `code` ("ENOENT"); an error
 * without one gets it (deno-file-errors.ts: from its errno, or its class), so that the front
 * end can report an `OSError` with the same code on every backend.
 *
 * @module
 */
import { withPosixCode } from "./deno-file-errors.ts";
import {
  DIR_BATCH,
  type DirEntry,
  type DirHandle,
  type EntryKind,
  existsVia,
  type FileKind,
  type FileStat,
  type FsBackend,
  kindOfMode,
  type WriteFileOptions,
} from "./fs.ts";

/** Deno.FileInfo, the fields used here. */
interface DenoFileInfo {
  isFile: boolean;
  isDirectory: boolean;
  isSymlink: boolean;
  size: number;
  mtime: Date | null;
  atime: Date | null;
  birthtime: Date | null;
  ctime?: Date | null;
  dev: number;
  ino: number | null;
  mode: number | null;
  nlink: number | null;
  uid: number | null;
  gid: number | null;
}

interface DenoDirEntry {
  name: string;
  isFile: boolean;
  isDirectory: boolean;
  isSymlink: boolean;
}

/** The slice of the Deno namespace this file uses (declared here: no Deno type package). */
interface DenoFsNamespace {
  stat(path: string): Promise<DenoFileInfo>;
  lstat(path: string): Promise<DenoFileInfo>;
  readFile(path: string): Promise<Uint8Array>;
  open(
    path: string,
    options: { write: true; create: true; createNew: boolean; append: boolean; truncate: boolean; mode: number },
  ): Promise<{ write(data: Uint8Array): Promise<number>; close(): void }>;
  writeFile(
    path: string,
    data: Uint8Array,
    options: { append?: boolean; create?: boolean; createNew?: boolean; mode?: number },
  ): Promise<void>;
  mkdir(path: string, options: { recursive?: boolean; mode?: number }): Promise<void>;
  remove(path: string, options?: { recursive?: boolean }): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  symlink(target: string, path: string): Promise<void>;
  link(existing: string, path: string): Promise<void>;
  readLink(path: string): Promise<string>;
  realPath(path: string): Promise<string>;
  chmod(path: string, mode: number): Promise<void>;
  copyFile(from: string, to: string): Promise<void>;
  utime(path: string, atime: number, mtime: number): Promise<void>;
  readDir(path: string): AsyncIterable<DenoDirEntry>;
  makeTempDir(options: { dir: string; prefix: string; suffix: string }): Promise<string>;
  cwd(): string;
  env: { get(key: string): string | undefined };
}

function deno(): DenoFsNamespace {
  const ns = (globalThis as { Deno?: DenoFsNamespace }).Deno;
  if (ns === undefined) throw new Error("the deno backend needs the Deno runtime");
  return ns;
}

/** Runs a Deno call, giving its error a POSIX code. */
async function call<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw withPosixCode(err);
  }
}

/** An error like the runtime's own, for checks this adapter makes itself. */
function posixError(code: string, description: string, syscall: string, path: string): Error {
  return Object.assign(new Error(`${code}: ${description}, ${syscall} '${path}'`), { code, syscall, path });
}

const ms = (date: Date | null | undefined): number => date?.getTime() ?? NaN;

function fromDenoInfo(info: DenoFileInfo): FileStat {
  // Deno's mode is the whole st_mode (type bits included) on Linux and macOS; it is
  // null only on Windows, where the booleans still say the kind.
  const kind: FileKind = info.mode !== null
    ? kindOfMode(info.mode)
    : info.isFile
    ? "file"
    : info.isDirectory
    ? "directory"
    : info.isSymlink
    ? "symlink"
    : "other";
  return {
    kind,
    size: info.size,
    mode: info.mode ?? 0,
    mtimeMs: ms(info.mtime),
    atimeMs: ms(info.atime),
    ctimeMs: ms(info.ctime ?? info.mtime),
    birthtimeMs: info.birthtime?.getTime() ?? null,
    ino: info.ino ?? 0,
    dev: info.dev,
    nlink: info.nlink ?? 1,
    uid: info.uid ?? 0,
    gid: info.gid ?? 0,
  };
}

function entryKind(entry: DenoDirEntry): EntryKind {
  if (entry.isFile) return "file";
  if (entry.isDirectory) return "directory";
  if (entry.isSymlink) return "symlink";
  return "other";
}

/**
 * Deno.readDir as a {@link DirHandle}. Deno's iterator holds the directory open until
 * it is exhausted or returned, so close() returns it: that releases the descriptor.
 */
class DenoDir implements DirHandle {
  readonly #entries: AsyncIterator<DenoDirEntry>;
  #first: IteratorResult<DenoDirEntry> | null;
  #done = false;

  /** `first` is the result of the first next(), which openDir made to report errors early. */
  constructor(entries: AsyncIterator<DenoDirEntry>, first: IteratorResult<DenoDirEntry>) {
    this.#entries = entries;
    this.#first = first;
  }

  async read(): Promise<DirEntry[] | null> {
    const batch: DirEntry[] = [];
    while (!this.#done && batch.length < DIR_BATCH) {
      let next = this.#first;
      this.#first = null;
      next ??= await call(() => this.#entries.next());
      if (next.done) this.#done = true;
      else batch.push({ name: next.value.name, kind: entryKind(next.value) });
    }
    return batch.length === 0 ? null : batch;
  }

  async close(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    await this.#entries.return?.();
  }
}

/** Builds the deno backend's FsBackend. */
export function createDenoFs(): FsBackend {
  const ns = deno();
  const env = (name: string): string | undefined => {
    const value = ns.env.get(name);
    return value === undefined || value === "" ? undefined : value;
  };
  const lstat = (path: string) => call(() => ns.lstat(path));
  return {
    stat: async (path) => fromDenoInfo(await call(() => ns.stat(path))),
    lstat: async (path) => fromDenoInfo(await lstat(path)),
    exists: (path, followSymlinks) => existsVia(() => call(() => followSymlinks ? ns.stat(path) : ns.lstat(path))),
    readFile: (path) => call(() => ns.readFile(path)),
    writeFile: (path, data, options: WriteFileOptions) => {
      const append = options.append ?? false;
      const createNew = options.exclusive ?? false;
      const mode = options.mode;
      if (mode === undefined) return call(() => ns.writeFile(path, data, { append, create: true, createNew }));
      // Deno.writeFile applies its `mode` with chmod, also to an existing file and
      // ignoring the umask; Deno.open gives it to open(2), which uses it (under the
      // umask) only for a file it creates, as every other backend does.
      return call(async () => {
        const file = await ns.open(path, { write: true, create: true, createNew, append, truncate: !append, mode });
        try {
          for (let at = 0; at < data.byteLength;) at += await file.write(data.subarray(at));
        } finally {
          file.close();
        }
      });
    },
    mkdir: (path, options) => call(() => ns.mkdir(path, { recursive: options.recursive, mode: options.mode })),
    // Deno.remove removes files and empty directories alike; unlink(2) and rmdir(2)
    // each refuse the other kind, which the lstat checks reproduce (EISDIR, ENOTDIR).
    unlink: async (path) => {
      if ((await lstat(path)).isDirectory) throw posixError("EISDIR", "is a directory", "unlink", path);
      await call(() => ns.remove(path));
    },
    rmdir: async (path) => {
      if (!(await lstat(path)).isDirectory) throw posixError("ENOTDIR", "not a directory", "rmdir", path);
      await call(() => ns.remove(path));
    },
    removeTree: (path) => call(() => ns.remove(path, { recursive: true })),
    rename: (from, to) => call(() => ns.rename(from, to)),
    symlink: (target, path) => call(() => ns.symlink(target, path)),
    link: (existing, path) => call(() => ns.link(existing, path)),
    readlink: (path) => call(() => ns.readLink(path)),
    realpath: (path) => call(() => ns.realPath(path)),
    chmod: (path, mode) => call(() => ns.chmod(path, mode)),
    copyFile: (from, to) => call(() => ns.copyFile(from, to)),
    utimes: (path, atimeMs, mtimeMs) => call(() => ns.utime(path, atimeMs / 1000, mtimeMs / 1000)),
    openDir: async (path) => {
      // Deno.readDir only opens the directory when iterated: the first entry is read
      // now, so that a missing directory is reported by openDir as on other backends.
      const entries = ns.readDir(path)[Symbol.asyncIterator]();
      return new DenoDir(entries, await call(() => entries.next()));
    },
    mkdtemp: (dir, prefix, suffix) => call(() => ns.makeTempDir({ dir, prefix, suffix })),
    cwd: () => ns.cwd(),
    home: () => {
      // Deno has no API for the user database: $HOME is the only source.
      const home = env("HOME");
      if (home === undefined) throw new Error("cannot determine the home directory: $HOME is not set");
      return home;
    },
    tmpdir: () => {
      const dir = env("TMPDIR") ?? env("TMP") ?? env("TEMP") ?? "/tmp";
      return dir.length > 1 ? dir.replace(/\/+$/, "") || "/" : dir;
    },
  };
}
