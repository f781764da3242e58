/**
 * The name rules: every identifier (variables, types, classes, property and method
 * names, object literal keys, destructuring, import and export names), every private
 * name, and every string-literal type goes through the replacement table and the prefix
 * rule.
 *
 * Names are replaced wherever they occur, not per binding: the twin of `aclose()` is
 * `close()` in the declaring class, at every call site and in every destructuring, so
 * the twin stays consistent without type information (the way Python's unasync works
 * on tokens). String values are data, not names, and stay as written; a string-literal
 * TYPE names a key or a tag (`Omit<T, "aclose">`, `kind: "AsyncFile"`) and follows.
 *
 * @module
 */
import ts from "typescript";
import { escapeStringContent, type TransformContext } from "./transform-context.ts";

/**
 * Renames an identifier or a private name (`#aclose` becomes `#close`).
 *
 * @example
 * ```ts
 * renameIdentifier(ctx, node); // "AsyncFile" becomes "SyncFile", "aclose" becomes "close"
 * ```
 */
export function renameIdentifier(ctx: TransformContext, node: ts.Identifier | ts.PrivateIdentifier): void {
  const isPrivate = node.kind === ts.SyntaxKind.PrivateIdentifier;
  const renamed = ctx.names.rename(isPrivate ? node.text.slice(1) : node.text);
  if (renamed === undefined) return;
  ctx.edits.add({ start: ctx.start(node), end: node.end, text: isPrivate ? `#${renamed}` : renamed });
}

/**
 * Renames the content of a string-literal type (`"AsyncFile"` becomes `"SyncFile"`, also
 * in backquotes).
 * A literal written with escapes is left alone: its text is not its value.
 *
 * @example
 * ```ts
 * renameStringLiteralType(ctx, literal); // 'Omit<S, "aclose">' becomes 'Omit<S, "close">'
 * ```
 */
export function renameStringLiteralType(ctx: TransformContext, literal: ts.StringLiteralLike): void {
  const start = ctx.start(literal);
  if (ctx.text.slice(start + 1, literal.end - 1) !== literal.text) return;
  const renamed = ctx.names.rename(literal.text);
  if (renamed === undefined) return;
  ctx.edits.add({ start: start + 1, end: literal.end - 1, text: escapeStringContent(renamed, ctx.text[start]!) });
}
