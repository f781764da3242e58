/**
 * The round trip: a small async library (roundtrip/_async/) and its behavioural checks,
 * twinned by the tool into roundtrip/_sync/. The committed twin must be exactly what the
 * tool generates now, must compile under strict type checking (the TypeScript 6
 * compiler API, in-process), and must pass the same checks as the async original.
 *
 * To regenerate the twin after changing the library or the tool:
 *   node packages/unasync/src/bin.ts --config packages/unasync/test/roundtrip/unasync.config.json
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, test } from "../../../test/harness/registry.ts";
import { loadConfig } from "../src/config.ts";
import { unasync } from "../src/run.ts";
import { checks as asyncChecks } from "./roundtrip/_async/behaviour.ts";
import { checks as syncChecks } from "./roundtrip/_sync/behaviour.ts";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const roundtrip = here("roundtrip/");

/** The compiler options of the strict check: the repository's own, with nothing emitted. */
const STRICT = {
  strict: true,
  noEmit: true,
  target: "es2024",
  lib: ["es2024", "esnext.disposable"],
  module: "nodenext",
  moduleResolution: "nodenext",
  allowImportingTsExtensions: true,
  verbatimModuleSyntax: true,
  erasableSyntaxOnly: true,
  noImplicitOverride: true,
  // The library uses TextDecoder and timers and its checks node:assert: Node's types.
  types: ["node"],
  typeRoots: [here("../../../node_modules/@types")],
  skipLibCheck: true,
};

describe("unasync", () => {
  describe("round trip", () => {
    test("the committed _sync/ twin is exactly what the tool generates", () => {
      const report = unasync(loadConfig(join(roundtrip, "unasync.config.json")), { check: true });
      const sources = readdirSync(join(roundtrip, "_async")).filter((name) => name.endsWith(".ts")).sort();
      assert.deepEqual(report, {
        written: [],
        unchanged: sources.map((name) => join(roundtrip, "_sync", name)),
        stale: [],
        missing: [],
        orphans: [],
        diagnostics: [],
      });
    });

    test("the _sync/ twin compiles under strict type checking", () => {
      const { options, errors } = ts.convertCompilerOptionsFromJson(STRICT, roundtrip);
      assert.deepEqual(errors, []);
      const folder = join(roundtrip, "_sync");
      const roots = readdirSync(folder).filter((name) => name.endsWith(".ts")).map((name) => join(folder, name));
      const program = ts.createProgram(roots, options);
      const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.formatDiagnostic(d, {
        getCanonicalFileName: (name) => name,
        getCurrentDirectory: () => roundtrip,
        getNewLine: () => "\n",
      }));
      assert.deepEqual(problems, []);
    });

    test("the async and sync checks are the same checks", () => {
      assert.ok(asyncChecks.length >= 10);
      assert.deepEqual(syncChecks.map((c) => c.name), asyncChecks.map((c) => c.name));
    });

    for (const check of asyncChecks) test(`async library: ${check.name}`, () => check.run());
    for (const check of syncChecks) test(`sync twin: ${check.name}`, () => check.run());
  });
});
