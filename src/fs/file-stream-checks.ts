/**
 * What the file streams share: the check of the file they are given, and how they
 * report the file's errors.
 *
 * @module
 * @internal
 */
import { BrokenResourceError, OSError } from "../core/errors.ts";
import { AsyncFile } from "./async-file.ts";
import { parseMode } from "./open-mode.ts";

/** @internal Throws a TypeError unless `file` is an AsyncFile opened in binary mode for `direction`. */
export function checkStreamFile(file: unknown, direction: "read" | "write"): asserts file is AsyncFile<Uint8Array> {
  if (!(file instanceof AsyncFile)) {
    throw new TypeError(`file must be an AsyncFile (made by openFile()), not ${file === null ? "null" : typeof file}`);
  }
  const mode = parseMode(file.mode);
  if (!mode.binary || !(direction === "read" ? mode.readable : mode.writable)) {
    const example = direction === "read" ? `"rb"` : `"wb" or "ab"`;
    throw new TypeError(
      `file must be opened in binary mode for ${direction === "read" ? "reading" : "writing"} (${example}), ` +
        `not with mode ${JSON.stringify(file.mode)}`,
    );
  }
}

/** @internal An OSError of a stream's file, reported as the stream breaking (as AnyIO does). */
export function brokenFile(err: unknown): unknown {
  if (!(err instanceof OSError)) return err;
  return new BrokenResourceError(`the file could not be used: ${err.message}`, { cause: err });
}
