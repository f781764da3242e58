/**
 * Path's async iterators on every backend: iterdir, glob, rglob and walk. Patterns,
 * orders, symlinks, and that breaking out of an iteration or cancelling it mid-way ends
 * it cleanly with no directory left open. In the spirit of AnyIO's tests/test_fileio.py
 * (TestPath: populated_tmpdir, test_glob, test_rglob, test_iterdir, test_walk).
 */
import assert from "node:assert/strict";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "../harness/registry.ts";
import { thrownBy } from "../harness/helpers.ts";
import { CancelScope, isCancelled, OSError } from "../../src/index.ts";
import { Path, type WalkEntry } from "../../src/fs/path.ts";
import { assertOSError, descriptorsOn, populate, withScratch } from "./path-helpers.ts";

/** Every path the iterable yields, relative to `base`, sorted. */
async function relative(base: string, paths: AsyncIterable<Path>): Promise<string[]> {
  const found: string[] = [];
  for await (const path of paths) {
    assert.ok(path instanceof Path);
    found.push(path.relativeTo(base).toString());
  }
  return found.sort();
}

/** A directory with `n` empty files (more than one batch of a listing). */
function bigDir(dir: string, n: number): string {
  const big = join(dir, "big");
  mkdirSync(big);
  for (let i = 0; i < n; i++) writeFileSync(join(big, `f${String(i).padStart(4, "0")}`), "");
  return big;
}

