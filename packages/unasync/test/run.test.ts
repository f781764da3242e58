/**
 * unasync() over folders: twins written where they belong, unchanged twins left alone,
 * check mode writing nothing and naming what is missing, stale or orphaned, and files
 * with untranslatable code reported and not written.
 */
import assert from "node:assert/strict";
import { existsSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "../../../test/harness/registry.ts";
import { type UnasyncConfig } from "../src/config.ts";
import { unasync } from "../src/run.ts";
import { transform } from "../src/transform.ts";
import { type TempDir, tempDir } from "./temp.ts";

const SOURCES: Readonly<Record<string, string>> = {
  "reader.ts": `import { AsyncSource } from "./nested/source.ts";
import { helper } from "../shared.ts";

/** Reads everything. */
export async function readAll(source: AsyncSource): Promise<string> {
  let text = "";
  for await (const chunk of source) text += helper(chunk);
  return text;
}
`,
  "nested/source.ts": `export class AsyncSource implements AsyncIterable<string> {
  async *[Symbol.asyncIterator](): AsyncGenerator<string> {
    yield "a";
  }
  async aclose(): Promise<void> {}
}
`,
};

/** A source whose line 4 cannot be translated. */
const UNTRANSLATABLE = `export async function both(a: () => Promise<number>, b: () => Promise<number>): Promise<number[]> {
  // Running the two at once has no sync equivalent.

  return await Promise.all([a(), b()]);
}
`;

/** A temp dir with the sources under `_async/`, a shared module beside it, and its config. */
function project(dir: TempDir, sources: Readonly<Record<string, string>> = SOURCES): UnasyncConfig {
  for (const [name, text] of Object.entries(sources)) dir.write(`_async/${name}`, text);
  dir.write("shared.ts", "export const helper = (s: string) => s;\n");
  return { folders: [{ from: dir.file("_async"), to: dir.file("_sync") }] };
}

/** What the transform makes of the source at `name` (the twin the run must write). */
function expectedTwin(dir: TempDir, name: string, config: UnasyncConfig): string {
  return transform(dir.read(`_async/${name}`), {
    fileName: dir.file(`_async/${name}`),
    outFileName: dir.file(`_sync/${name}`),
    folders: config.folders,
  }).code;
}

/** A modification time far in the past: a file rewritten by a run would lose it. */
const LONG_AGO = new Date("2001-02-03T04:05:06Z");

describe("unasync", () => {
  describe("run", () => {
    test("writes the twin of every .ts file, in the same relative place, creating folders", () => {
      using dir = tempDir();
      const config = project(dir);
      dir.write("_async/notes.md", "not TypeScript");
      const report = unasync(config);
      assert.deepEqual(report.written, [dir.file("_sync/nested/source.ts"), dir.file("_sync/reader.ts")]);
      assert.deepEqual(report, { ...report, unchanged: [], stale: [], missing: [], orphans: [], diagnostics: [] });
      for (const name of Object.keys(SOURCES)) assert.equal(dir.read(`_sync/${name}`), expectedTwin(dir, name, config));
      assert.equal(existsSync(dir.file("_sync/notes.md")), false);
    });

    test("twins whose content would not change are not rewritten", () => {
      using dir = tempDir();
      const config = project(dir);
      unasync(config);
      for (const name of Object.keys(SOURCES)) utimesSync(dir.file(`_sync/${name}`), LONG_AGO, LONG_AGO);
      const report = unasync(config);
      assert.deepEqual(report.written, []);
      assert.deepEqual(report.unchanged, [dir.file("_sync/nested/source.ts"), dir.file("_sync/reader.ts")]);
      for (const name of Object.keys(SOURCES)) {
        assert.equal(statSync(dir.file(`_sync/${name}`)).mtime.getTime(), LONG_AGO.getTime());
      }
    });

    test("a twin edited by hand or left behind by its source is rewritten", () => {
      using dir = tempDir();
      const config = project(dir);
      unasync(config);
      dir.write("_sync/reader.ts", "// edited by hand\n");
      dir.write("_async/nested/source.ts", `${SOURCES["nested/source.ts"]}export const more = 1;\n`);
      const report = unasync(config);
      assert.deepEqual(report.written, [dir.file("_sync/nested/source.ts"), dir.file("_sync/reader.ts")]);
      for (const name of Object.keys(SOURCES)) assert.equal(dir.read(`_sync/${name}`), expectedTwin(dir, name, config));
    });

    test("check mode writes nothing and names the missing, stale and orphaned twins", () => {
      using dir = tempDir();
      const config = project(dir);
      const first = unasync(config, { check: true });
      assert.deepEqual(first.missing, [dir.file("_sync/nested/source.ts"), dir.file("_sync/reader.ts")]);
      assert.deepEqual([first.written, first.stale, first.orphans, first.unchanged], [[], [], [], []]);
      assert.equal(existsSync(dir.file("_sync")), false);

      unasync(config);
      dir.write("_sync/reader.ts", "// edited by hand\n");
      dir.write("_sync/gone.ts", "// its source was deleted\n");
      dir.write("_sync/nested/README.md", "not TypeScript, not an orphan");
      const second = unasync(config, { check: true });
      assert.deepEqual(second, {
        written: [],
        unchanged: [dir.file("_sync/nested/source.ts")],
        stale: [dir.file("_sync/reader.ts")],
        missing: [],
        orphans: [dir.file("_sync/gone.ts")],
        diagnostics: [],
      });
      assert.equal(dir.read("_sync/reader.ts"), "// edited by hand\n");
    });

    test("orphans are reported by a writing run too, and left in place", () => {
      using dir = tempDir();
      const config = project(dir);
      dir.write("_sync/old/gone.ts", "// its source was deleted\n");
      const report = unasync(config);
      assert.deepEqual(report.orphans, [dir.file("_sync/old/gone.ts")]);
      assert.equal(existsSync(dir.file("_sync/old/gone.ts")), true);
    });

    test("a file with untranslatable code is reported with its position and not written", () => {
      using dir = tempDir();
      const config = project(dir, { ...SOURCES, "both.ts": UNTRANSLATABLE });
      dir.write("_sync/both.ts", "// an older twin stays as it was\n");
      for (const check of [false, true]) {
        const report = unasync(config, { check });
        assert.ok(report.diagnostics.length > 0);
        for (const d of report.diagnostics) {
          assert.equal(d.file, dir.file("_async/both.ts"));
          assert.equal(d.line, 4);
          assert.ok(d.column >= 1);
        }
        assert.ok(report.diagnostics.some((d) => d.code === "promise-combinator"));
        assert.equal(dir.read("_sync/both.ts"), "// an older twin stays as it was\n");
        // Neither stale nor an orphan: its source exists, and its twin could not be made.
        assert.deepEqual([report.stale, report.orphans], [[], []]);
      }
      assert.equal(dir.read("_sync/reader.ts"), expectedTwin(dir, "reader.ts", config));
    });

    test("the config's replacements, prefix and header reach the transform", () => {
      using dir = tempDir();
      const source = "export async function run(b: AsyncBox): Promise<void> {\n  await asyncBackend.go(b);\n}\n";
      const { folders } = project(dir, { "x.ts": source });
      const rules = { replacements: { asyncBackend: "syncBackend" }, prefix: { from: "Async", to: "Blocking" }, header: "made by a test" };
      unasync({ folders, ...rules });
      assert.equal(
        dir.read("_sync/x.ts"),
        transform(source, { fileName: dir.file("_async/x.ts"), outFileName: dir.file("_sync/x.ts"), folders, ...rules }).code,
      );
      assert.match(dir.read("_sync/x.ts"), /syncBackend/);
      assert.match(dir.read("_sync/x.ts"), /BlockingBox/);
      assert.match(dir.read("_sync/x.ts"), /made by a test/);
    });

    test("several folder pairs are each twinned", () => {
      using dir = tempDir();
      dir.write("a/_async/one.ts", "export async function one(): Promise<number> {\n  return 1;\n}\n");
      dir.write("b/_async/two.ts", "export async function two(): Promise<number> {\n  return 2;\n}\n");
      const report = unasync({
        folders: [
          { from: dir.file("a/_async"), to: dir.file("a/_sync") },
          { from: dir.file("b/_async"), to: dir.file("b/_sync") },
        ],
      });
      assert.deepEqual(report.written, [dir.file("a/_sync/one.ts"), dir.file("b/_sync/two.ts")]);
    });

    test("a source folder that does not exist is a RangeError naming it", () => {
      using dir = tempDir();
      const from = join(dir.path, "missing");
      assert.throws(
        () => unasync({ folders: [{ from, to: dir.file("out") }] }),
        (error: Error) => error instanceof RangeError && error.message.includes(`folders[0].from (${from}) is not a folder`),
      );
    });
  });
});
