/**
 * Open files: AnyIO's `AsyncFile`, made by {@link openFile}.
 *
 * @module
 */
import type { RawFile } from "../backends/files.ts";
import { yieldPoint } from "../core/checkpoint.ts";
import { currentScope } from "../core/context.ts";
import { asOSError, ClosedResourceError, OSError } from "../core/errors.ts";
import { makeEncoder, type TextErrors } from "../streams/text-codec.ts";
import { checkCount } from "../sync/checks.ts";
import { Turns } from "./file-turns.ts";
import type { ParsedMode } from "./open-mode.ts";
import { charsIn, codePointCount, endOfChars } from "./utf8-chars.ts";

/** How much a read-ahead (for lines and characters) or a read of unknown size reads at once. */
const CHUNK = 64 * 1024;
/** The largest buffer one read call fills, so a huge `size` on a small file allocates little. */
const MAX_CHUNK = 16 * 1024 * 1024;
const EMPTY = new Uint8Array(0);
const LF = 0x0a;

/** `parts` joined into one new array (a copy even for one part). */
function concat(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.byteLength;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

/**
 * An open file, read and written with async calls. Made by {@link openFile}; never
 * constructed directly. In text mode (the default) it reads and writes strings, encoded
 * as UTF-8; in binary mode ("b" in the mode), Uint8Arrays.
 *
 * - `read(size)` returns up to `size` characters (text) or bytes (binary), fewer only at
 *   the end of the file; without `size`, everything up to the end. "" (or an empty
 *   array) means the end. `readLine()` returns one line with its line ending ("\n" or
 *   "\r\n", kept as it is in the file), "" at the end; `for await` iterates over lines.
 *   Text is not translated: "\r\n" stays "\r\n", and a line ends at "\n" only.
 * - `write(data)` writes all of `data` at the current position (at the end in append
 *   mode) and returns how many characters (text) or bytes (binary) it wrote. Writes go
 *   to the operating system at once (there is no write buffer), so `flush()` only
 *   waits for writes in progress; `sync()` asks the system to put them on the disk.
 * - `seek(offset, whence)`, `tell()` and `truncate(size)` work with byte positions, in
 *   text mode too (Python's text files use opaque positions instead): seeking into the
 *   middle of a character makes the next read start with invalid bytes.
 * - Every call is a checkpoint: it raises {@link Cancelled} if the scope is cancelled
 *   before it starts. Once started, the operating-system call is not interrupted: its
 *   result is returned even if the scope is cancelled meanwhile (completion wins), and
 *   the cancellation comes at the next checkpoint. So a cancellation never loses or
 *   repeats a byte: a cancelled read reads nothing, and a write either raised
 *   `Cancelled` having written nothing, or returned.
 * - Calls on one file run one at a time, in the order they were made, as they do on a
 *   Python file object (AnyIO's threads take the file's lock): a read started while a
 *   write is in progress waits for it, whichever task started them. So a file can be
 *   shared by tasks, and two reads started at once read consecutive parts.
 * - Errors of the operating system raise {@link OSError} with the POSIX `code`
 *   (ENOENT, EISDIR, …) and the `path`. Reading a file opened only for writing, or
 *   writing one opened only for reading, raises OSError EBADF, as read(2) and write(2)
 *   would. Invalid UTF-8 raises a TypeError (or becomes U+FFFD with
 *   `errors: "replace"`), and the read takes nothing.
 * - `aclose()` closes the file, after the call in progress (if any) finished; calls
 *   still waiting for their turn, and every call afterwards, raise
 *   {@link ClosedResourceError}. Closing again does nothing; `await using` closes it.
 *
 * @example
 * ```ts
 * import { openFile } from "structio";
 *
 * {
 *   await using file = await openFile("notes.txt", "w");
 *   await file.write("first line\nsecond line\n");
 * }
 * await using file = await openFile("notes.txt");
 * for await (const line of file) console.log(line.trimEnd());
 * ```
 */
export class AsyncFile<T extends string | Uint8Array = string | Uint8Array> implements AsyncDisposable {
  readonly #raw: RawFile;
  readonly #path: string;
  readonly #mode: string;
  readonly #binary: boolean;
  readonly #readable: boolean;
  readonly #writable: boolean;
  readonly #decoder: InstanceType<typeof TextDecoder>;
  readonly #encode: (text: string) => Uint8Array;
  readonly #turns = new Turns();
  #closed = false;
  #closing: Promise<void> | null = null;
  /** The operation that holds the turn and may be calling the raw file, if any. */
  #running: Promise<unknown> | null = null;
  /**
   * Read-ahead: bytes read from the raw file but not returned yet (by readLine, which
   * reads a chunk to find the end of a line, and by text reads, which stop at the end
   * of a character). Invariant: the file's position as the user sees it is the raw
   * position minus `#ahead.byteLength`. Everything that moves the raw position other
   * than by reading (seek, write, truncate) first drops the read-ahead and moves the
   * raw position back by its length.
   */
  #ahead: Uint8Array = EMPTY;

  /** @internal Made by {@link openFile}. */
  constructor(raw: RawFile, path: string, mode: string, parsed: ParsedMode, errors: TextErrors) {
    this.#raw = raw;
    this.#path = path;
    this.#mode = mode;
    this.#binary = parsed.binary;
    this.#readable = parsed.readable;
    this.#writable = parsed.writable;
    this.#decoder = new TextDecoder("utf-8", { fatal: errors === "strict", ignoreBOM: true });
    this.#encode = makeEncoder({ encoding: "utf-8", errors });
  }

  /** The path the file was opened with. */
  get path(): string {
    return this.#path;
  }

  /** The mode the file was opened with, as given ("r", "rb+", …). */
  get mode(): string {
    return this.#mode;
  }

  /** Whether `aclose()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** @internal The backend's open file (its `fd`, to hand the file to a subprocess). */
  get _raw(): RawFile {
    return this.#raw;
  }

  /**
   * Reads up to `size` characters (text mode) or bytes (binary mode), or everything up
   * to the end of the file when `size` is left out. Returns fewer only at the end of the
   * file, and "" (an empty array) once there.
   *
   * Memory stays bounded by what is returned: a read of up to 16 MiB fills one buffer
   * of that size, and a larger one, or a read to the end, sizes its buffer from what is
   * left of the file and reads the rest in chunks of at most 16 MiB.
   *
   * @throws {TypeError} if `size` is not a number, or the text is not valid UTF-8
   *   (with `errors: "strict"`, the default).
   * @throws {RangeError} if `size` is not a whole number >= 0.
   * @throws {OSError} EBADF if the file was not opened for reading; another code if
   *   reading failed (EISDIR for a directory).
   * @throws {ClosedResourceError} if the file was closed.
   */
  async read(size?: number): Promise<T> {
    const limit = size === undefined ? Infinity : checkCount(size, "size", 0, false);
    this.#check("read", this.#readable, "reading");
    return await this.#op(async () => {
      if (this.#binary) return (await this.#readBytes(limit)) as T;
      const bytes = limit === Infinity ? await this.#readBytes(Infinity) : await this.#readChars(limit);
      return this.#decode(bytes) as T;
    });
  }

  /**
   * Reads bytes into `buffer` (binary mode only) and returns how many: up to
   * `buffer.byteLength`, fewer at the end of the file or when one system read returns
   * fewer (a pipe), 0 at the end. AnyIO's (and Python's) `readinto`: one buffer can
   * serve every read, where `read()` returns a new array each time, which costs more
   * than the read itself for large files read in chunks.
   *
   * @throws {TypeError} if `buffer` is not a Uint8Array, or the file is in text mode.
   * @throws {OSError} EBADF if the file was not opened for reading; another code if
   *   reading failed.
   * @throws {ClosedResourceError} if the file was closed.
   *
   * @example
   * ```ts
   * import { openFile } from "structio";
   *
   * await using file = await openFile("/etc/hostname", "rb");
   * const buffer = new Uint8Array(65536);
   * let total = 0;
   * for (let n; (n = await file.readInto(buffer)) > 0;) total += n;
   * console.log(total, "bytes");
   * ```
   */
  async readInto(buffer: Uint8Array): Promise<number> {
    if (!(buffer instanceof Uint8Array)) throw new TypeError(`buffer must be a Uint8Array, not ${describe(buffer)}`);
    if (!this.#binary) throw new TypeError(`readInto needs a file opened in binary mode, not ${JSON.stringify(this.#mode)}`);
    this.#check("read", this.#readable, "reading");
    return await this.#op(async () => {
      if (this.#ahead.byteLength > 0) {
        const taken = this.#take(Math.min(buffer.byteLength, this.#ahead.byteLength));
        buffer.set(taken);
        return taken.byteLength;
      }
      if (buffer.byteLength === 0) return 0;
      return await this.#call("read", this.#raw.read(buffer));
    });
  }

  /**
   * Reads one line, with its line ending: up to and including the next "\n" (so a
   * "\r\n" line ending is kept whole), or up to the end of the file for a last line
   * without one. Returns "" (an empty array) at the end of the file.
   *
   * @throws {OSError} EBADF if the file was not opened for reading.
   * @throws {ClosedResourceError} if the file was closed.
   */
  async readLine(): Promise<T> {
    this.#check("read", this.#readable, "reading");
    return await this.#op(async () => {
      const line = await this.#readLineBytes();
      return (this.#binary ? line : this.#decode(line)) as T;
    });
  }

  /**
   * Writes all of `data` (a string in text mode, a Uint8Array in binary mode) at the
   * current position, or at the end of the file in append mode, and returns how many
   * characters (text) or bytes (binary) were written: all of them. Do not change a
   * Uint8Array before the call returns.
   *
   * @throws {TypeError} if `data` is not a string (text mode) or a Uint8Array (binary
   *   mode), or is a string with a lone surrogate (with `errors: "strict"`).
   * @throws {OSError} EBADF if the file was not opened for writing; another code if
   *   writing failed (ENOSPC, say).
   * @throws {ClosedResourceError} if the file was closed.
   */
  async write(data: T): Promise<number> {
    let bytes: Uint8Array;
    let count: number;
    if (this.#binary) {
      if (!(data instanceof Uint8Array)) {
        throw new TypeError(`data must be a Uint8Array in binary mode, not ${describe(data)}`);
      }
      bytes = data;
      count = data.byteLength;
    } else {
      if (typeof data !== "string") throw new TypeError(`data must be a string in text mode, not ${describe(data)}`);
      bytes = this.#encode(data);
      count = codePointCount(data);
    }
    this.#check("write", this.#writable, "writing");
    return await this.#op(async () => {
      if (this.#ahead.byteLength > 0) await this.#dropAhead();
      let written = 0;
      while (written < bytes.byteLength) {
        const n = await this.#call("write", this.#raw.write(bytes.subarray(written)));
        if (n <= 0) throw new OSError("EIO", "the system wrote nothing", { syscall: "write", path: this.#path });
        written += n;
      }
      return count;
    });
  }

  /**
   * Moves the position to `offset` bytes from the start (`whence` 0, the default), from
   * the current position (1) or from the end (2), and returns the new position from
   * the start. A position past the end is allowed: a write there leaves a hole of zeros.
   *
   * @throws {TypeError} if `offset` or `whence` is not a number.
   * @throws {RangeError} if `offset` is not a whole number, negative with `whence` 0, or
   *   `whence` is not 0, 1 or 2.
   * @throws {OSError} EINVAL if the position would be before the start; ESPIPE for a
   *   file that cannot seek (a pipe).
   * @throws {ClosedResourceError} if the file was closed.
   */
  async seek(offset: number, whence: 0 | 1 | 2 = 0): Promise<number> {
    if (typeof offset !== "number") throw new TypeError(`offset must be a number, not ${describe(offset)}`);
    if (!Number.isSafeInteger(offset)) throw new RangeError(`offset must be a whole number, not ${offset}`);
    if (typeof whence !== "number") throw new TypeError(`whence must be a number, not ${describe(whence)}`);
    if (whence !== 0 && whence !== 1 && whence !== 2) {
      throw new RangeError(`whence must be 0 (start), 1 (current position) or 2 (end), not ${whence}`);
    }
    if (whence === 0 && offset < 0) throw new RangeError(`offset must be >= 0 when whence is 0, not ${offset}`);
    this.#check("seek", true, "seeking");
    return await this.#op(async () => {
      // The raw position is ahead of the user's by the read-ahead (see #ahead).
      const rawOffset = whence === 1 ? offset - this.#ahead.byteLength : offset;
      const position = await this.#call("lseek", this.#raw.seek(rawOffset, whence));
      this.#ahead = EMPTY;
      return position;
    });
  }

  /**
   * The current position, in bytes from the start.
   *
   * @throws {OSError} ESPIPE for a file that cannot seek (a pipe).
   * @throws {ClosedResourceError} if the file was closed.
   */
  async tell(): Promise<number> {
    this.#check("tell", true, "telling the position");
    return await this.#op(async () => (await this.#call("lseek", this.#raw.tell())) - this.#ahead.byteLength);
  }

  /**
   * Makes the file `size` bytes long (default: the current position), cutting it or
   * extending it with zeros, and returns the new size. The position does not move.
   *
   * @throws {TypeError} if `size` is given and is not a number.
   * @throws {RangeError} if `size` is not a whole number >= 0.
   * @throws {OSError} EBADF if the file was not opened for writing.
   * @throws {ClosedResourceError} if the file was closed.
   */
  async truncate(size?: number): Promise<number> {
    const target = size === undefined ? undefined : checkCount(size, "size", 0, false);
    this.#check("ftruncate", this.#writable, "truncating");
    return await this.#op(async () => {
      await this.#dropAhead();
      const length = target ?? await this.#call("lseek", this.#raw.tell());
      await this.#call("ftruncate", this.#raw.truncate(length));
      return length;
    });
  }

  /**
   * Waits until every write made so far is done. Writes are not buffered in the
   * program, so there is nothing else to flush; use {@link AsyncFile.sync} to have the
   * system put them on the disk. A checkpoint.
   *
   * @throws {ClosedResourceError} if the file was closed.
   */
  async flush(): Promise<void> {
    this.#check("flush", true, "flushing");
    await this.#op(async () => {});
  }

  /**
   * Asks the system to write the file's data and metadata to the disk (fsync), and waits
   * until it did.
   *
   * @throws {OSError} if the system could not.
   * @throws {ClosedResourceError} if the file was closed.
   */
  async sync(): Promise<void> {
    this.#check("fsync", true, "syncing");
    await this.#op(() => this.#call("fsync", this.#raw.sync()));
  }

  /**
   * Closes the file. Idempotent: closing again (also while the first close is in
   * progress) waits for the same close. A call in progress finishes first; calls
   * waiting for their turn raise {@link ClosedResourceError}. Never raises
   * {@link Cancelled}: closing a file cannot be interrupted, and a cancelled scope
   * still closes what it holds (`await using` in a cancelled block).
   *
   * @throws {OSError} if the system reported an error while closing (the file is
   *   closed all the same).
   */
  aclose(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /** The same as {@link AsyncFile.aclose}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }

  /**
   * Iterates over the lines of the file, from the current position: each step is a
   * {@link AsyncFile.readLine}, and the loop ends at the end of the file. Leaving the
   * loop early does not close the file.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    let done = false;
    const finish = (): IteratorReturnResult<undefined> => {
      done = true;
      return { done: true, value: undefined };
    };
    return {
      next: async (): Promise<IteratorResult<T>> => {
        if (done) return finish();
        const line = await this.readLine();
        return line.length === 0 ? finish() : { done: false, value: line };
      },
      return: async (): Promise<IteratorResult<T>> => finish(),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /**
   * @internal One read for a byte stream: the read-ahead if there is any, else what one
   * read call returns (up to `maxBytes`, at most 16 MiB); empty at the end of the file.
   * A pipe's data is returned as soon as some arrived.
   */
  async _readSome(maxBytes: number): Promise<Uint8Array> {
    this.#check("read", this.#readable, "reading");
    return await this.#op(async () => {
      if (this.#ahead.byteLength > 0) return this.#takeCopy(maxBytes);
      const buffer = new Uint8Array(Math.min(maxBytes, MAX_CHUNK));
      const n = await this.#call("read", this.#raw.read(buffer));
      return n === buffer.byteLength ? buffer : buffer.slice(0, n);
    });
  }

  /** Throws at the call if the file is closed, or not open for what is asked (EBADF). */
  #check(syscall: string, allowed: boolean, what: string): void {
    if (this.#closed) throw new ClosedResourceError("the file is closed");
    if (!allowed) {
      throw new OSError("EBADF", `the file is not open for ${what} (mode ${JSON.stringify(this.#mode)})`, {
        syscall,
        path: this.#path,
      });
    }
  }

  /**
   * Runs `body`, which calls the raw file, as one operation: a checkpoint before it (in
   * the turn wait), then `body` to completion however the scope fares, then a
   * shielded yield. See the class description.
   */
  async #op<R>(body: () => Promise<R>): Promise<R> {
    const runner = currentScope()._task!._runner;
    const waiting = this.#turns.enter();
    if (waiting !== undefined) await waiting;
    let result: R;
    try {
      if (this.#closed) throw new ClosedResourceError("the file is closed");
      const running = body();
      this.#running = running;
      result = await running;
    } finally {
      this.#running = null;
      this.#turns.leave();
    }
    // The operation is complete: the yield that ends the checkpoint does not raise, so
    // its result is delivered (a cancellation is raised by the next checkpoint).
    const pause = yieldPoint(runner);
    if (pause !== undefined) await pause;
    return result;
  }

  async #close(): Promise<void> {
    const runner = currentScope()._task!._runner;
    this.#closed = true;
    // The operation in progress, if any, may still call the raw file (a readLine can
    // read several chunks): let it finish, which it does promptly since file calls do
    // not wait for anything but the disk, so that no call reaches a closed file. Those
    // waiting for their turn find the file closed when they get it.
    const running = this.#running;
    if (running !== null) {
      try {
        await running;
      } catch {
        // Its caller gets its error.
      }
    }
    this.#ahead = EMPTY;
    await this.#call("close", this.#raw.close());
    const pause = yieldPoint(runner);
    if (pause !== undefined) await pause;
  }

  /** Awaits a raw call, turning its error into an OSError naming the call and the path. */
  async #call<R>(syscall: string, pending: Promise<R>): Promise<R> {
    try {
      return await pending;
    } catch (err) {
      throw asOSError(err, { syscall, path: this.#path });
    }
  }

  /**
   * Up to `limit` bytes: first the read-ahead, then from the file. A request of up to
   * 16 MiB fills one buffer of its size. A larger or unbounded one (a read to the end)
   * is sized from the file's remaining length, so that reading a whole file takes one
   * buffer and no copy, and a huge `size` on a small file allocates only what is there;
   * what follows (a file that grew, a pipe, the final check for the end) is read in
   * chunks growing from 64 KiB to 16 MiB. If a read fails, the bytes read before it go
   * back to the read-ahead, so nothing is lost.
   */
  async #readBytes(limit: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let total = 0;
    if (this.#ahead.byteLength > 0) {
      const taken = this.#takeCopy(limit);
      parts.push(taken);
      total += taken.byteLength;
    }
    try {
      let eof = false;
      let sized = false;
      if (limit - total > MAX_CHUNK) {
        const remaining = await this.#remaining();
        if (remaining > 0) {
          const buffer = new Uint8Array(Math.min(limit - total, remaining));
          const n = await this.#fill(buffer);
          parts.push(n === buffer.byteLength ? buffer : buffer.subarray(0, n));
          total += n;
          eof = n < buffer.byteLength;
          sized = true;
        }
      }
      for (let chunk = CHUNK; !eof && total < limit; chunk = Math.min(chunk * 2, MAX_CHUNK)) {
        const want = limit - total;
        const buffer = new Uint8Array(!sized && want <= MAX_CHUNK ? want : Math.min(want, chunk));
        const n = await this.#fill(buffer);
        if (n > 0) parts.push(buffer.subarray(0, n));
        total += n;
        eof = n < buffer.byteLength;
      }
    } catch (err) {
      this.#unread(parts);
      throw err;
    }
    return parts.length === 1 && parts[0].byteLength === parts[0].buffer.byteLength ? parts[0] : concat(parts);
  }

  /** The bytes from the position to the end of a regular file; 0 for anything else. */
  async #remaining(): Promise<number> {
    const stat = await this.#call("fstat", this.#raw.stat());
    if (stat.kind !== "file") return 0;
    const position = await this.#call("lseek", this.#raw.tell());
    return Math.max(stat.size - position, 0);
  }

  /** Reads into `buffer` until it is full or the file ends; returns the count. */
  async #fill(buffer: Uint8Array): Promise<number> {
    let n = 0;
    while (n < buffer.byteLength) {
      const got = await this.#call("read", this.#raw.read(n === 0 ? buffer : buffer.subarray(n)));
      if (got === 0) break;
      n += got;
    }
    return n;
  }

  /**
   * The bytes of the next `count` characters (fewer at the end of the file), read ahead
   * as needed so that the last character is whole. What is read past it stays in the
   * read-ahead.
   */
  async #readChars(count: number): Promise<Uint8Array> {
    for (;;) {
      const end = endOfChars(this.#ahead, count);
      if (end >= 0) return this.#take(end);
      // Each character is at least one byte: read at least as many bytes as characters
      // are missing (at least one, for the rest of a split character).
      const missing = Math.max(count - charsIn(this.#ahead), 1);
      const buffer = new Uint8Array(Math.min(Math.max(missing, CHUNK), MAX_CHUNK));
      const n = await this.#call("read", this.#raw.read(buffer));
      if (n === 0) return this.#take(this.#ahead.byteLength);
      const more = buffer.subarray(0, n);
      this.#ahead = this.#ahead.byteLength === 0 ? more : concat([this.#ahead, more]);
    }
  }

  /** The bytes of the next line, up to and including "\n" or the end of the file (a copy). */
  async #readLineBytes(): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    try {
      for (;;) {
        if (this.#ahead.byteLength === 0) {
          const buffer = new Uint8Array(CHUNK);
          const n = await this.#call("read", this.#raw.read(buffer));
          if (n === 0) break;
          this.#ahead = buffer.subarray(0, n);
        }
        const at = this.#ahead.indexOf(LF);
        if (at >= 0) {
          parts.push(this.#take(at + 1));
          break;
        }
        parts.push(this.#take(this.#ahead.byteLength));
      }
    } catch (err) {
      this.#unread(parts);
      throw err;
    }
    return concat(parts);
  }

  /** Decodes UTF-8 text; invalid bytes go back to the read-ahead before the error is raised. */
  #decode(bytes: Uint8Array): string {
    try {
      return this.#decoder.decode(bytes);
    } catch (err) {
      this.#unread([bytes]);
      throw new TypeError(`the file's bytes are not valid UTF-8 ('${this.#path}')`, { cause: err });
    }
  }

  /** Takes the first `n` bytes of the read-ahead (a view into it). */
  #take(n: number): Uint8Array {
    const taken = this.#ahead.subarray(0, n);
    this.#ahead = this.#ahead.subarray(n);
    return taken;
  }

  /** Takes up to `n` bytes of the read-ahead as a copy, so the result keeps no read buffer alive. */
  #takeCopy(n: number): Uint8Array {
    return this.#take(Math.min(n, this.#ahead.byteLength)).slice();
  }

  /** Puts bytes taken by a read that then failed back in front of the read-ahead. */
  #unread(parts: readonly Uint8Array[]): void {
    if (parts.length > 0) this.#ahead = concat([...parts, this.#ahead]);
  }

  /**
   * Drops the read-ahead before a write, seek or truncate, moving the raw position back
   * to the user's (see #ahead).
   */
  async #dropAhead(): Promise<void> {
    if (this.#ahead.byteLength === 0) return;
    await this.#call("lseek", this.#raw.seek(-this.#ahead.byteLength, 1));
    this.#ahead = EMPTY;
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return (value as object).constructor?.name ?? "object";
  return typeof value;
}
