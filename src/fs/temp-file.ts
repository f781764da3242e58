/**
 * Temporary files, as AnyIO's tempfile module has them: `openTemporaryFile()` (AnyIO's
 * `TemporaryFile`: no name on disk) and `openNamedTemporaryFile()` (AnyIO's
 * `NamedTemporaryFile`: a name others can open, removed on close).
 *
 * @module
 */
import { randomName } from "../backends/fs.ts";
import type { TextErrors } from "../streams/text-codec.ts";
import { checkBoolean, checkOptions } from "../sync/checks.ts";
import type { AsyncFile } from "./async-file.ts";
import { openFile } from "./open-file.ts";
import type { OpenBinaryMode, OpenTextMode } from "./open-mode.ts";
import { parseMode } from "./open-mode.ts";
import { Path } from "./path.ts";
import { PATH_STRING } from "./path-like.ts";
import { fsCallUnchecked, hasCode, joinChild } from "./path-ops.ts";
import { checkNameOptions, temporaryParent, type TemporaryNameOptions } from "./temp.ts";

/** The binary modes a temporary file can be opened with: "w+b" (the default), "wb", "x+b", ... */
export type TemporaryBinaryMode = Extract<OpenBinaryMode, `w${string}` | `x${string}`>;

/** The text modes a temporary file can be opened with: "w+", "w", "x+", ... (UTF-8). */
export type TemporaryTextMode = Extract<OpenTextMode, `w${string}` | `x${string}`>;

/** Options of {@link openTemporaryFile}. */
export interface TemporaryFileOptions extends TemporaryNameOptions {
  /** Text modes only: how to handle malformed text, as for `openFile` (default "strict"). */
  errors?: TextErrors;
}

/** Options of {@link openNamedTemporaryFile}. */
export interface NamedTemporaryFileOptions extends TemporaryFileOptions {
  /** Remove the file when it is closed (default true). */
  delete?: boolean;
}

/** Names tried before giving up when every one is taken (as Python's tempfile does, more or less). */
const ATTEMPTS = 100;

function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

/**
 * Creates and opens a new file (O_EXCL, mode 0o600) named `prefix` + random characters
 * + `suffix` in the directory, trying other names while one is taken.
 */
async function createUnique(mode: string, options: TemporaryFileOptions): Promise<{ file: AsyncFile; path: string }> {
  if (typeof mode !== "string") throw new TypeError(`mode must be a string, not ${typeof mode}`);
  parseMode(mode, "mode");
  if (!mode.includes("w") && !mode.includes("x")) {
    throw new RangeError(`mode must create a file ("w" or "x", optionally with "+" and "b" or "t"), not ${JSON.stringify(mode)}`);
  }
  const { prefix, suffix, dir } = checkNameOptions(options);
  const parent = await temporaryParent(dir);
  // "x" instead of "w": the file must be new, or it could be someone else's.
  const exclusive = mode.replace("w", "x");
  let lastError: unknown;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const path = joinChild(parent, prefix + randomName(randomBytes) + suffix);
    try {
      const file = await openFile(path, exclusive, { permissions: 0o600, errors: options.errors });
      return { file, path };
    } catch (err) {
      if (!hasCode(err, "EEXIST")) throw err;
      lastError = err;
    }
  }
  throw lastError;
}

/**
 * Opens a new temporary file for reading and writing (mode "w+b" unless told
 * otherwise) that has no name on disk: it is created in `dir` (default
 * {@link gettempdir}) and its name removed at once, so the file disappears when it is
 * closed, whatever happens to the process. AnyIO's `TemporaryFile`.
 *
 * A checkpoint before the file is made; once made, it is returned even if the scope
 * was cancelled meanwhile (close it; `await using` does).
 *
 * @throws {TypeError} if an option has the wrong type.
 * @throws {RangeError} if `mode` is not a valid mode creating a file, or `prefix` or
 *   `suffix` contains "/".
 * @throws {OSError} if the file cannot be made (ENOENT if `dir` is missing, say).
 *
 * @example
 * ```ts
 * import { openTemporaryFile } from "structio";
 *
 * await using scratch = await openTemporaryFile();
 * await scratch.write(new TextEncoder().encode("spill"));
 * await scratch.seek(0);
 * console.log(await scratch.read()); // Uint8Array(5) [ 115, 112, 105, 108, 108 ]
 * ```
 */
