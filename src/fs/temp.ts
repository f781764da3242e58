/**
 * Temporary directories that are removed on dispose, as AnyIO's tempfile module has
 * them: `createTemporaryDirectory()` (AnyIO's `TemporaryDirectory`), `mkdtemp()` and
 * `gettempdir()`.
 *
 * @module
 */
import { checkBoolean, checkOptions } from "../sync/checks.ts";
import { OSError } from "../core/errors.ts";
import { Path } from "./path.ts";
import { PATH_STRING, type PathLike, toPathString } from "./path-like.ts";
import { fsCall, fsCallUnchecked, hasCode } from "./path-ops.ts";

/** Where and under what name a temporary directory (or file) is made. */
export interface TemporaryNameOptions {
  /** The start of the name (default "tmp"). */
  prefix?: string;
  /** The end of the name (default ""). */
  suffix?: string;
  /** The directory to make it in (default: {@link gettempdir}). */
  dir?: PathLike;
}

/** Options of {@link createTemporaryDirectory}. */
export interface TemporaryDirectoryOptions extends TemporaryNameOptions {
  /** Remove the directory on `aclose()` / dispose (default true); `cleanup()` always removes it. */
  delete?: boolean;
  /** Ignore errors while removing the directory (default false: they are raised). */
  ignoreCleanupErrors?: boolean;
}

function checkAffix(value: unknown, name: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== "string") throw new TypeError(`${name} must be a string, not ${typeof value}`);
  if (value.includes("/") || value.includes("\0")) {
    throw new RangeError(`${name} must not contain "/" or NUL bytes, not ${JSON.stringify(value)}`);
  }
  return value;
}

/** @internal The checked name options: prefix, suffix and the directory as given (if any). */
export function checkNameOptions(o: TemporaryNameOptions): { prefix: string; suffix: string; dir: string | undefined } {
  return {
    prefix: checkAffix(o.prefix, "options.prefix", "tmp"),
    suffix: checkAffix(o.suffix, "options.suffix", ""),
    dir: o.dir === undefined ? undefined : toPathString(o.dir, "options.dir"),
  };
}

/** @internal The absolute directory to make a temporary name in. */
export async function temporaryParent(dir: string | undefined): Promise<string> {
  if (dir === undefined) return await gettempdir();
  return (await new Path(dir).absolute()).toString();
}

/**
 * The directory where temporary files and directories go by default: `$TMPDIR` (or
 * `$TMP`, `$TEMP`) if set, otherwise `/tmp`. A checkpoint.
 *
 * @example
 * ```ts
 * import { gettempdir } from "structio";
 *
 * console.log(await gettempdir()); // "/tmp", usually
 * ```
 */
export async function gettempdir(): Promise<string> {
  return await fsCall("gettempdir", undefined, async (fs) => fs.tmpdir());
}

/**
 * Makes a new directory, readable and writable by the owner only (mode 0o700), named
 * `prefix` + random characters + `suffix` in `dir`, and returns its absolute path. The
 * caller removes it; {@link createTemporaryDirectory} removes it by itself.
 *
 * @throws {TypeError} if an option has the wrong type.
 * @throws {RangeError} if `prefix` or `suffix` contains "/".
 * @throws {OSError} if the directory cannot be made (ENOENT if `dir` is missing, say).
 *
 * @example
 * ```ts
 * import { mkdtemp, Path } from "structio";
 *
 * const dir = new Path(await mkdtemp({ prefix: "build-" }));
 * await dir.join("out.txt").writeText("done");
 * ```
 */
export async function mkdtemp(options?: TemporaryNameOptions): Promise<string> {
  const { prefix, suffix, dir } = checkNameOptions(checkOptions(options));
  const parent = await temporaryParent(dir);
  return await fsCall("mkdtemp", parent, (fs) => fs.mkdtemp(parent, prefix, suffix));
}

