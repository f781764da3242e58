/**
 * The keyword rules: drop `async` and `await`, `for await` becomes `for`, `await using`
 * becomes `using`. Async generators need nothing more: without `async`, `async function*`
 * and `async *m()` are generators, and their `yield*` delegates to the sync iterable that
 * the twin of the delegated-to code returns.
 *
 * Dropping `await` cannot change precedence: its operand is a unary expression, which
 * binds at least as tightly as the `await` expression it replaces (`await a + await b`
 * becomes `a + b`, `!await x` becomes `!x`). What can change is how the text lexes and
 * where a statement starts, and the functions below handle those cases.
 *
 * An async function passed as a callback loses its `async` like any other. That is
 * faithful when the callee awaits the callback (`withTaskGroup(async (tg) => ...)`,
 * `scope.run(async () => ...)`): the callee is twinned too, and its twin calls the sync
 * callback and gets the value directly. Callees that never await their callback (timers,
 * `forEach`) would run it detached in the async code and inline in the twin; those are
 * reported (rules-promise.ts). Nothing else can be known without types.
 *
 * @module
 */
import ts from "typescript";
import type { TransformContext } from "./transform-context.ts";

const AWAIT = "await".length;

/** Kinds that, as the first token of an expression statement, would start a declaration or a block. */
const STATEMENT_STARTERS: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.ObjectLiteralExpression,
  ts.SyntaxKind.FunctionExpression,
  ts.SyntaxKind.ClassExpression,
]);

/** First characters of an expression that would continue the previous statement if it has no semicolon. */
const ASI_HAZARDS = "([`+-/";

/**
 * Reports an `await` outside every function: in a module it would block the import of
 * the sync twin, and it is often the one place that needs the async world (a test
 * runner, an entry point), so it should not be twinned.
 */
function reportTopLevel(ctx: TransformContext, pos: number, what: string): void {
  if (ctx.functionDepth > 0) return;
  ctx.report(
    pos,
    "top-level-await",
    `a top-level ${what} has no faithful sync twin (it would block while the module is imported); move it into a function`,
  );
}

/**
 * Drops an `async` modifier (`async function`, `async () =>`, `async m()`, `async *m()`).
 *
 * @example
 * ```ts
 * dropAsyncModifier(ctx, asyncKeyword); // "async (x) => x" becomes "(x) => x"
 * ```
 */
export function dropAsyncModifier(ctx: TransformContext, keyword: ts.Node): void {
  const start = ctx.start(keyword);
  const edit = ctx.deleteKeyword(start, keyword.end);
  const member = keyword.parent;
  // In a class written without semicolons, `x = 1\n  async *m() {}` relies on `async` to
  // end the field: `x = 1\n  *m() {}` would multiply. A `;` (an empty class element)
  // takes its place when the method then starts with `*` or `[`.
  if (
    ts.isMethodDeclaration(member) && ts.isClassLike(member.parent) && ctx.start(member) === start &&
    (ctx.text[edit.end] === "*" || ctx.text[edit.end] === "[") && !previousFieldEnded(ctx, member)
  ) {
    ctx.edits.add({ ...edit, text: ";" });
    return;
  }
  ctx.edits.add(edit);
}

/** Whether the class member before `member` is not a field left open without a semicolon. */
function previousFieldEnded(ctx: TransformContext, member: ts.ClassElement): boolean {
  const members = (member.parent as ts.ClassLikeDeclaration).members;
  const previous = members[members.indexOf(member) - 1];
  return previous === undefined || !ts.isPropertyDeclaration(previous) || ctx.text[previous.end - 1] === ";";
}

/**
 * Drops `for await`'s `await`.
 *
 * @example
 * ```ts
 * dropForAwait(ctx, node); // "for await (const x of xs)" becomes "for (const x of xs)"
 * ```
 */
export function dropForAwait(ctx: TransformContext, keyword: ts.AwaitKeyword): void {
  const start = ctx.start(keyword);
  reportTopLevel(ctx, start, "`for await`");
  ctx.edits.add(ctx.deleteKeyword(start, keyword.end));
}

/**
 * Drops the `await` of an `await using` declaration (also in `for (await using x of ...)`).
 *
 * @example
 * ```ts
 * dropAwaitUsing(ctx, list); // "await using f = open()" becomes "using f = open()"
 * ```
 */
export function dropAwaitUsing(ctx: TransformContext, list: ts.VariableDeclarationList): void {
  if ((list.flags & ts.NodeFlags.BlockScoped) !== ts.NodeFlags.AwaitUsing) return;
  // The declaration list starts with its `await` keyword (there is no node for it).
  const start = ctx.start(list);
  if (!ctx.text.startsWith("await", start)) return;
  reportTopLevel(ctx, start, "`await using`");
  ctx.edits.add(ctx.deleteKeyword(start, start + AWAIT));
}

/**
 * Drops an `await` operator, keeping its operand where it was.
 *
 * @example
 * ```ts
 * dropAwait(ctx, node); // "return await read(n)" becomes "return read(n)"
 * ```
 */
