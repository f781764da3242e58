/**
 * The transform on random async programs (fast-check): programs built from a grammar of
 * the constructs that have a sync twin (await anywhere in an expression, for await,
 * await using, async functions, arrows, methods and generators, Promise types, nested
 * blocks). Whatever the mix, the twin must parse, hold no async construct any more, keep
 * every top-level statement, give every type the meaning it had without its Promise
 * wrappers (precedence kept), and be a fixed point of the transform. The fixtures pin the
 * exact output of each rule; this finds the combinations they do not list.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import ts from "typescript";
import { describe, test } from "../../../test/harness/registry.ts";
import { transform } from "../src/transform.ts";

/** Expressions, valid inside an async function. */
const expression: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom("x", "f()", "o.m(x)", "new C()", "1", '"s"', "items"),
    tie("expr").map((e) => `await ${e}`),
    tie("expr").map((e) => `(await ${e})`),
    tie("expr").map((e) => `(await ${e}).p`),
    fc.tuple(tie("expr"), tie("expr")).map(([a, b]) => `${a} + ${b}`),
    tie("expr").map((e) => `!${e}`),
    tie("expr").map((e) => `- ${e}`), // the space: `--x` would be a decrement
    tie("expr").map((e) => `typeof ${e}`),
    fc.tuple(tie("expr"), tie("expr"), tie("expr")).map(([a, b, c]) => `${a} ? ${b} : ${c}`),
    fc.tuple(tie("expr"), tie("expr")).map(([a, b]) => `[${a}, ${b}]`),
    tie("expr").map((e) => `({ a: ${e} })`),
    tie("expr").map((e) => `g(${e}, async () => ${e})`),
    tie("expr").map((e) => `o.aclose(${e})`),
  ),
})).expr;

/** Statements, valid inside an async function (`depth` bounds the nesting). */
function statement(depth: number): fc.Arbitrary<string> {
  const simple = fc.oneof(
    expression.map((e) => `const v = ${e};`),
    expression.map((e) => `${e};`),
    expression.map((e) => `return ${e};`),
    expression.map((e) => `await using r = ${e};`),
  );
  if (depth === 0) return simple;
  const block = fc.array(statement(depth - 1), { maxLength: 3 }).map((body) => `{\n${body.join("\n")}\n}`);
  return fc.oneof(
    simple,
    fc.tuple(expression, block, block).map(([e, a, b]) => `if (${e}) ${a} else ${b}`),
    fc.tuple(expression, block).map(([e, body]) => `for await (const item of ${e}) ${body}`),
    fc.tuple(expression, block).map(([e, body]) => `while (${e}) ${body}`),
    fc.tuple(block, block).map(([a, b]) => `try ${a} catch (e) ${b} finally {}`),
    block,
  );
}

/** Types, with Promise wrappers anywhere (unwrapping one must keep the type's meaning). */
const typeExpression: fc.Arbitrary<string> = fc.letrec<{ type: string }>((tie) => ({
  type: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom("number", "string", '"AsyncFile"', "AsyncIterable<number>", "AsyncQueue<string>"),
    tie("type").map((t) => `Promise<${t}>`),
    tie("type").map((t) => `PromiseLike<${t}>`),
    tie("type").map((t) => `Awaited<${t}>`),
    fc.tuple(tie("type"), tie("type")).map(([a, b]) => `${a} | ${b}`),
    fc.tuple(tie("type"), tie("type")).map(([a, b]) => `${a} & ${b}`),
    tie("type").map((t) => `${t}[]`),
    tie("type").map((t) => `keyof ${t}`),
    tie("type").map((t) => `(() => ${t})`),
    tie("type").map((t) => `(${t})`),
    fc.tuple(tie("type"), tie("type")).map(([a, b]) => `[${a}, ...${b}[]]`),
  ),
})).type;

/** Top-level declarations: async functions, generators, arrows and class members. */
const declaration = fc.tuple(
  fc.constantFrom(
    "export async function f(p: Promise<number>): Promise<AsyncIterable<string>> BODY",
    "export async function* gen(items: AsyncIterable<number>): AsyncGenerator<number> BODY",
    "export const arrow = async (x: PromiseLike<number>): Promise<void> => BODY;",
    "export class AsyncThing implements AsyncDisposable {\n  async aclose(): Promise<void> BODY\n" +
      "  async [Symbol.asyncDispose](): Promise<void> BODY\n  async *[Symbol.asyncIterator]() BODY\n}",
  ),
  fc.array(statement(2), { maxLength: 4 }),
).map(([template, body]) => template.replaceAll("BODY", `{\n${body.join("\n")}\n}`));

const typeAlias = typeExpression.map((t) => `export type T = ${t};`);

const program = fc.array(fc.oneof(declaration, typeAlias), { minLength: 1, maxLength: 3 }).map((decls) =>
  decls.join("\n\n") + "\n"
);

