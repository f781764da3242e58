/**
 * Open files through node:fs: the {@link FileBackend} of the node backend, and the
 * position keeping that the bun backend shares (bun-file-sync.ts puts the same
 * {@link PositionedFile} over synchronous node:fs calls for regular files, and uses a
 * FileHandle as here for everything else; Bun has no native positional file API).
 *
 * @module
 */
import fs from "node:fs";
import { withPosixCode } from "./deno-file-errors.ts";
import type { FileBackend, OpenFlags, RawFile, RawFileStat } from "./files.ts";

/**
 * What {@link PositionedFile} needs of an open file: the subset of node:fs's FileHandle
 * it calls, so that a FileHandle is one, and so is an adapter making the same calls
 * synchronously (bun-file-sync.ts). `position` null reads or writes at the kernel's
 * own position for the descriptor (sequential; at the end with O_APPEND).
 */
export interface PositionalHandle {
  readonly fd: number;
  read(buffer: Uint8Array, offset: number, length: number, position: number | null): Promise<{ bytesRead: number }>;
  write(data: Uint8Array, offset: number, length: number, position: number | null): Promise<{ bytesWritten: number }>;
  stat(): Promise<fs.Stats>;
  truncate(size: number): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** An error shaped like the runtime's own: a message and the POSIX name as `code`. */
function posixError(code: string, description: string, syscall: string): Error {
  return Object.assign(new Error(`${code}: ${description}, ${syscall}`), { code, syscall });
}

/**
 * Whether `err` is the runtime's "illegal seek" error (a positional call on a pipe).
 * Deno's node:fs (2.9) rejects a positional write on a pipe with "Illegal seek (os
 * error 29)" and no `code`, so the errno in the message counts too.
 */
function isIllegalSeek(err: unknown): boolean {
  return (withPosixCode(err) as { code?: unknown } | null)?.code === "ESPIPE";
}

/** One call reads or writes at most this much (node:fs refuses lengths past 2 GiB). */
const MAX_CALL = 1 << 30;

/**
 * A node:fs FileHandle (or another {@link PositionalHandle}) with a position. node:fs
 * has no lseek, so the position is kept here, and reads and writes are positional
 * (pread/pwrite at that position, which then moves by the count). Invariants:
 *
 * - `#pos` is the position as a number, or null for "at the end of the file": the state
 *   right after opening in append mode and after every append write, where only the
 *   kernel knows the number (O_APPEND writes go to the end, whatever we pass). It is
 *   resolved with fstat when a read, seek or tell needs the number.
 * - Append-mode writes pass no position, so the kernel appends at the real end even if
 *   the file grew meanwhile; Linux would ignore a position given with O_APPEND anyway.
 * - A file that cannot seek (a pipe, a terminal) has no position: pread fails there
 *   with ESPIPE. `#seekable` is null until known, unless the opener passes what its
 *   own fstat said; the first positional call that fails with ESPIPE, or an fstat,
 *   settles it. Once false, reads and writes pass no position (sequential, as the
 *   kernel's own descriptor position goes), and seek and tell fail with ESPIPE as
 *   lseek would.
 */
export class PositionedFile implements RawFile {
  readonly #handle: PositionalHandle;
  readonly #append: boolean;
  #pos: number | null;
  #seekable: boolean | null;

  /**
   * Takes over `handle` (its close is this file's close). `append` is the O_APPEND of
   * the open; `seekable` is {@link canSeek} of the open file where known, else null.
   */
  constructor(handle: PositionalHandle, append: boolean, seekable: boolean | null = null) {
    this.#handle = handle;
    this.#append = append;
    this.#pos = append ? null : 0;
    this.#seekable = seekable;
  }

  get fd(): number {
    return this.#handle.fd;
  }

  async read(buffer: Uint8Array): Promise<number> {
    const length = Math.min(buffer.byteLength, MAX_CALL);
    if (this.#seekable !== false) {
      const pos = this.#pos ?? await this.#position();
      try {
        const { bytesRead } = await this.#handle.read(buffer, 0, length, pos);
        this.#pos = pos + bytesRead;
        return bytesRead;
      } catch (err) {
        if (!isIllegalSeek(err)) throw err;
        this.#seekable = false;
      }
    }
    const { bytesRead } = await this.#handle.read(buffer, 0, length, null);
    return bytesRead;
  }

