/**
 * The checks for code that has no faithful sync twin: promises used as values
 * (`Promise.all`, `new Promise`, `Promise.resolve`, `instanceof Promise`, thenable
 * classes), `.then` chains, async callbacks handed to functions that do not wait for
 * them, and awaited dynamic imports. They report; they never edit (the rest of the file is still transformed, so the
 * output shows what the twin would look like, but a caller must not write a file that
 * has diagnostics).
 *
 * Without type information these checks go by syntax, so they can only see what the code
 * spells out: a promise stored in a variable and later passed around is not caught, and
 * neither is a `.catch()` called directly on an async function's result. What they do
 * catch, they catch without false alarms on well-formed async code.
 *
 * @module
 */
import ts from "typescript";
import type { TransformContext } from "./transform-context.ts";

/** `Promise.<member>` that run promises concurrently, and what to write instead. */
const COMBINATORS: Readonly<Record<string, string>> = {
  all:
    "Promise.all() runs promises concurrently, which a sync twin cannot do; await the operations one after another (a for...of loop), or keep the concurrency out of twinned code",
  allSettled:
    "Promise.allSettled() runs promises concurrently, which a sync twin cannot do; await the operations one after another with try/catch around each, or keep the concurrency out of twinned code",
  race:
    "Promise.race() needs several operations in flight at once, which a sync twin cannot have; use a timeout or cancel scope, or keep this code out of twinned code",
  any:
    "Promise.any() needs several operations in flight at once, which a sync twin cannot have; try the operations one after another, or keep this code out of twinned code",
};

/** Other static members of Promise, and what to write instead. */
const STATICS: Readonly<Record<string, string>> = {
  resolve: "Promise.resolve(x) has no sync meaning; use x itself (an async function can just return x)",
  reject: "Promise.reject(e) has no sync meaning; throw e instead",
  withResolvers:
    "Promise.withResolvers() makes a promise that other code settles, which a sync twin cannot wait for; keep this code out of twinned code (for example in a backend)",
  try: "Promise.try(f) has no sync meaning; call f() directly (inside try/catch if needed)",
};

/**
 * Callees that never wait for the promise a callback returns, so that in async code an
 * async callback runs detached (concurrently with the caller, its errors unhandled) while
 * its sync twin would run to completion inside the call. That changes behaviour, so it is
 * reported. Callees that do wait (a task group's `startSoon`, `scope.run`, an async
 * iterator's helpers) twin faithfully and are not listed; `array.map(async ...)` makes
 * promises that only `Promise.all` or a loop can wait for, and `Promise.all` is reported.
 */
const DETACHING: ReadonlySet<string> = new Set([
  "forEach",
  "setTimeout",
  "setInterval",
  "setImmediate",
  "queueMicrotask",
  "addEventListener",
]);

/**
 * Reports a reference to `Promise` or `PromiseLike` that no type rule removes: a member
 * access, `new Promise`, a thenable class (`extends Promise`, `implements PromiseLike`),
 * a `Promise` type without exactly one type argument, or any other use as a value.
 *
 * @example
 * ```ts
 * checkPromiseReference(ctx, identifier); // reports "Promise.all(...)" as promise-combinator
 * ```
 */