export function dropAwait(ctx: TransformContext, node: ts.AwaitExpression): void {
  const start = ctx.start(node);
  const keywordEnd = start + AWAIT;
  const operand = node.expression;
  const operandStart = ctx.start(operand);
  reportTopLevel(ctx, start, "`await`");

  if (!ctx.isBlank(keywordEnd, operandStart) && hasLineBreak(ctx.text, keywordEnd, operandStart)) {
    // `return await // why\n value`: the comment stays, and without the parenthesis the
    // line break after `return` (or `throw`, `yield`, `=>`) would end the statement.
    wrap(ctx, { start, end: keywordEnd }, operand);
    return;
  }

  if (
    isParenthesizedCallee(node) && (ts.isPropertyAccessExpression(operand) || ts.isElementAccessExpression(operand))
  ) {
    // `(await o.m)()` calls the awaited function without `this`, but `(o.m)()` would be
    // a method call on `o`: `(0, o.m)()` keeps it a plain call.
    ctx.edits.add({ ...ctx.deleteKeyword(start, keywordEnd), text: "0, " });
    return;
  }

  const leading = leadingPosition(ctx, node, start);
  if (leading !== undefined) {
    const first = ctx.text[operandStart]!;
    // `await {...}.x;` or `() => await {...}`: a leading `{` would open a block, and a
    // leading `function`/`class` would start a declaration.
    if (first === "{" || (leading.statement !== undefined && leftmostIs(ctx, operand, STATEMENT_STARTERS))) {
      wrap(ctx, { start, end: operandStart }, operand);
      return;
    }
    // `f()\nawait (g)` relies on `await` to end the previous statement; `(g)` alone would
    // call f's result. Only statements written without a semicolon need the `;`.
    if (
      leading.statement !== undefined && ASI_HAZARDS.includes(first) && !previousStatementEnded(ctx, leading.statement)
    ) {
      ctx.edits.add({ start, end: operandStart, text: ";" });
      return;
    }
  }
  ctx.edits.add(ctx.deleteKeyword(start, keywordEnd));
}

/**
 * `(await x).y` becomes `x.y` rather than `(x).y` when that means the same: the operand
 * is a member or call expression, which binds as tightly as the parenthesis did. Returns
 * the operand when it did so (the caller visits the operand), `undefined` otherwise (the
 * caller visits the parenthesis as usual, and `(await -x).y` becomes `(-x).y`).
 *
 * @example
 * ```ts
 * unwrapParenthesizedAwait(ctx, paren); // "(await stream.receive()).length" becomes "stream.receive().length"
 * ```
 */
export function unwrapParenthesizedAwait(
  ctx: TransformContext,
  paren: ts.ParenthesizedExpression,
): ts.Expression | undefined {
  const inner = paren.expression;
  if (!ts.isAwaitExpression(inner) || !keepsMeaningWithoutParens(paren)) return undefined;
  const operand = inner.expression;
  // A leading `{`, `function` or `class` could end up starting a statement or arrow body.
  if (!bindsAsMember(operand) || leftmostIs(ctx, operand, STATEMENT_STARTERS)) return undefined;
  const open = ctx.start(paren);
  const awaitStart = ctx.start(inner);
  const operandStart = ctx.start(operand);
  // Comments inside the parenthesis would be lost or moved: leave such code as `(x).y`.
  if (!ctx.isBlank(open + 1, awaitStart) || !ctx.isBlank(awaitStart + AWAIT, operandStart)) return undefined;
  if (!ctx.isBlank(operand.end, paren.end - 1)) return undefined;
  reportTopLevel(ctx, awaitStart, "`await`");
  ctx.edits.add(
    { start: open, end: operandStart, text: "" },
    { start: operand.end, end: paren.end, text: "" },
  );
  return operand;
}

/**
 * Whether a member expression can take the place of `paren`. Everywhere except as a
 * callee, where the parenthesis matters (`(await o.m)()` calls the function without
 * `this` but `o.m()` would pass `o`, and `new (await f())()` is not `new f()()`), and
 * under `delete`, where `delete x` of a name is a syntax error in a module.
 */
function keepsMeaningWithoutParens(paren: ts.ParenthesizedExpression): boolean {
  const parent = paren.parent;
  switch (parent.kind) {
    case ts.SyntaxKind.CallExpression:
    case ts.SyntaxKind.NewExpression:
      return (parent as ts.CallExpression | ts.NewExpression).expression !== paren;
    case ts.SyntaxKind.TaggedTemplateExpression:
      return (parent as ts.TaggedTemplateExpression).tag !== paren;
    case ts.SyntaxKind.DeleteExpression:
      return false;
    default:
      return true;
  }
}