  async write(data: Uint8Array): Promise<number> {
    const length = Math.min(data.byteLength, MAX_CALL);
    if (this.#append || this.#seekable === false) {
      const { bytesWritten } = await this.#handle.write(data, 0, length, null);
      // O_APPEND left the kernel's position at the end of what it wrote: the end of the file.
      if (this.#append) this.#pos = null;
      return bytesWritten;
    }
    const pos = this.#pos ?? await this.#position();
    try {
      const { bytesWritten } = await this.#handle.write(data, 0, length, pos);
      this.#pos = pos + bytesWritten;
      return bytesWritten;
    } catch (err) {
      if (!isIllegalSeek(err)) throw err;
      this.#seekable = false;
    }
    const { bytesWritten } = await this.#handle.write(data, 0, length, null);
    return bytesWritten;
  }

  async seek(offset: number, whence: 0 | 1 | 2): Promise<number> {
    await this.#checkSeekable("lseek");
    const base = whence === 0 ? 0 : whence === 1 ? await this.#position() : (await this.#handle.stat()).size;
    const target = base + offset;
    if (target < 0 || !Number.isSafeInteger(target)) throw posixError("EINVAL", "invalid argument", "lseek");
    this.#pos = target;
    return target;
  }

  async tell(): Promise<number> {
    await this.#checkSeekable("lseek");
    return await this.#position();
  }

  async truncate(size: number): Promise<void> {
    await this.#handle.truncate(size);
  }

  async sync(): Promise<void> {
    await this.#handle.sync();
  }

  async stat(): Promise<RawFileStat> {
    const stats = await this.#handle.stat();
    this.#seekable ??= canSeek(stats);
    return {
      size: stats.size,
      kind: stats.isFile() ? "file" : stats.isDirectory() ? "directory" : "other",
      mtimeMs: stats.mtimeMs,
    };
  }

  close(): Promise<void> {
    return this.#handle.close();
  }

  /** The position as a number; "at the end" is looked up with fstat. */
  async #position(): Promise<number> {
    if (this.#pos !== null) return this.#pos;
    const stats = await this.#handle.stat();
    this.#seekable ??= canSeek(stats);
    this.#pos = stats.size;
    return this.#pos;
  }

  /** Settles `#seekable` with fstat if no call did yet, and fails with ESPIPE if false. */
  async #checkSeekable(syscall: string): Promise<void> {
    if (this.#seekable === null) this.#seekable = canSeek(await this.#handle.stat());
    if (!this.#seekable) throw posixError("ESPIPE", "illegal seek", syscall);
  }
}

/**
 * Whether a file with these stats has a position: regular files and block devices do;
 * pipes, sockets, terminals and other character devices are read in sequence.
 */
export function canSeek(stats: fs.Stats): boolean {
  return stats.isFile() || stats.isBlockDevice() || stats.isDirectory();
}

/** The open(2) flags for `flags`. */
export function openFlags(flags: OpenFlags): number {
  const c = fs.constants;
  const write = flags.write || flags.append;
  let bits = flags.read && write ? c.O_RDWR : write ? c.O_WRONLY : c.O_RDONLY;
  if (flags.append) bits |= c.O_APPEND;
  if (flags.create || flags.exclusive) bits |= c.O_CREAT;
  if (flags.exclusive) bits |= c.O_EXCL;
  if (flags.truncate) bits |= c.O_TRUNC;
  return bits;
}

/** Builds the files backend on node:fs (used by the node and bun backends). */
export function createNodeFileBackend(): FileBackend {
  return {
    async open(path: string, flags: OpenFlags, mode: number): Promise<RawFile> {
      // fs.promises.open rejects without a handle when open(2) fails, so nothing leaks.
      const handle = await fs.promises.open(path, openFlags(flags), mode);
      return new PositionedFile(handle, flags.append);
    },
  };
}
