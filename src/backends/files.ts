/**
 * The files part of the Backend interface: opening a file, and reading and writing
 * through the open file. The front ends in `src/fs/` (openFile, AsyncFile and the file
 * streams) add argument checks, modes, text decoding, read-ahead for lines,
 * serialisation of concurrent operations, checkpoints and error wrapping on top.
 *
 * The shape is chosen so that cancellation can never lose or repeat a byte: every
 * method is one uninterruptible operating-system call (or a short fixed sequence of
 * them) whose promise settles once the call is done. The front end checks for
 * cancellation before it starts a call and never abandons one that has started, so a
 * read's bytes are always delivered and a write is always reported.
 *
 * Errors: a method rejects with the runtime's error, carrying the POSIX error name
 * (`ENOENT`, `EISDIR`, `ESPIPE`, …) as its string `code`; the front end wraps it in an
 * `OSError` naming the operation and the path. Calls on a closed file are never made
 * (the front end tracks closing).
 *
 * @module
 */

/** How to open a file: Python's modes ("r", "w+", "ab", …) map onto these flags. */
export interface OpenFlags {
  /** Open for reading. */
  readonly read: boolean;
  /** Open for writing. */
  readonly write: boolean;
  /**
   * Every write goes to the end of the file (O_APPEND), wherever the position is; the
   * file starts positioned at its end. Implies `write`.
   */
  readonly append: boolean;
  /** Create the file if it does not exist (O_CREAT). */
  readonly create: boolean;
  /** Fail with EEXIST if the file exists (O_CREAT | O_EXCL). Implies `create`. */
  readonly exclusive: boolean;
  /** Empty the file on opening (O_TRUNC). */
  readonly truncate: boolean;
}

/** What kind of file an open file is. */
export type RawFileKind = "file" | "directory" | "other";

/**
 * A small stat of an open file: what the file front ends need (the size to read to the
 * end in one go, whether it is a regular file). The Path helpers own the full stat.
 */
export interface RawFileStat {
  /** The size in bytes. */
  readonly size: number;
  /** A regular file, a directory, or anything else (a pipe, a device, a socket). */
  readonly kind: RawFileKind;
  /** The last modification, in milliseconds since the epoch; null where unknown. */
  readonly mtimeMs: number | null;
}

/**
 * An open file with a current position, as a POSIX file descriptor has one.
 *
 * Reads and writes move the position by the number of bytes they moved. A file opened
 * in append mode starts positioned at its end, each write goes to the end of the file
 * whatever the position, and leaves the position at the end of what it wrote. Files
 * that cannot seek (pipes, terminals) read and write in sequence; `seek` and `tell`
 * fail there with ESPIPE.
 *
 * One call at a time: the front end never starts a call before the previous one
 * settled, so implementations need no locking of their own.
 */
export interface RawFile {
  /**
   * The file descriptor, where the runtime exposes it (node:fs, and Bun through it);
   * undefined on Deno, whose files are resources without a visible descriptor. Needed
   * to hand a file to a subprocess.
   */
  readonly fd: number | undefined;
  /**
   * Reads up to `buffer.byteLength` bytes at the current position into `buffer` and
   * returns how many it read: 0 only at end of file (or for an empty buffer). May read
   * fewer bytes than asked even before the end (a pipe, a large request).
   */
  read(buffer: Uint8Array): Promise<number>;
  /**
   * Writes bytes of `data` at the current position (at the end of the file in append
   * mode) and returns how many it wrote, which may be fewer than `data.byteLength`;
   * the caller writes the rest.
   */
  write(data: Uint8Array): Promise<number>;
  /**
   * Moves the position to `offset` counted from the start (`whence` 0), the current
   * position (1) or the end (2), and returns the new position. A position before the
   * start fails with EINVAL; one past the end is allowed (a write there leaves a hole).
   */
  seek(offset: number, whence: 0 | 1 | 2): Promise<number>;
  /** The current position. */
  tell(): Promise<number>;
  /** Makes the file `size` bytes long (cutting or extending with zeros); the position does not move. */
  truncate(size: number): Promise<void>;
  /** Asks the system to write the file's data and metadata to the disk (fsync). */
  sync(): Promise<void>;
  /** A small stat of the open file (fstat). */
  stat(): Promise<RawFileStat>;
  /** Closes the file. Called once. */
  close(): Promise<void>;
}

/**
 * Opening files. The file's path is only used to open it; the returned {@link RawFile}
 * refers to the file itself, so renaming the path afterwards does not affect it.
 */
export interface FileBackend {
  /**
   * Opens the file at `path` with `flags`. `mode` is the permission bits of a file this
   * creates (before the umask), such as 0o666. Rejects with the runtime's error (code
   * ENOENT, EEXIST, EACCES, EISDIR, …); a failed open leaves nothing open.
   */
  open(path: string, flags: OpenFlags, mode: number): Promise<RawFile>;
}
