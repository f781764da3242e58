/**
 * File modes as Python's `open()` spells them: "r", "w", "a" or "x", optionally with
 * "+" (read and write) and "b" (binary) or "t" (text, the default).
 *
 * @module
 */
import type { OpenFlags } from "../backends/files.ts";

type ModeBase = "r" | "w" | "a" | "x";

/**
 * The modes that open a file in text mode (UTF-8 strings): "r" reads, "w" truncates or
 * creates and writes, "a" appends (creating the file if needed), "x" creates a new file
 * and fails if it exists; "+" adds the other direction. "t" may be written explicitly.
 *
 * @example
 * ```ts
 * import { openFile, type OpenTextMode } from "structio";
 *
 * const mode: OpenTextMode = "a+";
 * await using log = await openFile("app.log", mode);
 * ```
 */
export type OpenTextMode = ModeBase | `${ModeBase}+` | `${ModeBase}t` | `${ModeBase}+t` | `${ModeBase}t+`;

/**
 * The modes that open a file in binary mode (Uint8Array in and out): the text modes
 * with "b" instead of "t".
 *
 * @example
 * ```ts
 * import { openFile, type OpenBinaryMode } from "structio";
 *
 * const mode: OpenBinaryMode = "rb";
 * await using file = await openFile("image.png", mode);
 * const header: Uint8Array = await file.read(8);
 * ```
 */
export type OpenBinaryMode = `${ModeBase}b` | `${ModeBase}+b` | `${ModeBase}b+`;

/**
 * Every file mode with a type of its own: {@link OpenTextMode} or {@link OpenBinaryMode}.
 * `openFile` also accepts the same letters in any other order ("br", "+rb"), as Python
 * does, typed as giving strings or bytes.
 *
 * @example
 * ```ts
 * import { type OpenMode } from "structio";
 *
 * const modes: OpenMode[] = ["r", "rb", "w+", "ab", "x"];
 * ```
 */
export type OpenMode = OpenTextMode | OpenBinaryMode;

/** @internal A mode taken apart. */
export interface ParsedMode {
  readonly flags: OpenFlags;
  readonly readable: boolean;
  readonly writable: boolean;
  readonly binary: boolean;
}

const DESCRIPTION = `"r", "w", "a" or "x", optionally with "+" and with "b" or "t"`;

/**
 * @internal Takes `mode` apart as Python's open() does: exactly one of "rwax", at most
 * one "+", at most one of "b" and "t", no other letter, none twice, in any order.
 *
 * @throws {TypeError} if `mode` is not a string.
 * @throws {RangeError} if `mode` is not a valid mode, naming `name`.
 */
export function parseMode(mode: unknown, name = "mode"): ParsedMode {
  if (typeof mode !== "string") throw new TypeError(`${name} must be a string (${DESCRIPTION}), not ${typeof mode}`);
  const invalid = () => new RangeError(`${name} must be ${DESCRIPTION}, not ${JSON.stringify(mode)}`);
  const letters = new Set(mode);
  if (letters.size !== mode.length || mode.length === 0) throw invalid();
  let base: ModeBase | null = null;
  for (const letter of letters) {
    if (letter === "r" || letter === "w" || letter === "a" || letter === "x") {
      if (base !== null) throw invalid();
      base = letter;
    } else if (letter !== "+" && letter !== "b" && letter !== "t") {
      throw invalid();
    }
  }
  if (base === null || (letters.has("b") && letters.has("t"))) throw invalid();
  const plus = letters.has("+");
  const readable = base === "r" || plus;
  const writable = base !== "r" || plus;
  return {
    flags: {
      read: readable,
      write: writable,
      append: base === "a",
      create: base !== "r",
      exclusive: base === "x",
      truncate: base === "w",
    },
    readable,
    writable,
    binary: letters.has("b"),
  };
}
