/**
 * The node backend's filesystem operations, through node:fs/promises and node:os. They
 * run on Node.js and, through their compatibility layers, on Deno and Bun; the bun
 * backend reuses the pieces Bun has no native API for (see bun-fs.ts).
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import type { Dir, Dirent, Stats } from "node:fs";
import os from "node:os";
import process from "node:process";
import { currentRuntime } from "./detect.ts";
import {
  DIR_BATCH,
  type DirEntry,
  type DirHandle,
  type EntryKind,
  existsVia,
  type FileStat,
  type FsBackend,
  joinName,
  kindOfMode,
  randomName,
  type WriteFileOptions,
} from "./fs.ts";

/** A node:fs Stats (or Bun's, which has the same shape) as a {@link FileStat}. */
export function fromNodeStats(stats: Stats): FileStat {
  return {
    kind: kindOfMode(stats.mode),
    size: stats.size,
    mode: stats.mode,
    mtimeMs: stats.mtimeMs,
    atimeMs: stats.atimeMs,
    ctimeMs: stats.ctimeMs,
    // Node reports 0 where the filesystem (or the runtime: Bun) gives no birth time.
    birthtimeMs: stats.birthtimeMs > 0 ? stats.birthtimeMs : null,
    ino: stats.ino,
    dev: stats.dev,
    nlink: stats.nlink,
    uid: stats.uid,
    gid: stats.gid,
  };
}

function entryKind(entry: Dirent): EntryKind {
  if (entry.isFile()) return "file";
  if (entry.isDirectory()) return "directory";
  if (entry.isSymbolicLink()) return "symlink";
  return "other";
}

/**
 * A node:fs Dir as a {@link DirHandle}. Dir.read() hands out one entry at a time from
 * an internal buffer that readdir(3) refills, so a batch costs few system calls and the
 * directory is never held in memory whole.
 */
class NodeDir implements DirHandle {
  readonly #dir: Dir;
  #closed = false;

  constructor(dir: Dir) {
    this.#dir = dir;
  }

  async read(): Promise<DirEntry[] | null> {
    const batch: DirEntry[] = [];
    while (batch.length < DIR_BATCH) {
      const entry = await this.#dir.read();
      if (entry === null) break;
      batch.push({ name: entry.name, kind: entryKind(entry) });
    }
    return batch.length === 0 ? null : batch;
  }

  async close(): Promise<void> {
    // Dir.close() throws ERR_DIR_CLOSED the second time: closing here is idempotent.
    if (this.#closed) return;
    this.#closed = true;
    await this.#dir.close();
  }
}

/** Opens `path` for listing with node:fs opendir. */
export async function openNodeDir(path: string): Promise<DirHandle> {
  return new NodeDir(await fs.opendir(path, { bufferSize: 64 }));
}

/** A listing read whole by node:fs readdir, handed out in batches. */
class EagerDir implements DirHandle {
  readonly #entries: Dirent[];
  #at = 0;

  constructor(entries: Dirent[]) {
    this.#entries = entries;
  }

