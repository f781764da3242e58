/**
 * Pass-through markers: `// unasync: keep-next-line` copies the next line untouched, and
 * `// unasync: keep-start` ... `// unasync: keep-end` a block of lines. Nothing in the
 * kept text is edited or reported. The marker comments themselves stay in the output.
 * Text after the marker word is free (`// unasync: keep-next-line (node's own name)`).
 *
 * @module
 */
import ts from "typescript";
import type { TextRange } from "./edits.ts";
import type { PendingDiagnostic } from "./transform-context.ts";

const MARKER = "unasync:";

/** Childless nodes whose own text is arbitrary: a marker-looking string in them is not a comment. */
const OPAQUE: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral,
  ts.SyntaxKind.TemplateHead,
  ts.SyntaxKind.TemplateMiddle,
  ts.SyntaxKind.TemplateTail,
  ts.SyntaxKind.RegularExpressionLiteral,
  ts.SyntaxKind.JsxText,
  ts.SyntaxKind.Identifier,
  ts.SyntaxKind.PrivateIdentifier,
]);

/**
 * The ranges the markers of a file keep, and the problems with malformed or unbalanced
 * markers.
 *
 * @example
 * ```ts
 * const { ranges, problems }: KeptText = findKeptText(sourceFile);
 * ```
 */
export interface KeptText {
  readonly ranges: TextRange[];
  readonly problems: PendingDiagnostic[];
}

/**
 * Finds the pass-through markers of `sf` and the text they keep.
 *
 * Markers are comments, and comments are not in the syntax tree, so the search starts
 * from the text: each occurrence of `unasync:` is checked against the tree (the
 * innermost node around it tells whether it lies inside a string, template or regular
 * expression, or between tokens, where a scanner started at a token boundary can tell
 * comment from code exactly). Files without the word cost one `indexOf`.
 *
 * @example
 * ```ts
 * const { ranges } = findKeptText(ts.createSourceFile("a.ts", "// unasync: keep-next-line\nawait x;\n", ts.ScriptTarget.Latest, true));
 * // ranges: [{ start: 27, end: 35 }] (the second line, without its line break)
 * ```
 */
export function findKeptText(sf: ts.SourceFile): KeptText {
  const ranges: TextRange[] = [];
  const problems: PendingDiagnostic[] = [];
  const text = sf.text;
  let at = text.indexOf(MARKER);
  if (at < 0) return { ranges, problems };

  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, sf.languageVariant, text);
  const bad = (pos: number, message: string) => problems.push({ pos, code: "bad-marker", message });
  let open: ts.CommentRange | undefined;
  for (; at >= 0; at = text.indexOf(MARKER, at + MARKER.length)) {
    const comment = commentAt(sf, scanner, at);
    const word = comment === undefined ? undefined : markerWord(text, comment, at);
    if (comment === undefined || word === undefined) continue;
    switch (word) {
      case "keep-next-line": {
        const line = nextLine(sf, comment.end);
        if (line === undefined) bad(comment.pos, "unasync: keep-next-line has no next line to keep");
        else ranges.push(line);
        break;
      }
      case "keep-start":
        if (open !== undefined) {
          bad(comment.pos, "unasync: keep-start inside a kept block; close the first with unasync: keep-end");
        } else open = comment;
        break;
      case "keep-end":
        if (open === undefined) bad(comment.pos, "unasync: keep-end without an unasync: keep-start before it");
        else ranges.push({ start: open.end, end: comment.pos });
        open = undefined;
        break;
      default:
        bad(
          comment.pos,
          `${
            word === "" ? "missing marker after" : `unknown marker "${word}" after`
          } "unasync:"; the markers are keep-next-line, keep-start and keep-end`,
        );
    }
  }
  if (open !== undefined) {
    bad(open.pos, "unasync: keep-start without an unasync: keep-end after it");
    ranges.push({ start: open.end, end: text.length });
  }
  return { ranges, problems };
}

/**
 * The marker word of `comment` if its text starts with `unasync:` at `at` (after the
 * comment opener and blanks), e.g. "keep-start"; `undefined` for a comment that merely
 * mentions unasync.
 */
function markerWord(text: string, comment: ts.CommentRange, at: number): string | undefined {
  let bodyStart = comment.pos + 2;
  while (bodyStart < at && (text[bodyStart] === " " || text[bodyStart] === "\t" || text[bodyStart] === "*")) {
    bodyStart++;
  }
  if (bodyStart !== at) return undefined;
  const bodyEnd = comment.kind === ts.SyntaxKind.MultiLineCommentTrivia ? comment.end - 2 : comment.end;
  const words = text.slice(at + MARKER.length, bodyEnd).trim().split(/\s+/);
  return words[0] ?? "";
}

/** The line after the one holding `pos`, without its line break. */
function nextLine(sf: ts.SourceFile, pos: number): TextRange | undefined {
  const starts = sf.getLineStarts();
  const line = sf.getLineAndCharacterOfPosition(pos).line;
  const start = starts[line + 1];
  if (start === undefined) return undefined;
  let end = starts[line + 2] ?? sf.text.length;
  while (end > start && ts.isLineBreak(sf.text.charCodeAt(end - 1))) end--;
  return { start, end };
}

/** The comment around offset `at`, or `undefined` if `at` is in code, a string or the like. */
function commentAt(sf: ts.SourceFile, scanner: ts.Scanner, at: number): ts.CommentRange | undefined {
  let node: ts.Node = sf;
  for (;;) {
    // The child around `at` (its range includes its leading trivia), and where the
    // children before `at` end.
    let inner: ts.Node | undefined;
    let before = -1;
    ts.forEachChild(node, (child) => {
      if (child.end <= at) {
        before = child.end;
        return undefined;
      }
      if (child.pos <= at) inner = child;
      return true; // the rest lies after `at`
    });
    if (inner !== undefined) {
      node = inner;
      continue;
    }
    const start = node.getStart(sf);
    if (at < start) return scanForComment(scanner, node.pos, at); // in the node's leading trivia
    if (OPAQUE.has(node.kind)) return undefined; // inside a string, template, regex, name
    // Between the node's own tokens (punctuation and keywords, which lex the same in any
    // context): scanning from the end of the last token before `at` is exact.
    return scanForComment(scanner, Math.max(start, before), at);
  }
}

function scanForComment(scanner: ts.Scanner, from: number, at: number): ts.CommentRange | undefined {
  scanner.resetTokenState(from);
  for (;;) {
    const kind = scanner.scan();
    if (kind === ts.SyntaxKind.EndOfFileToken || scanner.getTokenStart() > at) return undefined;
    if (at < scanner.getTokenEnd()) {
      const isComment = kind === ts.SyntaxKind.SingleLineCommentTrivia || kind === ts.SyntaxKind.MultiLineCommentTrivia;
      return isComment ? { pos: scanner.getTokenStart(), end: scanner.getTokenEnd(), kind } : undefined;
    }
  }
}
