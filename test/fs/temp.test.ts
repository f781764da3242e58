/**
 * Temporary directories and files on every backend: made where asked with the right
 * names and permissions, removed on close / dispose, also when the body throws or is
 * cancelled, and never following a symlink out of the directory when removing. In the
 * spirit of AnyIO's tests/test_tempfile.py.
 */
import assert from "node:assert/strict";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { describe, test } from "../harness/registry.ts";
import { thrownBy } from "../harness/helpers.ts";
import { CancelScope, ClosedResourceError, isCancelled, sleepForever } from "../../src/index.ts";
import { Path } from "../../src/fs/path.ts";
import { openFile } from "../../src/fs/open-file.ts";
import { createTemporaryDirectory, gettempdir, mkdtemp, TemporaryDirectory } from "../../src/fs/temp.ts";
import { NamedTemporaryFile, openNamedTemporaryFile, openTemporaryFile } from "../../src/fs/temp-file.ts";
import { assertOSError, descriptorsOn, withScratch } from "./path-helpers.ts";

describe("fs/temp", () => {
  test("gettempdir is the system's temporary directory", async () => {
    assert.equal(await gettempdir(), tmpdir());
  });

  test("mkdtemp makes an owner-only directory with prefix and suffix, in dir", () =>
    withScratch(async (dir) => {
      const made = await mkdtemp({ prefix: "mkdtemp_", suffix: ".d", dir });
      assert.equal(dirname(made), dir);
      assert.match(basename(made), /^mkdtemp_.+\.d$/);
      assert.ok(statSync(made).isDirectory());
      assert.equal(statSync(made).mode & 0o777, 0o700);
      const plain = await mkdtemp({ dir: new Path(dir) });
      assert.match(basename(plain), /^tmp/);
      assert.notEqual(plain, made);
      const inTmp = await mkdtemp();
      try {
        assert.equal(dirname(inTmp), tmpdir());
      } finally {
        rmSync(inTmp, { recursive: true });
      }
    }));

  test("mkdtemp refuses bad names at the call and reports a missing dir", () =>
    withScratch(async (dir) => {
      assert.ok((await thrownBy(() => mkdtemp({ prefix: "a/b", dir }))) instanceof RangeError);
      assert.ok((await thrownBy(() => mkdtemp({ suffix: "/x", dir }))) instanceof RangeError);
      assert.ok((await thrownBy(() => mkdtemp({ prefix: 1 as never, dir }))) instanceof TypeError);
      assert.ok((await thrownBy(() => mkdtemp({ dir: 5 as never }))) instanceof TypeError);
      assert.ok((await thrownBy(() => mkdtemp("x" as never))) instanceof TypeError);
      assert.deepEqual(readdirSync(dir), [], "nothing was made");
      assertOSError(await thrownBy(() => mkdtemp({ dir: join(dir, "missing") })), "ENOENT", join(dir, "missing"));
    }));

  test("a temporary directory and everything in it is removed on dispose", () =>
    withScratch(async (dir) => {
      let name: string;
      {
        await using tmp = await createTemporaryDirectory({ dir, prefix: "td-" });
        name = tmp.name;
        assert.ok(tmp instanceof TemporaryDirectory);
        assert.ok(tmp.path instanceof Path);
        assert.equal(tmp.path.toString(), name);
        assert.ok(basename(name).startsWith("td-"));
        assert.ok(statSync(name).isDirectory());
        await tmp.path.join("a", "b").mkdir({ parents: true });
        await tmp.path.join("a", "b", "file.txt").writeText("temp dir test");
        await tmp.path.join("top.txt").writeText("x");
        assert.equal(tmp.closed, false);
      }
      assert.equal(existsSync(name), false);
      assertOSError(await thrownBy(() => new Path(name, "late.txt").writeText("should fail")), "ENOENT");
    }));

  test("removal never follows a symlink out of the directory", () =>
    withScratch(async (dir) => {
      const outside = join(dir, "outside");
      mkdirSync(outside);
      writeFileSync(join(outside, "precious"), "keep me");
      const tmp = await createTemporaryDirectory({ dir });
      symlinkSync(outside, join(tmp.name, "link-to-outside"));
      symlinkSync(join(outside, "precious"), join(tmp.name, "link-to-file"));
      await tmp.aclose();
      assert.equal(existsSync(tmp.name), false);
      assert.equal(readFileSync(join(outside, "precious"), "utf8"), "keep me");
    }));

  test("the directory is removed when the body throws", () =>
    withScratch(async (dir) => {
      let name = "";
      const err = await thrownBy(async () => {
        await using tmp = await createTemporaryDirectory({ dir });
        name = tmp.name;
        writeFileSync(join(name, "f"), "");
        throw new Error("boom");
      });
      assert.equal((err as Error).message, "boom", "the body's error, not one from cleanup");
      assert.equal(existsSync(name), false);
    }));

  test("the directory is removed when its scope is cancelled", () =>
    withScratch(async (dir) => {
      let name = "";
      const scope = new CancelScope();
      await scope.run(async () => {
        await using tmp = await createTemporaryDirectory({ dir });
        name = tmp.name;
        await tmp.path.join("data").writeText("x");
        scope.cancel("stop");
        await sleepForever();
      });
      assert.ok(scope.cancelledCaught);
      assert.equal(existsSync(name), false);
    }));

  test("created in a cancelled scope: Cancelled, and nothing is made", () =>
    withScratch(async (dir) => {
      const scope = new CancelScope();
      scope.cancel();
      let caught: unknown;
      await scope.run(async () => {
        try {
          await createTemporaryDirectory({ dir });
        } catch (err) {
          caught = err;
          throw err;
        }
      });
      assert.ok(isCancelled(caught));
      assert.deepEqual(readdirSync(dir), []);
    }));

  test("aclose and cleanup are idempotent; a directory already gone is no error; delete: false keeps it", () =>
    withScratch(async (dir) => {
      const tmp = await createTemporaryDirectory({ dir });
      rmSync(tmp.name, { recursive: true });
      await tmp.aclose();
      await tmp.aclose();
      assert.equal(tmp.closed, true);
      const kept = await createTemporaryDirectory({ dir, delete: false });
      await kept.aclose();
      assert.equal(existsSync(kept.name), true, "delete: false keeps it on close");
      const second = await createTemporaryDirectory({ dir, delete: false });
      await second.cleanup();
      assert.equal(existsSync(second.name), false, "cleanup() removes it anyway");
      const both = await createTemporaryDirectory({ dir });
      await Promise.all([both.aclose(), both.aclose(), both.cleanup()]);
      assert.equal(existsSync(both.name), false);
      assert.ok((await thrownBy(() => createTemporaryDirectory({ dir, delete: "yes" as never }))) instanceof TypeError);
    }));

  test("a TemporaryDirectory is a path: Path and openFile accept it", () =>
    withScratch(async (dir) => {
      await using tmp = await createTemporaryDirectory({ dir });
      const inside = new Path(tmp, "x.txt");
      assert.equal(inside.toString(), join(tmp.name, "x.txt"));
      {
        await using file = await openFile(inside, "w");
        await file.write("via openFile");
      }
      assert.equal(readFileSync(inside.toString(), "utf8"), "via openFile");
    }));

  test("openTemporaryFile: read and write, no name left on disk, closed on dispose", () =>
    withScratch(async (dir) => {
      const data = new TextEncoder().encode("temporary file data");
      let file;
      {
        await using af = await openTemporaryFile("w+b", { dir });
        file = af;
        assert.deepEqual(readdirSync(dir), [], "the name is gone at once");
        await af.write(data);
        await af.seek(0);
        assert.deepEqual(await af.read(), data);
      }
      assert.equal(file.closed, true);
      assert.ok((await thrownBy(() => file.write(data))) instanceof ClosedResourceError);
      assert.equal(descriptorsOn(`${file.path} (deleted)`), 0, "the file is closed");
      await using text = await openTemporaryFile("w+", { dir });
      await text.write("åäö");
      await text.seek(0);
      assert.equal(await text.read(), "åäö");
    }));

  test("openNamedTemporaryFile: a visible owner-only file removed on close", () =>
    withScratch(async (dir) => {
      let name: string;
      {
        await using tmp = await openNamedTemporaryFile("w+b", { dir, prefix: "named-", suffix: ".bin" });
        assert.ok(tmp instanceof NamedTemporaryFile);
        name = tmp.name;
        assert.ok(basename(name).startsWith("named-") && name.endsWith(".bin"));
        assert.equal(dirname(name), dir);
        assert.equal(lstatSync(name).mode & 0o777, 0o600);
        await tmp.file.write(new TextEncoder().encode("named temporary file data"));
        await tmp.file.flush();
        assert.equal(readFileSync(name, "utf8"), "named temporary file data");
        assert.equal(await new Path(tmp).readText(), "named temporary file data");
      }
      assert.equal(existsSync(name), false);
    }));

  test("openNamedTemporaryFile: removed when the body throws or is cancelled; delete: false keeps it", () =>
    withScratch(async (dir) => {
      let name = "";
      await thrownBy(async () => {
        await using tmp = await openNamedTemporaryFile("w", { dir });
        name = tmp.name;
        throw new Error("boom");
      });
      assert.equal(existsSync(name), false);
      const scope = new CancelScope();
      await scope.run(async () => {
        await using tmp = await openNamedTemporaryFile("w", { dir });
        name = tmp.name;
        scope.cancel();
        await sleepForever();
      });
      assert.equal(existsSync(name), false);
      const kept = await openNamedTemporaryFile("x", { dir, delete: false });
      await kept.aclose();
      await kept.aclose();
      assert.equal(existsSync(kept.name), true);
      assert.equal(kept.file.closed, true);
    }));

  test("temporary files refuse modes that do not create a file, and bad options", () =>
    withScratch(async (dir) => {
      assert.ok((await thrownBy(() => openTemporaryFile("r" as never, { dir }))) instanceof RangeError);
      assert.ok((await thrownBy(() => openTemporaryFile("a+" as never, { dir }))) instanceof RangeError);
      assert.ok((await thrownBy(() => openTemporaryFile("wq" as never, { dir }))) instanceof RangeError);
      assert.ok((await thrownBy(() => openNamedTemporaryFile("w", { dir, prefix: "../x" }))) instanceof RangeError);
      assert.ok((await thrownBy(() => openNamedTemporaryFile("w", { dir, delete: 0 as never }))) instanceof TypeError);
      assertOSError(await thrownBy(() => openTemporaryFile("w+b", { dir: join(dir, "nope") })), "ENOENT");
      assert.deepEqual(readdirSync(dir), []);
    }));
});