export function openTemporaryFile(mode?: TemporaryBinaryMode, options?: TemporaryFileOptions): Promise<AsyncFile<Uint8Array>>;
export function openTemporaryFile(mode: TemporaryTextMode, options?: TemporaryFileOptions): Promise<AsyncFile<string>>;
export async function openTemporaryFile(mode: string = "w+b", options?: TemporaryFileOptions): Promise<AsyncFile> {
  const { file, path } = await createUnique(mode, checkOptions(options));
  try {
    // Not a checkpoint: the name must go even if the scope was cancelled meanwhile.
    await fsCallUnchecked("unlink", path, (fs) => fs.unlink(path));
  } catch (err) {
    await file.aclose();
    throw err;
  }
  return file;
}

/**
 * A temporary file with a name on disk, open for reading and writing: `file` is the
 * open file, `path` its path. Closing it (or `await using`) closes the file and removes
 * it (unless made with `delete: false`), even in a cancelled scope. Made by
 * {@link openNamedTemporaryFile}; AnyIO's `NamedTemporaryFile`.
 *
 * @example
 * ```ts
 * import { openNamedTemporaryFile, runProcess } from "structio";
 *
 * await using tmp = await openNamedTemporaryFile("w+", { suffix: ".txt" });
 * await tmp.file.write("hello\n");
 * await tmp.file.flush();
 * const { stdout } = await runProcess(["cat", tmp.name]);
 * console.log(new TextDecoder().decode(stdout)); // "hello\n"
 * ```
 */
export class NamedTemporaryFile<T extends string | Uint8Array = string | Uint8Array> implements AsyncDisposable {
  /** The open file. */
  readonly file: AsyncFile<T>;
  /** The file's path. */
  readonly path: Path;
  /** The file's path as a string. */
  readonly name: string;
  readonly #delete: boolean;
  #closing: Promise<void> | null = null;

  /** @internal Use {@link openNamedTemporaryFile}. */
  constructor(file: AsyncFile<T>, name: string, remove: boolean) {
    this.file = file;
    this.name = name;
    this.path = new Path(name);
    this.#delete = remove;
  }

  /** The file's path string: a NamedTemporaryFile can be passed wherever a path is taken. */
  get [PATH_STRING](): string {
    return this.name;
  }

  /** Whether `aclose()` was called. */
  get closed(): boolean {
    return this.#closing !== null;
  }

  /**
   * Closes the file, then removes it (unless `delete: false`). Idempotent; never raises
   * Cancelled. A file already removed by someone else is no error.
   */
  aclose(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /** Same as {@link aclose}: what `await using` calls. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }

  async #close(): Promise<void> {
    // The file is removed even when closing it reported an error; that error wins.
    let closeError: unknown = null;
    try {
      await this.file.aclose();
    } catch (err) {
      closeError = err;
    }
    if (this.#delete) {
      try {
        await fsCallUnchecked("unlink", this.name, (fs) => fs.unlink(this.name));
      } catch (err) {
        if (!hasCode(err, "ENOENT")) closeError ??= err;
      }
    }
    if (closeError !== null) throw closeError;
  }
}

/**
 * Creates and opens a temporary file (mode "w+b" unless told otherwise) named
 * `prefix` + random characters + `suffix` in `dir` (default {@link gettempdir}),
 * readable and writable by the owner only. Closing the returned
 * {@link NamedTemporaryFile} removes the file (unless `delete: false`).
 *
 * A checkpoint before the file is made; once made, it is returned even if the scope
 * was cancelled meanwhile (close it; `await using` does).
 *
 * @throws {TypeError} if an option has the wrong type.
 * @throws {RangeError} if `mode` is not a valid mode creating a file, or `prefix` or
 *   `suffix` contains "/".
 * @throws {OSError} if the file cannot be made.
 *
 * @example
 * ```ts
 * import { openNamedTemporaryFile, Path } from "structio";
 *
 * await using tmp = await openNamedTemporaryFile("w", { prefix: "report-", suffix: ".csv" });
 * await tmp.file.write("a,b\n1,2\n");
 * await tmp.file.flush();
 * console.log(await new Path(tmp.name).readText()); // "a,b\n1,2\n"
 * ```
 */
export function openNamedTemporaryFile(mode?: TemporaryBinaryMode, options?: NamedTemporaryFileOptions): Promise<NamedTemporaryFile<Uint8Array>>;
export function openNamedTemporaryFile(mode: TemporaryTextMode, options?: NamedTemporaryFileOptions): Promise<NamedTemporaryFile<string>>;
export async function openNamedTemporaryFile(mode: string = "w+b", options?: NamedTemporaryFileOptions): Promise<NamedTemporaryFile> {
  const o = checkOptions(options);
  const remove = checkBoolean(o.delete, "options.delete", true);
  const { file, path } = await createUnique(mode, o);
  return new NamedTemporaryFile(file, path, remove);
}
