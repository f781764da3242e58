/**
 * What the rules share while the transform walks one file: the tree, its text, the edits
 * so far, the name table, and where to report what cannot be translated.
 *
 * @module
 */
import ts from "typescript";
import type { DiagnosticCode } from "./diagnostics.ts";
import { EditList } from "./edits.ts";
import type { SpecifierRewriter } from "./imports.ts";
import type { NameTable } from "./replacements.ts";

/**
 * A diagnostic before it gets a file, line and column: an offset into the source.
 *
 * @example
 * ```ts
 * const pending: PendingDiagnostic = { pos: 120, code: "then-chain", message: "..." };
 * ```
 */
export interface PendingDiagnostic {
  readonly pos: number;
  readonly code: DiagnosticCode;
  readonly message: string;
}

/**
 * The state of one transform. Rules read the tree and push edits and diagnostics; none
 * of them changes the tree or the text.
 *
 * @example
 * ```ts
 * ctx.report(node.getStart(ctx.sf), "new-promise", "new Promise(...) has no sync equivalent");
 * ```
 */
export class TransformContext {
  readonly sf: ts.SourceFile;
  readonly text: string;
  readonly edits: EditList = new EditList();
  readonly names: NameTable;
  readonly specifiers: SpecifierRewriter;
  readonly diagnostics: PendingDiagnostic[] = [];
  /** How many functions enclose the node being visited (0: top level). */
  functionDepth = 0;

  constructor(sf: ts.SourceFile, names: NameTable, specifiers: SpecifierRewriter) {
    this.sf = sf;
    this.text = sf.text;
    this.names = names;
    this.specifiers = specifiers;
  }

  /** Where `node`'s first token starts (after its leading trivia). */
  start(node: ts.Node): number {
    return node.getStart(this.sf);
  }

  /** Records a diagnostic at offset `pos` (source order is restored at the end). */
  report(pos: number, code: DiagnosticCode, message: string): void {
    this.diagnostics.push({ pos, code, message });
  }

  /** The offset of the first character at or after `pos` that is not white space or a line break. */
  skipWhitespace(pos: number): number {
    const text = this.text;
    while (pos < text.length && ts.isWhiteSpaceLike(text.charCodeAt(pos))) pos++;
    return pos;
  }

  /** Whether `text.slice(start, end)` (a stretch of trivia) is only white space and line breaks. */
  isBlank(start: number, end: number): boolean {
    return this.skipWhitespace(start) >= end;
  }

  /**
   * The edit that deletes the keyword at `[start, end)` and the white space after it.
   * If that would glue two tokens into one (`a -await -b` must not become `a --b`),
   * a single space stays instead.
   */
  deleteKeyword(start: number, end: number): { start: number; end: number; text: string } {
    const after = this.skipWhitespace(end);
    const glue = start > 0 && after < this.text.length && wouldGlue(this.text, start - 1, after);
    return { start, end: after, text: glue ? " " : "" };
  }
}

/**
 * `text` as the content of a string literal quoted with `quote`: a replacement name or
 * specifier containing the quote character or a backslash gets the escapes it needs.
 *
 * @example
 * ```ts
 * escapeStringContent("it's", "'"); // "it\\'s"
 * ```
 */
export function escapeStringContent(text: string, quote: string): string {
  let escaped = "";
  for (const ch of text) escaped += ch === "\\" || ch === quote || (quote === "`" && ch === "$") ? `\\${ch}` : ch;
  return escaped;
}

/** Whether the characters at `left` and `right` would lex as one token if they touched. */
function wouldGlue(text: string, left: number, right: number): boolean {
  const a = text.charCodeAt(left);
  const b = text.charCodeAt(right);
  if (ts.isIdentifierPart(a, ts.ScriptTarget.Latest) && ts.isIdentifierPart(b, ts.ScriptTarget.Latest)) return true;
  const pair = text[left]! + text[right]!;
  // `+ +` and `- -` would become increments or decrements, `/ /` and `/ *` comments.
  return pair === "++" || pair === "--" || pair === "//" || pair === "/*";
}