/**
 * A temporary directory, removed with everything in it by `aclose()` (and so by
 * `await using`). Made by {@link createTemporaryDirectory}.
 *
 * Closing removes the directory even in a cancelled scope, and never raises
 * `Cancelled`: it is what runs on the way out of a cancelled block. It is idempotent,
 * and a directory that is already gone is no error.
 *
 * @example
 * ```ts
 * import { createTemporaryDirectory } from "structio";
 *
 * await using tmp = await createTemporaryDirectory({ prefix: "job-" });
 * await tmp.path.join("data.json").writeText("{}");
 * console.log(tmp.name); // "/tmp/job-k2x9q0ab"
 * // removed here, with data.json
 * ```
 */
export class TemporaryDirectory {
  /** The directory. */
  readonly path: Path;
  /** Its path as a string. */
  readonly name: string;
  readonly #delete: boolean;
  readonly #ignoreCleanupErrors: boolean;
  #closing: Promise<void> | null = null;

  /** @internal Use {@link createTemporaryDirectory}. */
  constructor(name: string, remove: boolean, ignoreCleanupErrors: boolean) {
    this.name = name;
    this.path = new Path(name);
    this.#delete = remove;
    this.#ignoreCleanupErrors = ignoreCleanupErrors;
  }

  /** The directory's path string: a TemporaryDirectory can be passed wherever a path is taken. */
  get [PATH_STRING](): string {
    return this.name;
  }

  /** Whether `aclose()` or `cleanup()` was called. */
  get closed(): boolean {
    return this.#closing !== null;
  }

  /**
   * Removes the directory and everything in it now, whatever the `delete` option said.
   * Calling it again (or `aclose()` after it) does nothing more.
   *
   * @throws {OSError} if something in it cannot be removed (unless `ignoreCleanupErrors`).
   */
  cleanup(): Promise<void> {
    this.#closing ??= this.#remove();
    return this.#closing;
  }

  /** Removes the directory (unless made with `delete: false`). Idempotent. */
  aclose(): Promise<void> {
    if (!this.#delete) {
      this.#closing ??= Promise.resolve();
      return this.#closing;
    }
    return this.cleanup();
  }

  /** Same as {@link aclose}: what `await using` calls. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }

  async #remove(): Promise<void> {
    try {
      // Not a checkpoint: the directory goes even when the scope is cancelled.
      await fsCallUnchecked("rm", this.name, (fs) => fs.removeTree(this.name));
    } catch (err) {
      if (hasCode(err, "ENOENT")) return;
      if (this.#ignoreCleanupErrors && err instanceof OSError) return;
      throw err;
    }
  }
}

/**
 * Makes a temporary directory (as {@link mkdtemp} does) that is removed, with
 * everything in it, when the returned {@link TemporaryDirectory} is closed or disposed.
 * AnyIO's `TemporaryDirectory`. A checkpoint before the directory is made; once it is
 * made, it is returned even if the scope was cancelled meanwhile, so that `await
 * using` takes care of it.
 *
 * @throws {TypeError} if an option has the wrong type.
 * @throws {RangeError} if `prefix` or `suffix` contains "/".
 * @throws {OSError} if the directory cannot be made.
 *
 * @example
 * ```ts
 * import { createTemporaryDirectory } from "structio";
 *
 * await using tmp = await createTemporaryDirectory();
 * const config = tmp.path.join("config.toml");
 * await config.writeText("[server]\n");
 * console.log(await config.exists()); // true, until the block ends
 * ```
 */
export async function createTemporaryDirectory(options?: TemporaryDirectoryOptions): Promise<TemporaryDirectory> {
  const o = checkOptions(options);
  const remove = checkBoolean(o.delete, "options.delete", true);
  const ignoreCleanupErrors = checkBoolean(o.ignoreCleanupErrors, "options.ignoreCleanupErrors", false);
  const name = await mkdtemp({ prefix: o.prefix, suffix: o.suffix, dir: o.dir });
  return new TemporaryDirectory(name, remove, ignoreCleanupErrors);
}