function parse(text: string): ts.SourceFile {
  return ts.createSourceFile("twin.ts", text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

/** The async constructs left in `sf`, as readable descriptions (empty for a true twin). */
function asyncLeftovers(sf: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isAwaitExpression(node)) found.push(`await at ${node.pos}`);
    if (node.kind === ts.SyntaxKind.AsyncKeyword) found.push(`async at ${node.pos}`);
    if (ts.isForOfStatement(node) && node.awaitModifier !== undefined) found.push(`for await at ${node.pos}`);
    if (ts.isVariableDeclarationList(node) && (node.flags & ts.NodeFlags.AwaitUsing) === ts.NodeFlags.AwaitUsing) {
      found.push(`await using at ${node.pos}`);
    }
    if (
      ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName) &&
      /^(Promise|PromiseLike|Async\w+)$/.test(node.typeName.text)
    ) {
      found.push(`${node.typeName.text} type at ${node.pos}`);
    }
    if (ts.isPropertyAccessExpression(node) && /^(asyncIterator|asyncDispose|aclose)$/.test(node.name.text)) {
      found.push(`.${node.name.text} at ${node.pos}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** The sync names of the async names the type grammar uses. */
const SYNC_NAMES: Record<string, string> = {
  AsyncIterable: "Iterable",
  AsyncQueue: "SyncQueue",
  AsyncFile: "SyncFile",
};
const UNWRAPPED = new Set(["Promise", "PromiseLike", "Awaited"]);

/**
 * A type's meaning as a string: parentheses dropped, nested unions and intersections
 * flattened, and (for the async source) Promise wrappers unwrapped and async names made
 * sync. Equal shapes for an async type and its twin mean the twin kept its precedence.
 */
function shape(node: ts.TypeNode): string {
  const flat = (kind: ts.SyntaxKind, types: readonly ts.TypeNode[]): string[] =>
    types.flatMap((t) => {
      const inner = unwrap(t);
      return inner.kind === kind ? flat(kind, (inner as ts.UnionTypeNode).types) : [shape(inner)];
    });
  node = unwrap(node);
  if (ts.isUnionTypeNode(node)) return `U(${flat(node.kind, node.types).join(",")})`;
  if (ts.isIntersectionTypeNode(node)) return `I(${flat(node.kind, node.types).join(",")})`;
  if (ts.isArrayTypeNode(node)) return `A(${shape(node.elementType)})`;
  if (ts.isTypeOperatorNode(node)) return `K(${shape(node.type)})`;
  if (ts.isFunctionTypeNode(node)) return `F(${shape(node.type)})`;
  if (ts.isTupleTypeNode(node)) return `T(${node.elements.map((e) => shape(e)).join(",")})`;
  if (ts.isRestTypeNode(node)) return `R(${shape(node.type)})`;
  if (ts.isTypeReferenceNode(node)) {
    const name = node.typeName.getText();
    const args = node.typeArguments?.map((a) => shape(a)).join(",") ?? "";
    return `${SYNC_NAMES[name] ?? name}<${args}>`;
  }
  if (ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal)) {
    return JSON.stringify(SYNC_NAMES[node.literal.text] ?? node.literal.text);
  }
  return node.getText();
}

/** `node` without parentheses and Promise wrappers. */
function unwrap(node: ts.TypeNode): ts.TypeNode {
  for (;;) {
    if (ts.isParenthesizedTypeNode(node)) node = node.type;
    else if (
      ts.isTypeReferenceNode(node) && UNWRAPPED.has(node.typeName.getText()) && node.typeArguments?.length === 1
    ) {
      node = node.typeArguments[0]!;
    } else return node;
  }
}

/** The shapes of the file's type aliases, in order. */
function aliasShapes(sf: ts.SourceFile): string[] {
  return sf.statements.filter(ts.isTypeAliasDeclaration).map((alias) => shape(alias.type));
}

function syntaxErrors(sf: ts.SourceFile): readonly ts.Diagnostic[] {
  return (sf as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? [];
}

describe("unasync", () => {
  describe("transform on random programs", () => {
    test("the twin parses, holds no async construct, keeps declarations and type precedence, and is a fixed point", () => {
      fc.assert(
        fc.property(program, (source) => {
          // The generator itself must only make valid async code.
          assert.deepEqual(syntaxErrors(parse(source)).map((d) => d.messageText), [], source);
          const { code, diagnostics } = transform(source, { fileName: "src/_async/random.ts", header: false });
          assert.deepEqual(diagnostics, [], source);
          const twin = parse(code);
          assert.deepEqual(syntaxErrors(twin).map((d) => d.messageText), [], `${source}\n=>\n${code}`);
          assert.deepEqual(asyncLeftovers(twin), [], `${source}\n=>\n${code}`);
          assert.equal(twin.statements.length, parse(source).statements.length);
          assert.deepEqual(aliasShapes(twin), aliasShapes(parse(source)), `${source}\n=>\n${code}`);
          assert.equal(transform(code, { fileName: "src/_sync/random.ts", header: false }).code, code);
        }),
        { numRuns: 200 },
      );
    });
  });
});
