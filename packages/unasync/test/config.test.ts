/**
 * The config file: paths relative to the file, every field validated with an error that
 * names the field and the file.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "../../../test/harness/registry.ts";
import { loadConfig } from "../src/config.ts";
import { unasync } from "../src/run.ts";
import { tempDir } from "./temp.ts";

/** What loadConfig throws for `text` as the config file's content. */
function loadError(text: string): Error {
  using dir = tempDir();
  const path = dir.write("unasync.config.json", text);
  try {
    loadConfig(path);
  } catch (error) {
    assert.ok(error instanceof Error);
    assert.ok(error.message.startsWith(`${path}: `), `the message names the file: ${error.message}`);
    return error;
  }
  assert.fail(`no error for ${text}`);
}

const pair = { from: "src/_async", to: "src/_sync" };

/** Configs with one bad field each: the field the message must name, and the error's type. */
const BAD: ReadonlyArray<[what: string, config: unknown, field: string, kind: typeof TypeError]> = [
  ["an array", [pair], "config must be an object", TypeError],
  ["null", null, "config must be an object", TypeError],
  ["a misspelt field", { folder: [pair] }, "folder is not a known field", RangeError],
  ["no folders", {}, "folders is required", TypeError],
  ["folders not an array", { folders: pair }, "folders must be an array", TypeError],
  ["no folder pairs", { folders: [] }, "folders must list at least one", RangeError],
  ["a pair that is a string", { folders: ["src"] }, "folders[0] must be an object", TypeError],
  ["a pair without from", { folders: [{ to: "b" }] }, "folders[0].from must be a non-empty string", TypeError],
  ["a pair with a numeric to", { folders: [{ from: "a", to: 1 }] }, "folders[0].to must be a non-empty string", TypeError],
  ["a pair with an empty to", { folders: [{ from: "a", to: "" }] }, "folders[0].to must be a non-empty string", TypeError],
  ["a pair with an extra field", { folders: [{ ...pair, into: "x" }] }, "folders[0].into is not a known field", RangeError],
  ["a pair twinned onto itself", { folders: [{ from: "a", to: "./a" }] }, "folders[0].to", RangeError],
  ["a twin folder inside its sources", { folders: [{ from: "a", to: "a/sync" }] }, "folders[0].to", RangeError],
  ["a source folder inside another twin folder", { folders: [pair, { from: "src/_sync/x", to: "y" }] }, "folders[1].from", RangeError],
  ["replacements as a list", { folders: [pair], replacements: ["a"] }, "replacements must be an object", TypeError],
  ["a replacement that is not a string", { folders: [pair], replacements: { a: 1 } }, `replacements["a"] must be a non-empty string`, TypeError],
  ["a replacement by nothing", { folders: [pair], replacements: { a: "" } }, `replacements["a"] must be a non-empty string`, TypeError],
  ["a replacement of nothing", { folders: [pair], replacements: { "": "b" } }, "replacements has an empty name", RangeError],
  ["prefix true", { folders: [pair], prefix: true }, "prefix must be an object", TypeError],
  ["prefix a string", { folders: [pair], prefix: "Async" }, "prefix must be an object", TypeError],
  ["prefix without from", { folders: [pair], prefix: { to: "Sync" } }, "prefix.from must be a non-empty string", TypeError],
  ["prefix with a numeric to", { folders: [pair], prefix: { from: "Async", to: 1 } }, "prefix.to must be a string", TypeError],
  ["prefix with an extra field", { folders: [pair], prefix: { from: "A", to: "S", x: 1 } }, "prefix.x is not a known field", RangeError],
  ["header a number", { folders: [pair], header: 3 }, "header must be a string or false", TypeError],
  ["header true", { folders: [pair], header: true }, "header must be a string or false", TypeError],
];

describe("unasync", () => {
  describe("config", () => {
    test("folder paths are resolved against the config file's folder", () => {
      using dir = tempDir();
      const path = dir.write("lib/unasync.config.json", JSON.stringify({ folders: [pair, { from: "x", to: "../y" }] }));
      assert.deepEqual(loadConfig(path), {
        folders: [
          { from: join(dir.path, "lib/src/_async"), to: join(dir.path, "lib/src/_sync") },
          { from: join(dir.path, "lib/x"), to: join(dir.path, "y") },
        ],
      });
    });

    test("replacements, prefix and header are read as given", () => {
      using dir = tempDir();
      const fields = { replacements: { asyncBackend: "syncBackend" }, prefix: { from: "A", to: "S" }, header: "generated" };
      const path = dir.write("unasync.config.json", JSON.stringify({ folders: [pair], ...fields }));
      const { folders: _, ...rest } = loadConfig(path);
      assert.deepEqual(rest, fields);
      const off = dir.write("off.json", JSON.stringify({ folders: [pair], prefix: false, header: false }));
      assert.equal(loadConfig(off).prefix, false);
      assert.equal(loadConfig(off).header, false);
      const drop = dir.write("drop.json", JSON.stringify({ folders: [pair], prefix: { from: "Async", to: "" } }));
      assert.deepEqual(loadConfig(drop).prefix, { from: "Async", to: "" });
    });

    for (const [what, config, field, kind] of BAD) {
      test(`${what}: the error names the field (${field.split(" ")[0]})`, () => {
        const error = loadError(JSON.stringify(config));
        assert.ok(error instanceof kind, `${error.name}: ${error.message}`);
        assert.ok(error.message.includes(field), error.message);
      });
    }

    test("a file that is not JSON is a SyntaxError naming the file", () => {
      const error = loadError("{ folders: [] }");
      assert.ok(error instanceof SyntaxError);
      assert.match(error.message, /not valid JSON/);
    });

    test("a missing file is an error naming the file", () => {
      using dir = tempDir();
      const path = dir.file("nowhere.json");
      assert.throws(() => loadConfig(path), (error: Error) => error.message.includes(`cannot read config file ${path}`));
    });

    test("unasync() validates a plain object config the same way", () => {
      assert.throws(
        () => unasync({ folders: [{ from: "a", to: 2 }] } as never),
        (error: Error) => error instanceof TypeError && error.message === "unasync config: folders[0].to must be a non-empty string, not 2",
      );
      assert.throws(() => unasync({ folders: [pair] }, { check: "yes" } as never), /options\.check must be a boolean/);
    });
  });
});
