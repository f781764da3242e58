/**
 * unasync for TypeScript: writes the synchronous twin of async source, from its syntax
 * tree. `transform` turns one file's text into its twin's text; `unasync` runs it over
 * twinned folders (as the `unasync` command does) and `loadConfig` reads the config file.
 *
 * @example
 * ```ts
 * import { formatDiagnostic, loadConfig, transform, unasync } from "@structio/unasync";
 *
 * const { code } = transform("export async function f(): Promise<number> { return await g(); }", {
 *   fileName: "f.ts",
 *   header: false,
 * });
 * console.log(code); // export function f(): number { return g(); }
 *
 * const report = unasync(loadConfig("unasync.config.json"));
 * for (const d of report.diagnostics) console.error(formatDiagnostic(d));
 * ```
 *
 * @module
 */
export {
  DEFAULT_REPLACEMENTS,
  formatDiagnostic,
  transform,
  type TransformOptions,
  type TransformResult,
  type UnasyncDiagnostic,
} from "./transform.ts";
export { type FolderPair, loadConfig, type UnasyncConfig } from "./config.ts";
export { unasync, type UnasyncOptions, type UnasyncReport } from "./run.ts";
