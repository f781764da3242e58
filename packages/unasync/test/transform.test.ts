/**
 * The transform, case by case: every folder under fixtures/ is one test. A folder holds
 * `input.ts` (the async source), `expected.ts` (the sync twin, byte for byte, header
 * included) and/or `errors.txt` (the formatted diagnostics, one a line, in order), and
 * optionally `options.json` (TransformOptions fields; `fileName` defaults to "input.ts").
 * A case without `errors.txt` must have no diagnostics.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, test } from "../../../test/harness/registry.ts";
import { DEFAULT_REPLACEMENTS, formatDiagnostic, transform, type TransformOptions } from "../src/transform.ts";

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));

interface Fixture {
  name: string;
  input: string;
  expected: string | undefined;
  errors: string[] | undefined;
  options: TransformOptions;
}

function readOptional(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
}

function loadFixture(name: string): Fixture {
  const dir = join(fixtures, name);
  const options = JSON.parse(readOptional(join(dir, "options.json")) ?? "{}") as Partial<TransformOptions>;
  const errors = readOptional(join(dir, "errors.txt"));
  return {
    name,
    input: readFileSync(join(dir, "input.ts"), "utf8"),
    expected: readOptional(join(dir, "expected.ts")),
    errors: errors?.split("\n").filter((line) => line !== ""),
    options: { fileName: "input.ts", ...options },
  };
}

const cases = readdirSync(fixtures, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => loadFixture(entry.name))
  .sort((a, b) => a.name.localeCompare(b.name));

describe("unasync", () => {
  describe("transform fixtures", () => {
    test("there is a fixture for every rule and error (at least 60)", () => {
      assert.ok(cases.length >= 60, `${cases.length} fixtures`);
      assert.ok(cases.every((c) => c.expected !== undefined || c.errors !== undefined));
      const codes = new Set(cases.flatMap((c) => c.errors ?? []).map((line) => /\(([a-z-]+)\)$/.exec(line)?.[1]));
      for (
        const code of [
          "promise-combinator",
          "promise-static",
          "new-promise",
          "then-chain",
          "promise-value",
          "top-level-await",
          "async-callback",
          "dynamic-import",
          "bad-marker",
          "syntax-error",
        ]
      ) {
        assert.ok(codes.has(code), `no fixture reports ${code}`);
      }
    });

    for (const fixture of cases) {
      test(fixture.name, () => {
        const result = transform(fixture.input, fixture.options);
        assert.deepEqual(result.diagnostics.map(formatDiagnostic), fixture.errors ?? []);
        if (fixture.expected !== undefined) assert.equal(result.code, fixture.expected);
      });
    }
  });

  describe("transform", () => {
    test("sync code is a fixed point: transforming a twin again changes nothing", () => {
      // Not for cases that rewrite imports (the paths are relative to a folder pair) or
      // that report errors (their output is a best effort).
      const twins = cases.filter((c) =>
        c.expected !== undefined && c.errors === undefined && c.options.outFileName === undefined
      );
      assert.ok(twins.length >= 40, `${twins.length} cases`);
      for (const c of twins) {
        const once = transform(c.input, { ...c.options, header: false }).code;
        const twice = transform(once, { ...c.options, header: false });
        assert.equal(twice.code, once, c.name);
        assert.deepEqual(twice.diagnostics, [], c.name);
      }
    });

    test("a diagnostic has file, 1-based line and column, code and message", () => {
      const { diagnostics } = transform("async function f() {\n  return new Promise((r) => r(1));\n}\n", {
        fileName: "src/_async/f.ts",
      });
      assert.deepEqual(diagnostics.map(({ file, line, column, code }) => ({ file, line, column, code })), [
        { file: "src/_async/f.ts", line: 2, column: 10, code: "new-promise" },
      ]);
      assert.match(diagnostics[0]!.message, /keep the bridge out of twinned code/);
    });

    test("formatDiagnostic gives file:line:column: message (code)", () => {
      const line = formatDiagnostic({ file: "a.ts", line: 3, column: 7, code: "then-chain", message: "use await" });
      assert.equal(line, "a.ts:3:7: use await (then-chain)");
    });

    test("DEFAULT_REPLACEMENTS is frozen and holds the built-in table", () => {
      assert.ok(Object.isFrozen(DEFAULT_REPLACEMENTS));
      assert.equal(DEFAULT_REPLACEMENTS.aclose, "close");
      assert.equal(DEFAULT_REPLACEMENTS.asyncIterator, "iterator");
      assert.equal(DEFAULT_REPLACEMENTS.asyncDispose, "dispose");
      assert.equal(DEFAULT_REPLACEMENTS.AsyncIterable, "Iterable");
      assert.equal(DEFAULT_REPLACEMENTS.AsyncGenerator, "Generator");
      assert.equal(DEFAULT_REPLACEMENTS.AsyncLocalStorage, "AsyncLocalStorage");
    });

    test("the result does not depend on earlier calls (no state kept between transforms)", () => {
      const source = "export async function f(): Promise<AsyncFile> {\n  return await open();\n}\n";
      const first = transform(source, { fileName: "a.ts", replacements: { open: "openSync" } });
      const second = transform(source, { fileName: "a.ts" });
      assert.match(first.code, /openSync\(\)/);
      assert.match(second.code, / open\(\)/);
    });

    test("bad options raise a TypeError naming the option", () => {
      const bad: Array<[unknown, RegExp]> = [
        [undefined, /^options must be an object/],
        [{}, /^options\.fileName must be a non-empty string/],
        [{ fileName: "" }, /^options\.fileName must be a non-empty string/],
        [{ fileName: "a.ts", outFileName: 1 }, /^options\.outFileName/],
        [{ fileName: "a.ts", folders: {} }, /^options\.folders must be an array/],
        [{ fileName: "a.ts", folders: [{ from: "a" }] }, /^options\.folders\[0\]\.to/],
        [{ fileName: "a.ts", replacements: { aclose: 1 } }, /^options\.replacements\["aclose"\]/],
        [{ fileName: "a.ts", prefix: true }, /^options\.prefix must be an object or false/],
        [{ fileName: "a.ts", prefix: { from: "", to: "Sync" } }, /^options\.prefix\.from/],
        [
          { fileName: "a.ts", prefix: { from: "Async", to: "1" } },
          /^options\.prefix\.to must be empty or the start of an identifier/,
        ],
        [{ fileName: "a.ts", header: 3 }, /^options\.header/],
      ];
      for (const [options, message] of bad) {
        assert.throws(() => transform("", options as TransformOptions), (err: unknown) => {
          assert.ok(err instanceof TypeError, String(err));
          assert.match(err.message, message);
          return true;
        });
      }
      assert.throws(() => transform(undefined as unknown as string, { fileName: "a.ts" }), TypeError);
    });
  });
});
