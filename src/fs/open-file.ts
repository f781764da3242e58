/**
 * Opening files: AnyIO's `open_file()`.
 *
 * @module
 */
import { yieldPoint } from "../core/checkpoint.ts";
import { currentScope } from "../core/context.ts";
import { asOSError } from "../core/errors.ts";
import type { TextErrors } from "../streams/text-codec.ts";
import { checkCount, checkOptions } from "../sync/checks.ts";
import { AsyncFile } from "./async-file.ts";
import { type OpenBinaryMode, type OpenTextMode, parseMode } from "./open-mode.ts";
import { type PathLike, toPathString } from "./path-like.ts";

/**
 * Options of {@link openFile}.
 *
 * @example
 * ```ts
 * import { openFile, type OpenFileOptions } from "structio";
 *
 * const options: OpenFileOptions = { permissions: 0o600 };
 * await using secret = await openFile("token.txt", "x", options);
 * ```
 */
export interface OpenFileOptions {
  /**
   * The permission bits of a file the call creates, before the process's umask is
   * applied (default 0o666). An existing file keeps its permissions.
   */
  readonly permissions?: number;
  /**
   * Text mode only: what to do with bytes that are not valid UTF-8 when reading, and
   * with strings holding a lone surrogate when writing. "strict" (the default) raises
   * a TypeError; "replace" uses U+FFFD instead.
   */
  readonly errors?: TextErrors;
}

/**
 * Opens the file at `path` and returns it as an {@link AsyncFile}. `mode` is spelled as
 * in Python's `open()`:
 *
 * | mode | opens for | if the file exists | if it does not |
 * | --- | --- | --- | --- |
 * | "r" (default) | reading | reads from the start | ENOENT |
 * | "w" | writing | empties it | creates it |
 * | "a" | appending (every write goes to the end) | keeps it, starts at the end | creates it |
 * | "x" | writing | EEXIST | creates it |
 *
 * "+" opens for reading and writing both ("r+" neither empties nor creates). "b" opens
 * in binary mode: reads return Uint8Arrays and writes take them; otherwise (or with
 * "t") text mode reads and writes strings, as UTF-8. The type of the file follows the
 * mode: `openFile(p, "rb")` gives an `AsyncFile<Uint8Array>`.
 *
 * A checkpoint: it raises {@link Cancelled} if the scope is cancelled before the file
 * is opened; once the system opens it, the file is returned even if the scope was
 * cancelled meanwhile (close it; `await using` does).
 *
 * @throws {TypeError} if `path` is not a string, a file: URL or a Path, or an option
 *   has the wrong type, or `errors` is given in binary mode.
 * @throws {RangeError} if `mode` is not a valid mode, or `permissions` is not from 0 to
 *   0o7777.
 * @throws {OSError} if the system refused: code ENOENT (no such file, for "r"), EEXIST
 *   (the file exists, for "x"), EACCES (no permission), EISDIR (a directory, for
 *   writing), …; `path` is the path.
 *
 * @example
 * ```ts
 * import { openFile } from "structio";
 *
 * {
 *   await using out = await openFile("data.bin", "wb");
 *   await out.write(new Uint8Array([1, 2, 3]));
 * }
 * await using file = await openFile("data.bin", "rb");
 * console.log(await file.read()); // Uint8Array(3) [ 1, 2, 3 ]
 * ```
 */
export function openFile(path: PathLike, mode: OpenBinaryMode, options?: OpenFileOptions): Promise<AsyncFile<Uint8Array>>;
export function openFile(path: PathLike, mode?: OpenTextMode, options?: OpenFileOptions): Promise<AsyncFile<string>>;
export function openFile(path: PathLike, mode: string, options?: OpenFileOptions): Promise<AsyncFile>;
export async function openFile(path: PathLike, mode: string = "r", options?: OpenFileOptions): Promise<AsyncFile> {
  const pathString = toPathString(path, "path");
  const parsed = parseMode(mode);
  const { permissions = 0o666, errors } = checkOptions(options);
  checkCount(permissions, "permissions", 0, false);
  if (permissions > 0o7777) throw new RangeError(`permissions must be from 0 to 0o7777, not 0o${permissions.toString(8)}`);
  if (errors !== undefined) {
    if (typeof errors !== "string") throw new TypeError(`errors must be a string, not ${typeof errors}`);
    if (parsed.binary) throw new TypeError(`errors applies to text mode only, not to mode ${JSON.stringify(mode)}`);
    if (errors !== "strict" && errors !== "replace") {
      throw new RangeError(`errors must be "strict" or "replace", not ${JSON.stringify(errors)}`);
    }
  }
  const scope = currentScope();
  const runner = scope._task!._runner;
  if (scope._effective) throw scope._cancelledError();
  let file: AsyncFile;
  try {
    // Not interruptible: a file the system opened is returned (completion wins), and a
    // failed open leaves nothing open.
    const raw = await runner.backend.files.open(pathString, parsed.flags, permissions);
    file = new AsyncFile(raw, pathString, mode, parsed, errors ?? "strict");
  } catch (err) {
    throw asOSError(err, { syscall: "open", path: pathString });
  }
  const pause = yieldPoint(runner);
  if (pause !== undefined) await pause;
  return file;
}
