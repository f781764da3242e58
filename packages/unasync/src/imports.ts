/**
 * Module specifiers of the sync twin: whole-specifier replacements from the table, and
 * relative imports re-pointed from the async source's folder to the twin's.
 *
 * @module
 */
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import ts from "typescript";
import type { NameTable } from "./replacements.ts";
import { escapeStringContent, type TransformContext } from "./transform-context.ts";

/** A twinned folder pair, as absolute paths. */
interface Twin {
  readonly from: string;
  readonly to: string;
}

/**
 * Computes the specifier the sync twin uses for each module specifier of the source.
 *
 * - A specifier that is a key of the replacement table is replaced whole (and nothing
 *   else happens to it: the user said exactly what they want).
 * - Without `outFileName`, other specifiers stay as they are.
 * - A relative specifier resolves against the source's folder; if the target lies in a
 *   twinned `from` folder, it becomes the same path under `to`; then the specifier is
 *   made relative to the twin's folder. The extension stays (`./x.ts` stays `.ts`).
 *
 * @example
 * ```ts
 * const rewriter = new SpecifierRewriter("/p/src/_async/a.ts", "/p/src/_sync/a.ts",
 *   [{ from: "/p/src/_async", to: "/p/src/_sync" }], names);
 * rewriter.rewrite("./b.ts"); // "./b.ts" (b.ts has a twin next to the twin of a.ts)
 * rewriter.rewrite("../util.ts"); // "../util.ts" (the same file, seen from _sync/)
 * ```
 */
export class SpecifierRewriter {
  readonly #sourceDir: string;
  readonly #outDir: string | undefined;
  readonly #twins: readonly Twin[];
  readonly #names: NameTable;

  constructor(
    fileName: string,
    outFileName: string | undefined,
    folders: ReadonlyArray<{ readonly from: string; readonly to: string }>,
    names: NameTable,
  ) {
    this.#sourceDir = dirname(resolve(fileName));
    this.#outDir = outFileName === undefined ? undefined : dirname(resolve(outFileName));
    this.#twins = folders.map(({ from, to }) => ({ from: resolve(from), to: resolve(to) }));
    this.#names = names;
  }

  /** The twin's specifier, or `undefined` if it is the same. */
  rewrite(specifier: string): string | undefined {
    const replaced = this.#names.specifier(specifier);
    if (replaced !== undefined) return replaced === specifier ? undefined : replaced;
    const outDir = this.#outDir;
    if (outDir === undefined || !isRelative(specifier)) return undefined;
    const target = resolve(this.#sourceDir, specifier);
    const twinned = this.#twinOf(target);
    // Same folder, no twin: the specifier already reaches the target. Keep it as written
    // (resolving and relativising would normalise `./a/../b.ts` for no reason).
    if (twinned === target && outDir === this.#sourceDir) return undefined;
    let rewritten = relative(outDir, twinned).split(sep).join("/");
    if (rewritten === "") rewritten = ".";
    if (!rewritten.startsWith("../") && rewritten !== "..") rewritten = `./${rewritten}`;
    if (specifier.endsWith("/") && !rewritten.endsWith("/")) rewritten += "/";
    return rewritten === specifier ? undefined : rewritten;
  }

  /** `path` moved from the first twinned `from` folder that contains it to its `to` folder. */
  #twinOf(path: string): string {
    for (const twin of this.#twins) {
      const inside = relative(twin.from, path);
      if (inside === "" || (!isAbsolute(inside) && inside !== ".." && !inside.startsWith(`..${sep}`))) {
        return join(twin.to, inside);
      }
    }
    return path;
  }
}

function isRelative(specifier: string): boolean {
  return specifier === "." || specifier === ".." || specifier.startsWith("./") || specifier.startsWith("../");
}

/**
 * Rewrites one module specifier literal in place (keeping its quotes), if the twin needs
 * a different one.
 *
 * @example
 * ```ts
 * rewriteSpecifier(ctx, importDeclaration.moduleSpecifier);
 * ```
 */
export function rewriteSpecifier(ctx: TransformContext, literal: ts.Expression | undefined): void {
  if (literal === undefined || !ts.isStringLiteralLike(literal)) return;
  const rewritten = ctx.specifiers.rewrite(literal.text);
  if (rewritten === undefined) return;
  const start = ctx.start(literal);
  const quote = ctx.text[start]!;
  ctx.edits.add({ start: start + 1, end: literal.end - 1, text: escapeStringContent(rewritten, quote) });
}

/**
 * The specifier of a dynamic `import("./x.ts")` with a literal argument, if `call` is one.
 *
 * @example
 * ```ts
 * dynamicImportSpecifier(call); // the "./x.ts" literal node
 * ```
 */
export function dynamicImportSpecifier(call: ts.CallExpression): ts.Expression | undefined {
  return call.expression.kind === ts.SyntaxKind.ImportKeyword ? call.arguments[0] : undefined;
}
