/**
 * A byte stream that writes a file: AnyIO's `FileWriteStream`.
 *
 * @module
 */
import { checkBytes } from "../streams/checks.ts";
import { type TypedAttributeMap, TypedAttributeProvider } from "../streams/typed-attributes.ts";
import type { ByteSendStream } from "../streams/types.ts";
import { checkBoolean, checkOptions } from "../sync/checks.ts";
import type { AsyncFile } from "./async-file.ts";
import { fileStreamAttributes } from "./file-attributes.ts";
import { brokenFile, checkStreamFile } from "./file-stream-checks.ts";
import { openFile } from "./open-file.ts";
import type { PathLike } from "./path-like.ts";

/**
 * Options of {@link FileWriteStream.fromPath}.
 *
 * @example
 * ```ts
 * import { FileWriteStream, type FileWriteStreamOptions } from "structio";
 *
 * const options: FileWriteStreamOptions = { append: true };
 * await using log = await FileWriteStream.fromPath("app.log", options);
 * ```
 */
export interface FileWriteStreamOptions {
  /** Append to the file ("ab") instead of emptying it ("wb"). Default false. */
  readonly append?: boolean;
}

/**
 * A {@link ByteSendStream} that writes a file: each `send(data)` writes all of `data`
 * at the current position (at the end in append mode). Use it wherever a byte stream
 * is expected (a copy loop, a text stream, a subprocess's output).
 *
 * - `send()` is a checkpoint; a cancelled send writes nothing, and one that returned
 *   wrote everything (see {@link AsyncFile}).
 * - Sends from several tasks run one after another, in call order; none raises
 *   BusyResourceError.
 * - A write error of the system (ENOSPC, say) raises {@link BrokenResourceError} with
 *   the {@link OSError} as its `cause`, as AnyIO does.
 * - `aclose()` closes the file; the stream owns it.
 *
 * Typed attributes: {@link FileStreamAttribute}.
 *
 * @example
 * ```ts
 * import { FileReadStream, FileWriteStream } from "structio";
 *
 * await using source = await FileReadStream.fromPath("input.bin");
 * await using target = await FileWriteStream.fromPath("copy.bin");
 * for await (const chunk of source) await target.send(chunk);
 * ```
 */
export class FileWriteStream extends TypedAttributeProvider implements ByteSendStream {
  readonly #file: AsyncFile<Uint8Array>;

  /**
   * Writes `file`, an {@link AsyncFile} opened in binary mode for writing ("wb", "ab",
   * "r+b", …).
   *
   * @throws {TypeError} if `file` is not such a file.
   */
  constructor(file: AsyncFile<Uint8Array>) {
    super();
    checkStreamFile(file, "write");
    this.#file = file;
  }

  /**
   * Opens the file at `path` for writing, emptying it ("wb"), or with `append` for
   * appending ("ab"); either creates it if needed. Returns a stream over it.
   *
   * @throws {TypeError} if `path` is not a string, a file: URL or a Path, or `append`
   *   is not a boolean.
   * @throws {OSError} if the file cannot be opened (ENOENT for a missing directory, …).
   *
   * @example
   * ```ts
   * import { FileWriteStream } from "structio";
   *
   * await using out = await FileWriteStream.fromPath("out.log", { append: true });
   * await out.send(new TextEncoder().encode("started\n"));
   * ```
   */
  static async fromPath(path: PathLike, options?: FileWriteStreamOptions): Promise<FileWriteStream> {
    const { append } = checkOptions(options);
    const mode = checkBoolean(append, "append", false) ? "ab" : "wb";
    return new FileWriteStream(await openFile(path, mode));
  }

  /**
   * Writes all of `data`. Do not change `data` before the call returns.
   *
   * @throws {TypeError} if `data` is not a Uint8Array.
   * @throws {BrokenResourceError} if writing failed (the OSError is the `cause`).
   * @throws {ClosedResourceError} if the stream was closed.
   */
  async send(data: Uint8Array): Promise<void> {
    checkBytes(data, "data");
    try {
      await this.#file.write(data);
    } catch (err) {
      throw brokenFile(err);
    }
  }

  /** Closes the stream and its file. Idempotent. */
  aclose(): Promise<void> {
    return this.#file.aclose();
  }

  /** The same as {@link FileWriteStream.aclose}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }

  /** {@link FileStreamAttribute}s of the file. */
  override get extraAttributes(): TypedAttributeMap {
    return fileStreamAttributes(this.#file);
  }
}