export function checkPromiseReference(ctx: TransformContext, id: ts.Identifier): void {
  const parent = id.parent;
  const name = id.text;
  if (ts.isPropertyAccessExpression(parent)) {
    if (parent.name === id) return; // `x.Promise` is some other object's property
    const member = parent.name.text;
    const combinator = Object.hasOwn(COMBINATORS, member) ? COMBINATORS[member] : undefined;
    if (combinator !== undefined) return ctx.report(ctx.start(id), "promise-combinator", combinator);
    const message = Object.hasOwn(STATICS, member)
      ? STATICS[member]!
      : `${name}.${member} has no sync equivalent; rewrite this code without it`;
    return ctx.report(ctx.start(id), "promise-static", message);
  }
  if (ts.isNewExpression(parent) && parent.expression === id) {
    return ctx.report(
      ctx.start(parent),
      "new-promise",
      "new Promise(...) turns a callback API into a promise, which a sync twin cannot wait for; keep the bridge out of twinned code (for example in a backend) and await the function that wraps it",
    );
  }
  if (isDeclaredOrMemberName(id)) return;
  if (ts.isExpressionWithTypeArguments(parent) && ts.isHeritageClause(parent.parent)) {
    const verb = parent.parent.token === ts.SyntaxKind.ImplementsKeyword ? "implements" : "extends";
    return ctx.report(
      ctx.start(id),
      "promise-value",
      `a type that ${verb} ${name} is a thenable, which has no sync twin; give it a method that returns the value instead`,
    );
  }
  if (ts.isTypeReferenceNode(parent)) {
    return ctx.report(
      ctx.start(id),
      "promise-value",
      `${name} needs exactly one type argument to become its sync type; write ${name}<T>`,
    );
  }
  ctx.report(
    ctx.start(id),
    "promise-value",
    `${name} used as a value has no sync equivalent; rewrite this code without it`,
  );
}

/** Whether `id` names a declaration or a member (`{ Promise: 1 }`, `import { Promise }`), not a use of the global. */
function isDeclaredOrMemberName(id: ts.Identifier): boolean {
  const parent = id.parent;
  if (ts.isShorthandPropertyAssignment(parent)) return false; // `{ Promise }` uses the value
  if (ts.isQualifiedName(parent)) return parent.right === id;
  if (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent)) return true;
  return (parent as { name?: ts.Node }).name === id;
}

/**
 * Reports `.then(...)` (and with it the `.catch`/`.finally` chained on it) and async
 * callbacks passed to a {@link DETACHING} callee.
 *
 * @example
 * ```ts
 * checkCall(ctx, call); // reports "read().then(parse)" as then-chain
 * ```
 */
export function checkCall(ctx: TransformContext, call: ts.CallExpression): void {
  const callee = call.expression;
  const calleeName = ts.isIdentifier(callee)
    ? callee.text
    : ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.name)
    ? callee.name.text
    : undefined;
  if (calleeName === undefined) return;
  if (calleeName === "then" && ts.isPropertyAccessExpression(callee)) {
    // One report per chain, at its `.then`: a `.catch()` or `.finally()` further along
    // is part of the same chain and is rewritten with it.
    ctx.report(
      ctx.start(callee.name),
      "then-chain",
      ".then() chains have no sync equivalent; write the chain with await (and try/catch/finally for .catch()/.finally())",
    );
    return;
  }
  if (!DETACHING.has(calleeName)) return;
  for (const arg of call.arguments) {
    if (!ts.isArrowFunction(arg) && !ts.isFunctionExpression(arg)) continue;
    const asyncKeyword = arg.modifiers?.find((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
    if (asyncKeyword === undefined) continue;
    ctx.report(
      ctx.start(asyncKeyword),
      "async-callback",
      `${calleeName}() does not wait for the promise an async callback returns: here the callback runs detached, but in the sync twin it would run to completion inside the call; use a for...of loop with await, or start it in a task group`,
    );
  }
}

/**
 * Reports `await import("./x.ts")`: a dynamic import is asynchronous in every runtime,
 * so without the `await` the twin would hold a promise where the async code held the
 * module. (An `import()` that is not awaited is a promise in both and is left alone,
 * apart from its specifier.)
 *
 * @example
 * ```ts
 * checkAwaitedOperand(ctx, awaitExpression); // reports "await import(\"./x.ts\")" as dynamic-import
 * ```
 */
export function checkAwaitedOperand(ctx: TransformContext, node: ts.AwaitExpression): void {
  let operand: ts.Expression = node.expression;
  while (ts.isParenthesizedExpression(operand)) operand = operand.expression;
  if (!ts.isCallExpression(operand) || operand.expression.kind !== ts.SyntaxKind.ImportKeyword) return;
  ctx.report(
    ctx.start(operand),
    "dynamic-import",
    "an awaited import() has no sync equivalent (the twin would get a promise, not the module); use a static import",
  );
}