describe("fs/path iter", () => {
  test("iterdir lists the entries (hidden ones too), not '.' or '..'", () =>
    withScratch(async (dir) => {
      populate(dir);
      assert.deepEqual(await relative(dir, new Path(dir).iterdir()), [".hidden", "sibdir", "subdir", "testfile", "testfile2"]);
      assert.deepEqual(await relative(dir, new Path(dir, "subdir").iterdir()), ["subdir/dummyfile1.txt", "subdir/dummyfile2.txt", "subdir/symlink"]);
      mkdirSync(join(dir, "empty"));
      assert.deepEqual(await relative(dir, new Path(dir, "empty").iterdir()), []);
    }));

  test("iterdir of a large directory yields every entry once", () =>
    withScratch(async (dir) => {
      const big = bigDir(dir, 700);
      const names = new Set<string>();
      for await (const path of new Path(big).iterdir()) names.add(path.name);
      assert.equal(names.size, 700);
      assert.ok(names.has("f0000") && names.has("f0699"));
    }));

  test("iterdir of '.' yields bare names; of a missing or non-directory path raises on the first step", async () => {
    const names: string[] = [];
    for await (const path of new Path(".").iterdir()) names.push(path.toString());
    assert.ok(names.length > 0 && names.every((name) => !name.includes("/")), "children of '.' are bare names");
    await withScratch(async (dir) => {
      writeFileSync(join(dir, "file"), "");
      const iterate = async (path: Path) => {
        for await (const _ of path.iterdir()) assert.fail("nothing to list");
      };
      assertOSError(await thrownBy(() => iterate(new Path(dir, "missing"))), "ENOENT", join(dir, "missing"));
      assertOSError(await thrownBy(() => iterate(new Path(dir, "file"))), "ENOTDIR", join(dir, "file"));
    });
  });

  test("breaking out of iterdir releases the directory at once", () =>
    withScratch(async (dir) => {
      const big = bigDir(dir, 300);
      let seen = 0;
      for await (const _ of new Path(big).iterdir()) {
        if (++seen === 3) {
          assert.ok(descriptorsOn(big) <= 1, "at most one descriptor while listing");
          break;
        }
      }
      assert.equal(seen, 3);
      assert.equal(descriptorsOn(big), 0, "nothing open after break");
    }));

  test("cancelling during iterdir stops at the next step and releases the directory", () =>
    withScratch(async (dir) => {
      const big = bigDir(dir, 300);
      const scope = new CancelScope();
      let seen = 0;
      await scope.run(async () => {
        for await (const _ of new Path(big).iterdir()) {
          if (++seen === 5) scope.cancel("enough");
        }
        assert.fail("the loop does not end normally");
      });
      assert.equal(seen, 5, "the step after the cancellation raised");
      assert.ok(scope.cancelledCaught);
      assert.equal(descriptorsOn(big), 0);
    }));

  test("glob('**/*.txt') finds the files in every directory, not through symlinks", () =>
    withScratch(async (dir) => {
      populate(dir);
      assert.deepEqual(await relative(dir, new Path(dir).glob("**/*.txt")), [
        "sibdir/dummyfile1.txt",
        "sibdir/dummyfile2.txt",
        "subdir/dummyfile1.txt",
        "subdir/dummyfile2.txt",
      ]);
    }));

  test("glob: *, ?, [..], [!..], literal segments, '..' and hidden files", () =>
    withScratch(async (dir) => {
      populate(dir);
      const g = (pattern: string) => relative(dir, new Path(dir).glob(pattern));
      assert.deepEqual(await g("*"), [".hidden", "sibdir", "subdir", "testfile", "testfile2"]);
      assert.deepEqual(await g("testfile?"), ["testfile2"]);
      assert.deepEqual(await g("testfile*"), ["testfile", "testfile2"]);
      assert.deepEqual(await g("*/dummyfile[1].txt"), ["sibdir/dummyfile1.txt", "subdir/dummyfile1.txt"]);
      assert.deepEqual(await g("s[!u]*"), ["sibdir"]);
      assert.deepEqual(await g("subdir/dummyfile2.txt"), ["subdir/dummyfile2.txt"]);
      assert.deepEqual(await g("subdir/nothing.txt"), []);
      assert.deepEqual(await g("./subdir/../testfile"), ["subdir/../testfile"]);
      assert.deepEqual(await g("subdir/symlink/*.txt"), ["subdir/symlink/dummyfile1.txt", "subdir/symlink/dummyfile2.txt"], "a plain segment follows a symlink");
      assert.deepEqual(await g("*.TXT"), [], "case-sensitive");
      assert.deepEqual(await g("testfile/*"), [], "a file is not listed");
      assert.deepEqual(await g("missing/*"), []);
    }));

  test("glob: a pattern ending in '/' selects directories; '**' alone selects the whole tree", () =>
    withScratch(async (dir) => {
      populate(dir);
      const g = (pattern: string) => relative(dir, new Path(dir).glob(pattern));
      assert.deepEqual(await g("*/"), ["sibdir", "subdir"]);
      assert.deepEqual(await g("**/"), [".", "sibdir", "subdir", "subdir/symlink"]);
      assert.deepEqual(await g("**"), [
        ".",
        ".hidden",
        "sibdir",
        "sibdir/dummyfile1.txt",
        "sibdir/dummyfile2.txt",
        "subdir",
        "subdir/dummyfile1.txt",
        "subdir/dummyfile2.txt",
        "subdir/symlink",
        "testfile",
        "testfile2",
      ]);
      assert.deepEqual(await g("**/**/dummyfile1.txt"), ["sibdir/dummyfile1.txt", "subdir/dummyfile1.txt"], "no duplicates");
      assert.deepEqual(await g("**/symlink"), ["subdir/symlink"]);
    }));

  test("rglob(pattern) is glob('**/' + pattern)", () =>
    withScratch(async (dir) => {
      populate(dir);
      assert.deepEqual(await relative(dir, new Path(dir).rglob("*.txt")), [
        "sibdir/dummyfile1.txt",
        "sibdir/dummyfile2.txt",
        "subdir/dummyfile1.txt",
        "subdir/dummyfile2.txt",
      ]);
      assert.deepEqual(await relative(dir, new Path(dir).rglob("dummyfile2.txt")), ["sibdir/dummyfile2.txt", "subdir/dummyfile2.txt"]);
      assert.deepEqual(await relative(dir, new Path(dir).rglob("*.md")), []);
    }));

  test("glob and rglob refuse bad patterns at the call", async () => {
    const p = new Path(".");
    assert.ok((await thrownBy(() => p.glob(""))) instanceof RangeError);
    assert.ok((await thrownBy(() => p.glob("/etc/*"))) instanceof RangeError);
    assert.ok((await thrownBy(() => p.rglob("/etc"))) instanceof RangeError);
    assert.ok((await thrownBy(() => p.glob("."))) instanceof RangeError);
    assert.ok((await thrownBy(() => p.glob("[z-a]"))) instanceof RangeError);
    assert.ok((await thrownBy(() => p.glob(42 as never))) instanceof TypeError);
    const err = await thrownBy(() => p.glob(""));
    assert.match((err as Error).message, /pattern/);
  });

  test("breaking out of a recursive glob, or cancelling it, leaves no directory open", () =>
    withScratch(async (dir) => {
      const big = bigDir(dir, 300);
      mkdirSync(join(big, "nested"));
      for (let i = 0; i < 200; i++) writeFileSync(join(big, "nested", `n${i}`), "");
      let seen = 0;
      for await (const _ of new Path(dir).glob("**/*")) if (++seen === 10) break;
      assert.equal(seen, 10);
      assert.equal(descriptorsOn(big), 0);
      assert.equal(descriptorsOn(dir), 0);
      const scope = new CancelScope();
      seen = 0;
      await scope.run(async () => {
        for await (const _ of new Path(dir).rglob("n*")) if (++seen === 7) scope.cancel();
      });
      assert.equal(seen, 7);
      assert.ok(scope.cancelledCaught);
      assert.equal(descriptorsOn(join(big, "nested")), 0);
      assert.equal(descriptorsOn(big), 0);
    }));

  test("walk top-down yields each directory before its children, with dirnames and filenames", () =>
    withScratch(async (dir) => {
      populate(dir);
      const steps: Array<[string, string[], string[]]> = [];
      for await (const [path, dirnames, filenames] of new Path(dir).walk()) {
        assert.ok(path instanceof Path);
        steps.push([path.relativeTo(dir).toString(), [...dirnames].sort(), [...filenames].sort()]);
      }
      assert.equal(steps[0][0], ".", "the top comes first");
      assert.deepEqual(steps.sort(), [
        [".", ["sibdir", "subdir"], [".hidden", "testfile", "testfile2"]],
        ["sibdir", [], ["dummyfile1.txt", "dummyfile2.txt"]],
        ["subdir", [], ["dummyfile1.txt", "dummyfile2.txt", "symlink"]],
      ]);
    }));

  test("walk bottom-up yields children before parents", () =>
    withScratch(async (dir) => {
      mkdirSync(join(dir, "a", "b", "c"), { recursive: true });
      mkdirSync(join(dir, "d"));
      const order: string[] = [];
      for await (const [path] of new Path(dir).walk({ topDown: false })) order.push(path.relativeTo(dir).toString());
      assert.equal(order.length, 5);
      assert.equal(order.at(-1), ".", "the top comes last");
      assert.ok(order.indexOf("a/b/c") < order.indexOf("a/b"));
      assert.ok(order.indexOf("a/b") < order.indexOf("a"));
    }));

  test("walk top-down skips the directories removed from dirnames", () =>
    withScratch(async (dir) => {
      mkdirSync(join(dir, "keep", "inner"), { recursive: true });
      mkdirSync(join(dir, ".git", "objects"), { recursive: true });
      const visited: string[] = [];
      for await (const [path, dirnames] of new Path(dir).walk()) {
        visited.push(path.relativeTo(dir).toString());
        const at = dirnames.indexOf(".git");
        if (at >= 0) dirnames.splice(at, 1);
      }
      assert.deepEqual(visited.sort(), [".", "keep", "keep/inner"]);
    }));

  test("walk with followSymlinks walks into linked directories but not around a loop", () =>
    withScratch(async (dir) => {
      populate(dir);
      symlinkSync(dir, join(dir, "sibdir", "up"));
      const plain: string[] = [];
      for await (const [path] of new Path(dir).walk()) plain.push(path.relativeTo(dir).toString());
      assert.deepEqual(plain.sort(), [".", "sibdir", "subdir"], "links are files by default");
      const followed: string[] = [];
      for await (const [path, dirnames] of new Path(dir).walk({ followSymlinks: true })) {
        followed.push(path.relativeTo(dir).toString());
        if (path.name === "sibdir") assert.ok(dirnames.includes("up"), "the loop link is still listed");
      }
      // sibdir/up and subdir/symlink/up lead back to the top, which is being walked.
      assert.deepEqual(followed.sort(), [".", "sibdir", "subdir", "subdir/symlink"]);
    }));

  test("walk reports unreadable directories to onError, else skips them; a missing top yields nothing", () =>
    withScratch(async (dir) => {
      const steps: WalkEntry[] = [];
      for await (const step of new Path(dir, "missing").walk()) steps.push(step);
      assert.equal(steps.length, 0);
      const errors: OSError[] = [];
      for await (const step of new Path(dir, "missing").walk({ onError: (err) => errors.push(err) })) steps.push(step);
      assert.equal(steps.length, 0);
      assert.equal(errors.length, 1);
      assertOSError(errors[0], "ENOENT", join(dir, "missing"));
      assert.ok((await thrownBy(() => new Path(dir).walk({ onError: "no" as never }))) instanceof TypeError);
      assert.ok((await thrownBy(() => new Path(dir).walk({ topDown: 0 as never }))) instanceof TypeError);
    }));

  test("walk holds no directory open while the loop body runs; breaking or cancelling ends it", () =>
    withScratch(async (dir) => {
      const big = bigDir(dir, 300);
      for (let i = 0; i < 3; i++) mkdirSync(join(big, `sub${i}`));
      for await (const [path] of new Path(big).walk()) {
        assert.equal(descriptorsOn(path.toString()), 0, "released before the step is yielded");
      }
      for await (const _ of new Path(big).walk()) break;
      const scope = new CancelScope();
      let steps = 0;
      await scope.run(async () => {
        for await (const _ of new Path(big).walk()) {
          steps++;
          scope.cancel();
        }
      });
      assert.equal(steps, 1);
      assert.ok(scope.cancelledCaught);
      assert.equal(descriptorsOn(big), 0);
    }));

  test("an iteration started in a cancelled scope raises Cancelled on its first step", () =>
    withScratch(async (dir) => {
      populate(dir);
      for (const iterate of [() => new Path(dir).iterdir(), () => new Path(dir).glob("*"), () => new Path(dir).walk()]) {
        const scope = new CancelScope();
        scope.cancel();
        let caught: unknown;
        await scope.run(async () => {
          try {
            for await (const _ of iterate()) assert.fail("no step");
          } catch (err) {
            caught = err;
            throw err;
          }
        });
        assert.ok(isCancelled(caught));
      }
    }));
});