  async read(): Promise<DirEntry[] | null> {
    if (this.#at >= this.#entries.length) return null;
    const batch = this.#entries.slice(this.#at, this.#at + DIR_BATCH);
    this.#at += batch.length;
    return batch.map((entry) => ({ name: entry.name, kind: entryKind(entry) }));
  }

  async close(): Promise<void> {
    this.#at = this.#entries.length;
  }
}

/**
 * On Deno, node:fs opendir is not used: Deno's Dir.close() leaves the directory's
 * descriptor open after a partial asynchronous read (Deno 2.9). The node backend on
 * Deno reads each directory whole with readdir instead (the deno backend, through
 * Deno.readDir, lists lazily).
 */
function chooseOpenDir(): (path: string) => Promise<DirHandle> {
  if (currentRuntime() !== "deno") return openNodeDir;
  return async (path) => new EagerDir(await fs.readdir(path, { withFileTypes: true }));
}

/** The node:fs `flag` string for {@link WriteFileOptions}. */
function writeFlag(options: WriteFileOptions): string {
  return `${options.append ? "a" : "w"}${options.exclusive ? "x" : ""}`;
}

/** writeFile through node:fs (the bun backend uses it when Bun.write cannot do what is asked). */
export function nodeWriteFile(path: string, data: Uint8Array, options: WriteFileOptions): Promise<void> {
  return fs.writeFile(path, data, { flag: writeFlag(options), mode: options.mode ?? 0o666 });
}

/**
 * mkdtemp with a suffix, which node:fs mkdtemp cannot add: random names tried with
 * mkdir until one is free, as Python's tempfile does.
 */
async function mkdtempWithSuffix(dir: string, prefix: string, suffix: string): Promise<string> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 100; attempt++) {
    const path = joinName(dir, prefix + randomName(randomBytes) + suffix);
    try {
      await fs.mkdir(path, { mode: 0o700 });
      return path;
    } catch (err) {
      if ((err as { code?: unknown }).code !== "EEXIST") throw err;
      lastError = err;
    }
  }
  throw lastError;
}

/** mkdtemp through node:fs. */
export function nodeMkdtemp(dir: string, prefix: string, suffix: string): Promise<string> {
  if (suffix !== "") return mkdtempWithSuffix(dir, prefix, suffix);
  return fs.mkdtemp(joinName(dir, prefix));
}

/** The temporary directory: node:os tmpdir() reads $TMPDIR, $TMP and $TEMP, else /tmp. */
export function nodeTmpdir(): string {
  return os.tmpdir();
}

/** The home directory: $HOME, else the user database's entry (node:os homedir()). */
export function nodeHome(): string {
  return os.homedir();
}

/** The current working directory (node:process; Bun has no native API for it either). */
export function nodeCwd(): string {
  return process.cwd();
}

/**
 * unlink(2) through node:fs. Deno's node:fs unlink removes an empty directory (it is
 * Deno.remove underneath), where unlink(2) refuses one with EISDIR: on Deno, a
 * directory is refused here first, as the deno backend does.
 */
function makeUnlink(): (path: string) => Promise<void> {
  if (currentRuntime() !== "deno") return (path) => fs.unlink(path);
  return async (path) => {
    if ((await fs.lstat(path)).isDirectory()) {
      throw Object.assign(new Error(`EISDIR: illegal operation on a directory, unlink '${path}'`), {
        code: "EISDIR",
        syscall: "unlink",
        path,
      });
    }
    await fs.unlink(path);
  };
}

/** Builds the node backend's FsBackend. */
export function createNodeFs(): FsBackend {
  const stat = async (path: string) => fromNodeStats(await fs.stat(path));
  const lstat = async (path: string) => fromNodeStats(await fs.lstat(path));
  return {
    stat,
    lstat,
    exists: (path, followSymlinks) => existsVia(() => followSymlinks ? fs.stat(path) : fs.lstat(path)),
    readFile: async (path) => {
      const buffer = await fs.readFile(path);
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    },
    writeFile: nodeWriteFile,
    mkdir: async (path, options) => {
      await fs.mkdir(path, options);
    },
    unlink: makeUnlink(),
    rmdir: (path) => fs.rmdir(path),
    removeTree: (path) => fs.rm(path, { recursive: true }),
    rename: (from, to) => fs.rename(from, to),
    symlink: (target, path) => fs.symlink(target, path),
    link: (existing, path) => fs.link(existing, path),
    readlink: (path) => fs.readlink(path),
    realpath: (path) => fs.realpath(path),
    chmod: (path, mode) => fs.chmod(path, mode),
    copyFile: (from, to) => fs.copyFile(from, to),
    utimes: (path, atimeMs, mtimeMs) => fs.utimes(path, atimeMs / 1000, mtimeMs / 1000),
    openDir: chooseOpenDir(),
    mkdtemp: nodeMkdtemp,
    cwd: nodeCwd,
    home: nodeHome,
    tmpdir: nodeTmpdir,
  };
}
