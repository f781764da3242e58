/**
 * The configuration of a run: which folders are twinned, and the rules' settings. Read
 * from a JSON file (`unasync.config.json`) by {@link loadConfig}, or given as a plain
 * object to `unasync()`. Both go through {@link checkConfig}, so a mistake is reported
 * the same way either way: a TypeError (wrong type) or RangeError (wrong value) naming
 * the field and where it came from.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { dirname, resolve, sep } from "node:path";
import process from "node:process";

/**
 * One pair of twinned folders: the async sources and where their sync twins go.
 *
 * @example
 * ```ts
 * const pair: FolderPair = { from: "src/_async", to: "src/_sync" };
 * ```
 */
export interface FolderPair {
  /** The folder of async sources; every `.ts` file under it (recursively) is twinned. */
  readonly from: string;
  /** The folder the sync twins are written to, at the same relative paths. */
  readonly to: string;
}

/**
 * What a run needs. In a config file, relative folder paths are relative to the file's
 * folder; given to `unasync()` as an object, relative to the current directory.
 *
 * @example
 * ```ts
 * import { type UnasyncConfig, unasync } from "@structio/unasync";
 *
 * const config: UnasyncConfig = {
 *   folders: [{ from: "src/_async", to: "src/_sync" }],
 *   replacements: { asyncBackend: "syncBackend" },
 * };
 * unasync(config);
 * ```
 */
export interface UnasyncConfig {
  /** The twinned folder pairs (at least one). */
  readonly folders: readonly FolderPair[];
  /** Extra name replacements, applied after the built-in table (and overriding it). */
  readonly replacements?: Readonly<Record<string, string>>;
  /**
   * The prefix rule (default `{ from: "Async", to: "Sync" }`: `AsyncQueue` becomes
   * `SyncQueue`), or `false` for none. An empty `to` drops the prefix.
   */
  readonly prefix?: { readonly from: string; readonly to: string } | false;
  /** The generated-file header text, or `false` for none (default: a note naming the source). */
  readonly header?: string | false;
}

const FIELDS = ["folders", "replacements", "prefix", "header"];

/**
 * Reads, validates and resolves a config file: the returned folder paths are absolute
 * (resolved against the config file's folder). Throws a SyntaxError for a file that is
 * not JSON, and a TypeError or RangeError naming the field and the file for a bad field.
 *
 * @example
 * ```ts
 * import { loadConfig, unasync } from "@structio/unasync";
 *
 * const config = loadConfig("unasync.config.json");
 * console.log(config.folders[0]?.to); // "/home/me/lib/src/_sync"
 * unasync(config);
 * ```
 */
export function loadConfig(path: string): UnasyncConfig {
  if (typeof path !== "string" || path === "") {
    throw new TypeError(`loadConfig: path must be a non-empty string, not ${show(path)}`);
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`cannot read config file ${path}: ${(error as Error).message}`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(`${path}: not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return checkConfig(value, path, dirname(resolve(path)));
}

/**
 * Validates a config object (from a file, or given to `unasync()`) and returns a copy
 * with absolute folder paths, resolved against `baseDir` (default: the current
 * directory). `source` names where the object came from in error messages: the config
 * file's path, say. Unknown fields are errors too, so that a misspelt field is not
 * silently ignored.
 *
 * @example
 * ```ts
 * import { checkConfig } from "./config.ts";
 *
 * checkConfig({ folders: [{ from: "a", to: "a" }] }, "my config");
 * // RangeError: my config: folders[0].to (/home/me/a) overlaps folders[0].from (/home/me/a): ...
 * ```
 */
export function checkConfig(value: unknown, source: string, baseDir: string = process.cwd()): UnasyncConfig {
  const fail = (Kind: new (message: string) => Error, field: string, problem: string): never => {
    throw new Kind(`${source}: ${field} ${problem}`);
  };
  /** `v` as a record; with `known`, any other key is an error (a misspelt field). */
  const object = (v: unknown, field: string, known?: readonly string[]): Record<string, unknown> => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) fail(TypeError, field, `must be an object, not ${show(v)}`);
    const record = v as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (known !== undefined && !known.includes(key)) {
        const path = field === "config" ? key : `${field}.${key}`;
        fail(RangeError, path, `is not a known field (known: ${known.join(", ")})`);
      }
    }
    return record;
  };
  const name = (v: unknown, field: string): string => {
    if (typeof v !== "string" || v === "") fail(TypeError, field, `must be a non-empty string, not ${show(v)}`);
    return v as string;
  };

  const config = object(value, "config", FIELDS);

  if (config.folders === undefined) fail(TypeError, "folders", "is required (a list of { from, to } folder pairs)");
  if (!Array.isArray(config.folders)) fail(TypeError, "folders", `must be an array of { from, to }, not ${show(config.folders)}`);
  const list = config.folders as unknown[];
  if (list.length === 0) fail(RangeError, "folders", "must list at least one { from, to } pair");
  const folders = list.map((entry, i): FolderPair => {
    const pair = object(entry, `folders[${i}]`, ["from", "to"]);
    return {
      from: resolve(baseDir, name(pair.from, `folders[${i}].from`)),
      to: resolve(baseDir, name(pair.to, `folders[${i}].to`)),
    };
  });
  // A twin folder inside a source folder would be read back as sources; a source folder
  // inside a twin folder would be overwritten or reported as orphans. Every folder of the
  // config must therefore stay clear of every other.
  const all = folders.flatMap((pair, i) => [
    { field: `folders[${i}].from`, path: pair.from },
    { field: `folders[${i}].to`, path: pair.to },
  ]);
  for (const [j, b] of all.entries()) {
    for (const a of all.slice(0, j)) {
      if (contains(a.path, b.path) || contains(b.path, a.path)) {
        fail(RangeError, b.field, `(${b.path}) overlaps ${a.field} (${a.path}): no folder may be another or lie inside it`);
      }
    }
  }

  const result: { -readonly [K in keyof UnasyncConfig]: UnasyncConfig[K] } = { folders };

  if (config.replacements !== undefined) {
    const table = object(config.replacements, "replacements");
    for (const [from, to] of Object.entries(table)) {
      if (from === "") fail(RangeError, "replacements", "has an empty name as a key");
      name(to, `replacements[${JSON.stringify(from)}]`);
    }
    result.replacements = { ...(table as Record<string, string>) };
  }

  if (config.prefix === false) {
    result.prefix = false;
  } else if (config.prefix !== undefined) {
    const prefix = object(config.prefix, "prefix", ["from", "to"]);
    const from = name(prefix.from, "prefix.from");
    // An empty `to` is allowed: it drops the prefix (AsyncQueue becomes Queue).
    if (typeof prefix.to !== "string") fail(TypeError, "prefix.to", `must be a string, not ${show(prefix.to)}`);
    result.prefix = { from, to: prefix.to as string };
  }

  if (config.header !== undefined) {
    if (typeof config.header !== "string" && config.header !== false) {
      fail(TypeError, "header", `must be a string or false, not ${show(config.header)}`);
    }
    result.header = config.header as string | false;
  }
  return result;
}

/** Whether `inner` is `outer` or lies inside it. */
function contains(outer: string, inner: string): boolean {
  return inner === outer || inner.startsWith(outer.endsWith(sep) ? outer : outer + sep);
}

/** A value as an error message shows it: short, and typed. */
function show(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return JSON.stringify(value);
  return String(value);
}
