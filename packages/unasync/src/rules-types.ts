/**
 * The type rule: `Promise<T>`, `PromiseLike<T>` and `Awaited<T>` become `T`. (The async
 * iteration and disposal types are plain renames, in the replacement table.)
 *
 * @module
 */
import ts from "typescript";
import type { TransformContext } from "./transform-context.ts";

const UNWRAPPED: ReadonlySet<string> = new Set(["Promise", "PromiseLike", "Awaited"]);

/**
 * The `T` of `Promise<T>`, `PromiseLike<T>` or `Awaited<T>`, or `undefined` for any
 * other type reference (including a `Promise` with no or two type arguments, which the
 * checks in rules-promise.ts report).
 *
 * @example
 * ```ts
 * unwrappedArgument(promiseOfNumber); // the `number` node
 * ```
 */
export function unwrappedArgument(node: ts.TypeReferenceNode): ts.TypeNode | undefined {
  const name = node.typeName;
  if (!ts.isIdentifier(name) || !UNWRAPPED.has(name.text)) return undefined;
  const args = node.typeArguments;
  return args !== undefined && args.length === 1 ? args[0] : undefined;
}

/**
 * Deletes `Promise<` and `>` around the type argument, parenthesizing the argument when
 * its new place binds tighter (`Promise<A | B>[]` becomes `(A | B)[]`, not `A | B[]`).
 * Returns the argument, which the caller then visits (its own rules still apply:
 * `Promise<AsyncIterable<T>>` becomes `Iterable<T>`), or `undefined` if `node` is not
 * unwrapped.
 *
 * @example
 * ```ts
 * unwrapPromiseType(ctx, node); // "Map<K, Promise<V>>" becomes "Map<K, V>"
 * ```
 */
export function unwrapPromiseType(ctx: TransformContext, node: ts.TypeReferenceNode): ts.TypeNode | undefined {
  const arg = unwrappedArgument(node);
  if (arg === undefined) return undefined;
  const args = node.typeArguments!;
  const argStart = ctx.start(arg);
  const close = node.end - 1; // the `>`
  // White space between the brackets and the argument goes; a comment there stays.
  const openEnd = ctx.isBlank(args.pos, argStart) ? argStart : args.pos;
  const closeStart = args.hasTrailingComma || ctx.isBlank(arg.end, close) ? arg.end : close;
  const parens = precedence(innermost(arg)) < required(node);
  ctx.edits.add(
    { start: ctx.start(node), end: openEnd, text: parens ? "(" : "" },
    { start: closeStart, end: node.end, text: parens ? ")" : "" },
  );
  return arg;
}

/** What an unwrapped type finally becomes: `Promise<Promise<A | B>>` is `A | B`. */
function innermost(type: ts.TypeNode): ts.TypeNode {
  let current = type;
  for (;;) {
    const inner = ts.isTypeReferenceNode(current) ? unwrappedArgument(current) : undefined;
    if (inner === undefined) return current;
    current = inner;
  }
}

/**
 * How tightly a type binds: 0 function, constructor and conditional types; 1 unions;
 * 2 intersections; 3 type operators (`keyof`, `readonly`, `infer`); 4 everything else
 * (references, arrays, literals, parenthesized types...).
 */
function precedence(type: ts.TypeNode): number {
  switch (type.kind) {
    case ts.SyntaxKind.FunctionType:
    case ts.SyntaxKind.ConstructorType:
    case ts.SyntaxKind.ConditionalType:
      return 0;
    case ts.SyntaxKind.UnionType:
      return 1;
    case ts.SyntaxKind.IntersectionType:
      return 2;
    case ts.SyntaxKind.TypeOperator:
    case ts.SyntaxKind.InferType:
      return 3;
    default:
      return 4;
  }
}

/** The least {@link precedence} a type needs to stand where `node` stands without a parenthesis. */
function required(node: ts.TypeNode): number {
  const parent = node.parent;
  switch (parent.kind) {
    case ts.SyntaxKind.ArrayType:
    case ts.SyntaxKind.OptionalType:
    case ts.SyntaxKind.RestType:
      return 4;
    case ts.SyntaxKind.IndexedAccessType:
      return (parent as ts.IndexedAccessTypeNode).objectType === node ? 4 : 0;
    case ts.SyntaxKind.TypeOperator:
      return 3;
    case ts.SyntaxKind.IntersectionType:
      return 2;
    case ts.SyntaxKind.UnionType:
      return 1;
    case ts.SyntaxKind.ConditionalType: {
      const conditional = parent as ts.ConditionalTypeNode;
      return conditional.checkType === node || conditional.extendsType === node ? 1 : 0;
    }
    default:
      // Type arguments (including an enclosing Promise<...> being unwrapped, which adds
      // the parenthesis itself), annotations, return types, members: anything goes.
      return 0;
  }
}
