/**
 * Name replacements: the built-in table, the user's table on top of it, and the
 * `Async<Upper>` prefix rule for names that no table mentions.
 *
 * @module
 */
import ts from "typescript";

/**
 * The built-in replacement table. Keys are whole names (identifiers, property and
 * method names, import/export names, string-literal types); a name maps to itself when
 * it starts with `Async` but is not an async twin of anything (so the prefix rule leaves
 * it alone). A user entry with the same key wins, so mapping a name to itself turns a
 * default off.
 *
 * @example
 * ```ts
 * DEFAULT_REPLACEMENTS.aclose; // "close"
 * DEFAULT_REPLACEMENTS.AsyncIterable; // "Iterable"
 * DEFAULT_REPLACEMENTS.AsyncLocalStorage; // "AsyncLocalStorage" (not renamed)
 * ```
 */
export const DEFAULT_REPLACEMENTS: Readonly<Record<string, string>> = Object.freeze({
  // Method and property names.
  aclose: "close",
  asyncIterator: "iterator", // Symbol.asyncIterator
  asyncDispose: "dispose", // Symbol.asyncDispose
  disposeAsync: "dispose", // AsyncDisposableStack.prototype.disposeAsync
  fromAsync: "from", // Array.fromAsync
  // Types of the standard library (the prefix rule would say SyncIterable, which does not exist).
  AsyncIterable: "Iterable",
  AsyncIterator: "Iterator",
  AsyncIterableIterator: "IterableIterator",
  AsyncIteratorObject: "IteratorObject",
  AsyncGenerator: "Generator",
  AsyncGeneratorFunction: "GeneratorFunction",
  AsyncDisposable: "Disposable",
  AsyncDisposableStack: "DisposableStack",
  // node:async_hooks: "async" here names the async context, which sync code has too.
  AsyncLocalStorage: "AsyncLocalStorage",
  AsyncResource: "AsyncResource",
});

/**
 * The prefix rule's two prefixes, or `false` for no prefix rule.
 *
 * @example
 * ```ts
 * const rule: PrefixRule = { from: "Async", to: "Sync" };
 * ```
 */
export type PrefixRule = { readonly from: string; readonly to: string } | false;

/**
 * Whether `text` is an identifier (or a property name written without quotes).
 *
 * @example
 * ```ts
 * isIdentifierName("syncBackend"); // true
 * isIdentifierName("structio/sync"); // false
 * ```
 */
export function isIdentifierName(text: string): boolean {
  let first = true;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const ok = first
      ? ts.isIdentifierStart(code, ts.ScriptTarget.Latest)
      : ts.isIdentifierPart(code, ts.ScriptTarget.Latest);
    if (!ok) return false;
    first = false;
  }
  return !first;
}

/**
 * The replacement tables of one transform, and the prefix rule.
 *
 * One user table serves names and module specifiers, so an entry is used where it can
 * make sense: as a name only if both sides are identifiers (`asyncBackend` to
 * `syncBackend`; not `structio` to `structio/sync`, which would turn a variable named
 * `structio` into broken code), and as a whole module specifier in either case. The
 * defaults are names only.
 *
 * @example
 * ```ts
 * const names = new NameTable({ asyncBackend: "syncBackend", structio: "structio/sync" }, { from: "Async", to: "Sync" });
 * names.rename("aclose"); // "close"
 * names.rename("AsyncFile"); // "SyncFile"
 * names.rename("Asyncify"); // undefined: the prefix is not followed by an upper-case letter
 * names.rename("structio"); // undefined
 * names.specifier("structio"); // "structio/sync"
 * ```
 */
export class NameTable {
  readonly #names: Map<string, string>;
  readonly #specifiers: Map<string, string>;
  readonly #prefix: PrefixRule;

  constructor(replacements: Readonly<Record<string, string>>, prefix: PrefixRule) {
    const user = Object.entries(replacements);
    this.#names = new Map([
      ...Object.entries(DEFAULT_REPLACEMENTS),
      ...user.filter(([from, to]) => isIdentifierName(from) && isIdentifierName(to)),
    ]);
    this.#specifiers = new Map(user);
    this.#prefix = prefix;
  }

  /** The replacement of a whole module specifier, if the user's table has one. */
  specifier(specifier: string): string | undefined {
    return this.#specifiers.get(specifier);
  }

  /** The new name, or `undefined` if the name stays as it is. */
  rename(name: string): string | undefined {
    const replaced = this.#names.get(name);
    if (replaced !== undefined) return replaced === name ? undefined : replaced;
    const prefix = this.#prefix;
    if (prefix === false || !name.startsWith(prefix.from)) return undefined;
    // Word-bounded: the prefix must be followed by an upper-case letter, so `AsyncFile`
    // becomes `SyncFile` but `Asyncify` and `Asynchronous` stay. Testing one character of
    // the name's own text is not a scan of source text.
    const next = name.charAt(prefix.from.length);
    if (next === "" || next.toUpperCase() !== next || next.toLowerCase() === next) return undefined;
    return prefix.to + name.slice(prefix.from.length);
  }
}
