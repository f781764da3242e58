/**
 * What the transform reports instead of writing wrong sync code.
 *
 * @module
 */

/**
 * The kinds of code the transform cannot translate faithfully (plus malformed markers
 * and syntax errors). Each diagnostic's message says what to write instead.
 *
 * @example
 * ```ts
 * const code: DiagnosticCode = "promise-combinator";
 * ```
 */
export type DiagnosticCode =
  | "promise-combinator"
  | "promise-static"
  | "new-promise"
  | "then-chain"
  | "promise-value"
  | "top-level-await"
  | "async-callback"
  | "dynamic-import"
  | "bad-marker"
  | "syntax-error";

/**
 * One problem found in an async source file, at a 1-based line and column (columns
 * count UTF-16 code units, as editors and `tsc` do).
 *
 * @example
 * ```ts
 * const d: UnasyncDiagnostic = {
 *   file: "src/_async/pool.ts", line: 12, column: 9, code: "promise-combinator",
 *   message: "Promise.all() runs promises concurrently, ...",
 * };
 * ```
 */
export interface UnasyncDiagnostic {
  file: string;
  line: number;
  column: number;
  code: string;
  message: string;
}

/**
 * Formats a diagnostic the way compilers do, `file:line:column: message (code)`, so that
 * editors and CI logs make the location clickable.
 *
 * @example
 * ```ts
 * formatDiagnostic({ file: "a.ts", line: 3, column: 5, code: "new-promise", message: "..." });
 * // "a.ts:3:5: ... (new-promise)"
 * ```
 */
export function formatDiagnostic(d: UnasyncDiagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.message} (${d.code})`;
}
