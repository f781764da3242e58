/**
 * The command line, driven in-process through main(argv, io): its exit statuses (0 ok,
 * 1 problems found, 2 bad usage or config) and what it prints; and once as a script run
 * by the current runtime.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { describe, test } from "../../../test/harness/registry.ts";
import { main } from "../src/cli.ts";
import { formatDiagnostic, transform } from "../src/transform.ts";
import { type TempDir, tempDir } from "./temp.ts";

const CONFIG = JSON.stringify({ folders: [{ from: "_async", to: "_sync" }] });
const SOURCE = "async function two(): Promise<number> {\n  return 2;\n}\n\nexport async function one(): Promise<number> {\n  return (await two()) - 1;\n}\n";
const UNTRANSLATABLE = "export async function race(a: Promise<number>, b: Promise<number>): Promise<number> {\n  return await Promise.race([a, b]);\n}\n";

/** Runs the command line in `cwd` and collects its status and output. */
function cli(cwd: string, ...argv: string[]): { status: number; stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  const status = main(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd });
  return { status, stdout, stderr };
}

/** A temp dir holding a config and one source. */
function project(dir: TempDir): void {
  dir.write("unasync.config.json", CONFIG);
  dir.write("_async/one.ts", SOURCE);
}

describe("unasync", () => {
  describe("cli", () => {
    test("--help prints the usage and exits 0", () => {
      using dir = tempDir();
      for (const flag of ["--help", "-h"]) {
        const { status, stdout, stderr } = cli(dir.path, flag);
        assert.equal(status, 0);
        assert.match(stdout, /^usage: unasync \[--config FILE\] \[--check\] \[--help\]/);
        assert.match(stdout, /exit status/);
        assert.equal(stderr, "");
      }
    });

    test("bad usage exits 2 and says what was wrong", () => {
      using dir = tempDir();
      for (
        const [argv, message] of [
          [["--chek"], "unknown option --chek"],
          [["src"], `unexpected argument "src" (the folders come from the config file)`],
          [["--config"], "--config needs a file name"],
          [["--config="], "--config needs a file name"],
        ] as const
      ) {
        const { status, stdout, stderr } = cli(dir.path, ...argv);
        assert.equal(status, 2);
        assert.equal(stdout, "");
        assert.ok(stderr.startsWith(`unasync: ${message}\nusage: unasync`), stderr);
      }
    });

    test("a missing or bad config exits 2 and names the file and the field", () => {
      using dir = tempDir();
      const missing = cli(dir.path);
      assert.equal(missing.status, 2);
      assert.match(missing.stderr, /^unasync: cannot read config file .*unasync\.config\.json/);

      dir.write("bad.json", JSON.stringify({ folders: [{ from: "_async" }] }));
      const bad = cli(dir.path, "--config", "bad.json");
      assert.equal(bad.status, 2);
      assert.equal(bad.stderr, `unasync: ${dir.file("bad.json")}: folders[0].to must be a non-empty string, not undefined\n`);

      dir.write("no-folder.json", CONFIG);
      const noFolder = cli(dir.path, "--config=no-folder.json");
      assert.equal(noFolder.status, 2);
      assert.match(noFolder.stderr, /folders\[0\]\.from \(.*_async\) is not a folder/);
    });

    test("a run writes the twins, names them, and a second run finds them unchanged", () => {
      using dir = tempDir();
      project(dir);
      const first = cli(dir.path);
      assert.deepEqual(first, { status: 0, stdout: "wrote _sync/one.ts\nunasync: 1 written, 0 unchanged\n", stderr: "" });
      assert.equal(existsSync(dir.file("_sync/one.ts")), true);
      const second = cli(dir.path);
      assert.deepEqual(second, { status: 0, stdout: "unasync: 0 written, 1 unchanged\n", stderr: "" });
    });

    test("paths print relative to the working directory; --config finds the config elsewhere", () => {
      using dir = tempDir();
      dir.write("lib/unasync.config.json", CONFIG);
      dir.write("lib/_async/one.ts", SOURCE);
      const { status, stdout } = cli(dir.path, "--config", "lib/unasync.config.json");
      assert.equal(status, 0);
      assert.match(stdout, /^wrote lib\/_sync\/one\.ts\n/);
    });

    test("--check exits 1 naming missing, stale and orphaned twins, and 0 once all are up to date", () => {
      using dir = tempDir();
      project(dir);
      const missing = cli(dir.path, "--check");
      assert.equal(missing.status, 1);
      assert.equal(missing.stdout, "");
      assert.equal(missing.stderr, "missing: _sync/one.ts\nunasync --check: 1 twin missing or out of date; run unasync to regenerate\n");
      assert.equal(existsSync(dir.file("_sync")), false);

      cli(dir.path);
      assert.deepEqual(cli(dir.path, "--check"), { status: 0, stdout: "unasync --check: 1 twin up to date\n", stderr: "" });

      dir.write("_sync/one.ts", "// edited\n");
      dir.write("_sync/old.ts", "// no source\n");
      const behind = cli(dir.path, "--check");
      assert.equal(behind.status, 1);
      assert.equal(
        behind.stderr,
        "stale: _sync/one.ts (out of date with its source)\n" +
          "orphan: _sync/old.ts (no source; delete it or restore its source)\n" +
          "unasync --check: 1 twin missing or out of date; run unasync to regenerate\n" +
          "unasync --check: 1 orphan in the twin folders\n",
      );
    });

    test("untranslatable code prints file:line:column: message (code), exits 1 and is not written", () => {
      using dir = tempDir();
      project(dir);
      dir.write("_async/race.ts", UNTRANSLATABLE);
      const expected = transform(UNTRANSLATABLE, { fileName: "_async/race.ts" }).diagnostics.map(formatDiagnostic);
      assert.ok(expected.length > 0);
      assert.match(expected[0]!, /^_async\/race\.ts:2:\d+: .+ \([a-z-]+\)$/);
      for (const argv of [[], ["--check"]]) {
        const { status, stderr } = cli(dir.path, ...argv);
        assert.equal(status, 1);
        assert.ok(stderr.startsWith(`${expected.join("\n")}\nunasync: 1 file with untranslatable code`), stderr);
        assert.equal(existsSync(dir.file("_sync/race.ts")), false);
      }
      assert.equal(existsSync(dir.file("_sync/one.ts")), true);
    });

    test("the file runs as a script on the current runtime", () => {
      using dir = tempDir();
      project(dir);
      const script = fileURLToPath(new URL("../src/bin.ts", import.meta.url));
      const runtimeArgs = "Deno" in globalThis ? ["run", "-A", "--quiet"] : [];
      const repo = fileURLToPath(new URL("../../..", import.meta.url));
      const run = spawnSync(process.execPath, [...runtimeArgs, script, "--config", dir.file("unasync.config.json")], {
        cwd: repo,
        encoding: "utf8",
      });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /^wrote .*one\.ts\nunasync: 1 written, 0 unchanged\n$/);
      assert.equal(existsSync(dir.file("_sync/one.ts")), true);
    });
  });
});
