/**
 * A byte stream that reads a file: AnyIO's `FileReadStream`.
 *
 * @module
 */
import { EndOfStream } from "../core/errors.ts";
import { checkIntoBuffer, checkMaxBytes, DEFAULT_MAX_BYTES } from "../streams/checks.ts";
import { receiveUntilEnd } from "../streams/iterate.ts";
import { type TypedAttributeMap, TypedAttributeProvider } from "../streams/typed-attributes.ts";
import type { ByteReceiveStream } from "../streams/types.ts";
import type { AsyncFile } from "./async-file.ts";
import { fileStreamAttributes } from "./file-attributes.ts";
import { brokenFile, checkStreamFile } from "./file-stream-checks.ts";
import { openFile } from "./open-file.ts";
import type { PathLike } from "./path-like.ts";

/**
 * A {@link ByteReceiveStream} that reads a file from its current position: `receive()`
 * returns the next chunk of up to `maxBytes` bytes, and raises {@link EndOfStream} at
 * the end of the file. Use it wherever a byte stream is expected (a buffered or text
 * stream, a copy loop, a subprocess's input).
 *
 * - Each `receive()` is one read of the file (at most 16 MiB), so memory stays bounded
 *   by `maxBytes`; it is a checkpoint, and a cancelled receive reads nothing (see
 *   {@link AsyncFile}).
 * - Receives from several tasks run one after another, in call order, as calls on the
 *   file do (AnyIO's threads take the file's lock); none raises BusyResourceError.
 * - A read error of the system raises {@link BrokenResourceError} with the
 *   {@link OSError} as its `cause`, as AnyIO does.
 * - `aclose()` closes the file; the stream owns it.
 *
 * Typed attributes: {@link FileStreamAttribute}.
 *
 * @example
 * ```ts
 * import { FileReadStream } from "structio";
 *
 * await using stream = await FileReadStream.fromPath("big.log");
 * let bytes = 0;
 * for await (const chunk of stream) bytes += chunk.byteLength;
 * console.log(bytes);
 * ```
 */
export class FileReadStream extends TypedAttributeProvider implements ByteReceiveStream {
  readonly #file: AsyncFile<Uint8Array>;

  /**
   * Reads `file`, an {@link AsyncFile} opened in binary mode for reading ("rb", "r+b").
   *
   * @throws {TypeError} if `file` is not such a file.
   */
  constructor(file: AsyncFile<Uint8Array>) {
    super();
    checkStreamFile(file, "read");
    this.#file = file;
  }

  /**
   * Opens the file at `path` for reading ("rb") and returns a stream over it.
   *
   * @throws {TypeError} if `path` is not a string, a file: URL or a Path.
   * @throws {OSError} if the file cannot be opened (ENOENT, EACCES, …).
   *
   * @example
   * ```ts
   * import { FileReadStream } from "structio";
   *
   * await using stream = await FileReadStream.fromPath("data.bin");
   * const first = await stream.receive(16);
   * ```
   */
  static async fromPath(path: PathLike): Promise<FileReadStream> {
    return new FileReadStream(await openFile(path, "rb"));
  }

  /**
   * Receives up to `maxBytes` bytes (default 65536) from the current position.
   *
   * @throws {TypeError} if `maxBytes` is not a number.
   * @throws {RangeError} if `maxBytes` is not a whole number >= 1.
   * @throws {EndOfStream} at the end of the file.
   * @throws {BrokenResourceError} if reading failed (the OSError is the `cause`).
   * @throws {ClosedResourceError} if the stream was closed.
   */
  async receive(maxBytes: number = DEFAULT_MAX_BYTES): Promise<Uint8Array> {
    maxBytes = checkMaxBytes(maxBytes);
    let chunk: Uint8Array;
    try {
      chunk = await this.#file._readSome(maxBytes);
    } catch (err) {
      throw brokenFile(err);
    }
    if (chunk.byteLength === 0) throw new EndOfStream();
    return chunk;
  }

  /**
   * Reads up to `buffer.byteLength` bytes into `buffer` from the current position and
   * returns how many: `receive()` without a new array per call (see
   * {@link AsyncFile.readInto}), but raising {@link EndOfStream} at the end of the file
   * as `receive()` does.
   *
   * @throws {TypeError} if `buffer` is not a Uint8Array.
   * @throws {RangeError} if `buffer` is empty.
   * @throws {EndOfStream} at the end of the file.
   * @throws {BrokenResourceError} if reading failed (the OSError is the `cause`).
   * @throws {ClosedResourceError} if the stream was closed.
   *
   * @example
   * ```ts
   * import { EndOfStream, FileReadStream } from "structio";
   *
   * await using stream = await FileReadStream.fromPath("big.log");
   * const buffer = new Uint8Array(65536);
   * let bytes = 0;
   * try {
   *   for (;;) bytes += await stream.receiveInto(buffer);
   * } catch (err) {
   *   if (!(err instanceof EndOfStream)) throw err;
   * }
   * ```
   */
  async receiveInto(buffer: Uint8Array): Promise<number> {
    checkIntoBuffer(buffer);
    let n: number;
    try {
      n = await this.#file.readInto(buffer);
    } catch (err) {
      throw brokenFile(err);
    }
    if (n === 0) throw new EndOfStream();
    return n;
  }

  /**
   * Moves the position the next receive reads from (see {@link AsyncFile.seek}) and
   * returns it.
   *
   * @throws {RangeError} for a bad `offset` or `whence`.
   * @throws {OSError} EINVAL before the start; ESPIPE on a pipe.
   * @throws {ClosedResourceError} if the stream was closed.
   */
  seek(offset: number, whence: 0 | 1 | 2 = 0): Promise<number> {
    return this.#file.seek(offset, whence);
  }

  /**
   * The position the next receive reads from.
   *
   * @throws {OSError} ESPIPE on a pipe.
   * @throws {ClosedResourceError} if the stream was closed.
   */
  tell(): Promise<number> {
    return this.#file.tell();
  }

  /** Closes the stream and its file. Idempotent. */
  aclose(): Promise<void> {
    return this.#file.aclose();
  }

  /** The same as {@link FileReadStream.aclose}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }

  /** Receives chunks until the end of the file. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return receiveUntilEnd(this);
  }

  /** {@link FileStreamAttribute}s of the file. */
  override get extraAttributes(): TypedAttributeMap {
    return fileStreamAttributes(this.#file);
  }
}