/** Whether `node` is the whole of a parenthesized callee: `(node)()` or `(node)\`...\``. */
function isParenthesizedCallee(node: ts.Node): boolean {
  const paren = node.parent;
  if (!ts.isParenthesizedExpression(paren)) return false;
  const call = paren.parent;
  return ts.isCallExpression(call)
    ? call.expression === paren
    : ts.isTaggedTemplateExpression(call) && call.tag === paren;
}

/** Whether `node` can stand without a parenthesis as the object of `.y` or `[i]`, meaning the same. */
function bindsAsMember(node: ts.Expression): boolean {
  switch (node.kind) {
    case ts.SyntaxKind.Identifier:
    case ts.SyntaxKind.ThisKeyword:
    case ts.SyntaxKind.ArrayLiteralExpression:
    case ts.SyntaxKind.TemplateExpression:
    case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
    case ts.SyntaxKind.TaggedTemplateExpression:
    case ts.SyntaxKind.MetaProperty:
    case ts.SyntaxKind.ParenthesizedExpression:
      return true;
    case ts.SyntaxKind.CallExpression:
    case ts.SyntaxKind.PropertyAccessExpression:
    case ts.SyntaxKind.ElementAccessExpression:
    case ts.SyntaxKind.NonNullExpression:
      // `(await a?.b).c` throws when a is nullish; `a?.b.c` would not.
      return (node.flags & ts.NodeFlags.OptionalChain) === 0;
    case ts.SyntaxKind.NewExpression:
      // `(await new X).y` must not become `new X.y`, which is `new (X.y)`.
      return (node as ts.NewExpression).arguments !== undefined;
    default:
      return false;
  }
}

/** Replaces `[range.start, range.end)` with `(` and closes the parenthesis after `operand`. */
function wrap(ctx: TransformContext, range: { start: number; end: number }, operand: ts.Expression): void {
  ctx.edits.add(
    { start: range.start, end: range.end, text: "(" },
    { start: operand.end, end: operand.end, text: ")" },
  );
}

function hasLineBreak(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    if (ts.isLineBreak(text.charCodeAt(i))) return true;
  }
  return false;
}

/**
 * Whether `node` (starting at `start`) is the first thing of an expression statement or
 * of a concise arrow body, and if so, of which statement.
 */
function leadingPosition(
  ctx: TransformContext,
  node: ts.Node,
  start: number,
): { statement: ts.ExpressionStatement | undefined } | undefined {
  let current = node;
  for (;;) {
    const parent = current.parent;
    if (ts.isExpressionStatement(parent)) return { statement: parent };
    if (ts.isArrowFunction(parent) && parent.body === current) return { statement: undefined };
    if (ts.isSourceFile(parent) || ctx.start(parent) !== start) return undefined;
    current = parent;
  }
}

/** Whether `node` or one of the nodes that start where it starts (its leftmost descendants) has one of `kinds`. */
function leftmostIs(ctx: TransformContext, node: ts.Node, kinds: ReadonlySet<ts.SyntaxKind>): boolean {
  const start = ctx.start(node);
  let current: ts.Node | undefined = node;
  while (current !== undefined) {
    if (kinds.has(current.kind)) return true;
    const first: ts.Node | undefined = ts.forEachChild(current, (child) => child);
    current = first !== undefined && ctx.start(first) === start ? first : undefined;
  }
  return false;
}

/** Whether the statement before `statement` ends so that a following `(` cannot continue it. */
function previousStatementEnded(ctx: TransformContext, statement: ts.Statement): boolean {
  const parent = statement.parent;
  const list = "statements" in parent ? (parent.statements as ts.NodeArray<ts.Statement>) : undefined;
  const index = list?.indexOf(statement) ?? -1;
  return index <= 0 || endsItself(ctx, list![index - 1]!);
}

function endsItself(ctx: TransformContext, statement: ts.Statement): boolean {
  if (ctx.text[statement.end - 1] === ";") return true;
  switch (statement.kind) {
    case ts.SyntaxKind.Block:
    case ts.SyntaxKind.FunctionDeclaration:
    case ts.SyntaxKind.ClassDeclaration:
    case ts.SyntaxKind.InterfaceDeclaration:
    case ts.SyntaxKind.EnumDeclaration:
    case ts.SyntaxKind.ModuleDeclaration:
    case ts.SyntaxKind.TryStatement:
    case ts.SyntaxKind.SwitchStatement:
    case ts.SyntaxKind.DoStatement: // a `do ... while (x)` always ends at its `)`
      return true;
    case ts.SyntaxKind.IfStatement: {
      const s = statement as ts.IfStatement;
      return endsItself(ctx, s.elseStatement ?? s.thenStatement);
    }
    case ts.SyntaxKind.ForStatement:
    case ts.SyntaxKind.ForInStatement:
    case ts.SyntaxKind.ForOfStatement:
    case ts.SyntaxKind.WhileStatement:
    case ts.SyntaxKind.WithStatement:
    case ts.SyntaxKind.LabeledStatement:
      return endsItself(ctx, (statement as ts.IterationStatement | ts.LabeledStatement).statement);
    default:
      return false;
  }
}
