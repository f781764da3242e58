/**
 * The unasync suite: how fast @structio/unasync's `transform` writes the sync twin of a
 * 20,000-line async module (the issue's target: under one second on Node 24). The
 * `structio` implementation is the transform (structio's own build tool); the baseline
 * is TypeScript 6's `ts.createSourceFile` alone on the same text, the raw parse every
 * transform starts with, so the ratio is the tool's cost over parsing.
 *
 * The input is made in memory from a realistic async module, the round-trip library of
 * the unasync tests (packages/unasync/test/roundtrip/_async/: a bounded queue, a line
 * reader, a retry helper, a connection used with `await using`), repeated with its
 * declared names numbered so that every copy declares its own, until it has 20,000
 * lines. Each batch checks that every transform reported nothing untranslatable and
 * that every parse saw every statement.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { type BenchCase, expectCount, type ThroughputCase } from "./harness.ts";

// Loaded by the setup, not at import: every bench worker imports every suite, and the
// compiler (megabytes of JavaScript) has no business in the other suites' processes.
// It is the package's own TypeScript 6: the repository's root `typescript` is
// TypeScript 7, which has no JavaScript compiler API.
type TypeScript = typeof import("../packages/unasync/node_modules/typescript/lib/typescript.js");
type Transform = typeof import("../packages/unasync/src/transform.ts").transform;
let ts: TypeScript;
let transform: Transform;

const SUITE = "unasync";
const LINES = 20_000;
const FILE_NAME = "/bench/_async/module.ts";

/** The library's modules (not its index and checks), and the names each declares. */
const MODULES = ["queue.ts", "lines.ts", "retry.ts", "connection.ts"];
const DECLARED = [
  "QueueClosed",
  "AsyncQueue",
  "readLines",
  "takeLines",
  "readAllLines",
  "RetryOptions",
  "retry",
  "AsyncConnection",
  "exchange",
];
/** What the modules import, once at the top of the input. */
const IMPORTS = `import { AsyncWaiters } from "../waiting.ts";
import { type AsyncClock, asyncClock } from "../clock.ts";
`;

let input: string | undefined;
let statements = 0;

/**
 * How the transform parses (packages/unasync/src/transform.ts), so that the baseline
 * does the same parse and no more: JSDoc is not parsed, as no rule looks inside it.
 */
const PARSE = (): import("../packages/unasync/node_modules/typescript/lib/typescript.js").CreateSourceFileOptions => ({
  languageVersion: ts.ScriptTarget.Latest,
  jsDocParsingMode: ts.JSDocParsingMode.ParseNone,
});

/** Loads the compiler and the transform and builds the input, once per process (see ThroughputCase.setup). */
async function setup(): Promise<void> {
  if (input !== undefined) return;
  ts = (await import("../packages/unasync/node_modules/typescript/lib/typescript.js")).default;
  ({ transform } = await import("../packages/unasync/src/transform.ts"));
  const folder = new URL("../packages/unasync/test/roundtrip/_async/", import.meta.url);
  // The modules without their import lines (one line each in the library).
  const body = MODULES.map((name) => readFileSync(new URL(name, folder), "utf8"))
    .join("\n")
    .split("\n")
    .filter((line) => !line.startsWith("import "))
    .join("\n");
  const declared = new RegExp(`\\b(${DECLARED.join("|")})\\b`, "g");
  const copies = [IMPORTS];
  let lines = IMPORTS.split("\n").length;
  for (let i = 1; lines < LINES; i++) {
    copies.push(`\n// ---- copy ${i}\n${body.replace(declared, `$1${i}`)}`);
    lines += body.split("\n").length + 2;
  }
  input = copies.join("");
  statements = ts.createSourceFile(FILE_NAME, input, PARSE(), true, ts.ScriptKind.TS).statements.length;
}

const transformCase: ThroughputCase = {
  kind: "throughput",
  suite: SUITE,
  name: "unasync-transform-20k-lines",
  count: 10,
  unit: "20,000-line async module transformed (baseline: parsed)",
  setup,
  impls: {
    baseline(n) {
      for (let i = 0; i < n; i++) {
        const source = ts.createSourceFile(FILE_NAME, input!, PARSE(), true, ts.ScriptKind.TS);
        expectCount("statements parsed", source.statements.length, statements);
      }
      return Promise.resolve();
    },
    structio(n) {
      for (let i = 0; i < n; i++) {
        const result = transform(input!, { fileName: FILE_NAME });
        expectCount("diagnostics", result.diagnostics.length, 0);
        if (result.code.length < input!.length / 2) throw new Error("the transform lost most of the module");
      }
      return Promise.resolve();
    },
  },
};

export const unasyncCases: readonly BenchCase[] = [transformCase];
