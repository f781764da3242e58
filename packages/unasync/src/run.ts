/**
 * A run over the twinned folders: every `.ts` file under each `from` folder is
 * transformed and its twin written (or, in check mode, compared) at the same relative
 * path under `to`.
 *
 * @module
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { checkConfig, type UnasyncConfig } from "./config.ts";
import { transform, type TransformOptions, type UnasyncDiagnostic } from "./transform.ts";

/**
 * Options for {@link unasync}.
 *
 * @example
 * ```ts
 * const report = unasync(loadConfig("unasync.config.json"), { check: true } satisfies UnasyncOptions);
 * ```
 */
export interface UnasyncOptions {
  /**
   * Write nothing; report the twins that are missing or out of date instead (default
   * false). For CI: a run is clean when `stale`, `missing`, `orphans` and
   * `diagnostics` are all empty.
   */
  readonly check?: boolean;
}

/**
 * What a run did or, in check mode, found. Every path is absolute: twins for the file
 * lists, async sources for the diagnostics' `file`.
 *
 * @example
 * ```ts
 * const { written, orphans }: UnasyncReport = unasync(loadConfig("unasync.config.json"));
 * for (const path of written) console.log(`wrote ${path}`);
 * for (const path of orphans) console.warn(`${path} has no source`);
 * ```
 */
export interface UnasyncReport {
  /** Twins written because they were missing or out of date (always empty in check mode). */
  readonly written: string[];
  /** Twins that were already exactly what the transform produces (left untouched). */
  readonly unchanged: string[];
  /** Check mode: twins that exist but differ from what the transform produces. */
  readonly stale: string[];
  /** Check mode: twins that do not exist yet. */
  readonly missing: string[];
  /** `.ts` files under a `to` folder with no source under its `from` folder (never deleted). */
  readonly orphans: string[];
  /** Code that cannot be translated; a source with diagnostics has no twin written. */
  readonly diagnostics: UnasyncDiagnostic[];
}

/**
 * Writes the sync twin of every `.ts` file (recursively) in each `from` folder to the
 * same relative path in its `to` folder, creating folders as needed. A twin whose
 * content would not change is not rewritten (its modification time stays), and a
 * source with diagnostics gets no twin written (an older twin stays as it was).
 * With `{ check: true }` nothing is written.
 *
 * `config` is a config from `loadConfig` or a plain object of the same shape
 * (relative folder paths then resolve against the current directory). A bad config is a
 * TypeError or RangeError naming the field; a `from` folder that does not exist is a
 * RangeError.
 *
 * @example
 * ```ts
 * import { formatDiagnostic, unasync } from "@structio/unasync";
 *
 * const report = unasync({ folders: [{ from: "src/_async", to: "src/_sync" }] }, { check: true });
 * for (const d of report.diagnostics) console.error(formatDiagnostic(d));
 * const clean = [report.stale, report.missing, report.orphans, report.diagnostics].every((l) => l.length === 0);
 * if (!clean) process.exitCode = 1;
 * ```
 */
export function unasync(config: UnasyncConfig, options: UnasyncOptions = {}): UnasyncReport {
  const checked = checkConfig(config, "unasync config");
  if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
  if (options.check !== undefined && typeof options.check !== "boolean") {
    throw new TypeError(`options.check must be a boolean, not ${typeof options.check}`);
  }
  const check = options.check ?? false;
  for (const [i, { from }] of checked.folders.entries()) {
    if (!isFolder(from)) throw new RangeError(`unasync config: folders[${i}].from (${from}) is not a folder`);
  }

  const rules: Omit<TransformOptions, "fileName" | "outFileName"> = {
    folders: checked.folders,
    ...(checked.replacements === undefined ? {} : { replacements: checked.replacements }),
    ...(checked.prefix === undefined ? {} : { prefix: checked.prefix }),
    ...(checked.header === undefined ? {} : { header: checked.header }),
  };
  const report: UnasyncReport = { written: [], unchanged: [], stale: [], missing: [], orphans: [], diagnostics: [] };
  for (const { from, to } of checked.folders) {
    const sources = tsFilesUnder(from);
    for (const file of sources) {
      const fileName = join(from, file);
      const outFileName = join(to, file);
      const result = transform(readFileSync(fileName, "utf8"), { ...rules, fileName, outFileName });
      if (result.diagnostics.length > 0) {
        report.diagnostics.push(...result.diagnostics);
        continue;
      }
      const current = existsSync(outFileName) ? readFileSync(outFileName, "utf8") : undefined;
      if (current === result.code) {
        report.unchanged.push(outFileName);
      } else if (check) {
        (current === undefined ? report.missing : report.stale).push(outFileName);
      } else {
        mkdirSync(dirname(outFileName), { recursive: true });
        writeFileSync(outFileName, result.code);
        report.written.push(outFileName);
      }
    }
    // Orphans are only reported: a file in a twin folder may be hand-written on purpose,
    // and deleting files is not a build step's business.
    const twinned = new Set(sources);
    if (isFolder(to)) {
      report.orphans.push(...tsFilesUnder(to).filter((file) => !twinned.has(file)).map((file) => join(to, file)));
    }
  }
  return report;
}

function isFolder(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** The `.ts` files under `folder`, recursively, as sorted paths relative to it. */
function tsFilesUnder(folder: string, prefix = ""): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(join(folder, prefix), { withFileTypes: true })) {
    const path = prefix === "" ? entry.name : join(prefix, entry.name);
    if (entry.isDirectory()) found.push(...tsFilesUnder(folder, path));
    else if (entry.isFile() && entry.name.endsWith(".ts")) found.push(path);
  }
  return found.sort();
}
