/**
 * Path's methods that touch the disk, on every backend: reading and writing, kinds,
 * directories, links, renames, copies and moves, resolve, errors with their codes and
 * paths, checkpoints and cancellation. In the spirit of AnyIO's tests/test_fileio.py
 * (TestPath). Set-up and inspection use node:fs.
 */
import assert from "node:assert/strict";
import {
  chmodSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { describe, test } from "../harness/registry.ts";
import { thrownBy } from "../harness/helpers.ts";
import { CancelScope, checkpoint, isCancelled } from "../../src/index.ts";
import { Path } from "../../src/fs/path.ts";
import { assertOSError, withFsHook, withScratch } from "./path-helpers.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("fs/path disk", () => {
  test("writeText / readText and writeBytes / readBytes round-trip, replacing content", () =>
    withScratch(async (dir) => {
      const p = new Path(dir, "file.txt");
      await p.writeText("some text åäö\n");
      assert.equal(readFileSync(join(dir, "file.txt"), "utf8"), "some text åäö\n");
      assert.equal(await p.readText(), "some text åäö\n");
      chmodSync(p.toString(), 0o640);
      await p.writeText("short");
      assert.equal(await p.readText(), "short", "writing replaces the whole content");
      assert.equal(statSync(p.toString()).mode & 0o777, 0o640, "an existing file keeps its permissions");
      const data = new Uint8Array(300_000).map((_, i) => (i * 7) & 255);
      await p.writeBytes(data);
      assert.deepEqual(await p.readBytes(), data);
      await p.writeBytes(new Uint8Array(0));
      assert.equal((await p.readBytes()).byteLength, 0);
    }));

  test("readText decodes other encodings, and with fatal refuses malformed data", () =>
    withScratch(async (dir) => {
      const p = new Path(dir, "latin1.txt");
      writeFileSync(p.toString(), new Uint8Array([0x63, 0x61, 0x66, 0xe9]));
      assert.equal(await p.readText({ encoding: "latin1" }), "café");
      assert.equal(await p.readText(), "caf\ufffd");
      assert.ok((await thrownBy(() => p.readText({ fatal: true }))) instanceof TypeError);
      assert.ok((await thrownBy(() => p.readText({ encoding: "no-such-encoding" }))) instanceof RangeError);
      assert.ok((await thrownBy(() => p.writeText(42 as never))) instanceof TypeError);
      assert.ok((await thrownBy(() => p.writeBytes("text" as never))) instanceof TypeError);
    }));

  test("reading or writing what is not there: ENOENT / EISDIR with the path", () =>
    withScratch(async (dir) => {
      const missing = join(dir, "missing.txt");
      assertOSError(await thrownBy(() => new Path(missing).readText()), "ENOENT", missing);
      assertOSError(await thrownBy(() => new Path(missing).readBytes()), "ENOENT", missing);
      const deep = join(dir, "nodir", "x");
      assertOSError(await thrownBy(() => new Path(deep).writeText("x")), "ENOENT", deep);
      assert.equal(existsSync(join(dir, "nodir")), false, "no parent directory is made");
      assertOSError(await thrownBy(() => new Path(dir).readBytes()), "EISDIR", dir);
      assertOSError(await thrownBy(() => new Path(dir).writeBytes(bytes("x"))), "EISDIR", dir);
      const err = await thrownBy(() => new Path(missing).readText());
      assert.match((err as Error).message, /ENOENT/);
      assert.ok((err as Error).message.includes(missing), "the message names the path");
    }));

  test("exists, isFile, isDir, isSymlink, isFifo, isSocket, isCharDevice", () =>
    withScratch(async (dir) => {
      const file = join(dir, "f");
      writeFileSync(file, "x");
      symlinkSync(file, join(dir, "link"));
      symlinkSync(join(dir, "missing"), join(dir, "dangling"));
      const p = (name: string) => new Path(dir, name);
      assert.equal(await p("f").exists(), true);
      assert.equal(await p("missing").exists(), false);
      assert.equal(await p("f/below").exists(), false, "ENOTDIR means not there");
      assert.equal(await new Path(dir).exists(), true);
      assert.equal(await p("dangling").exists(), false);
      assert.equal(await p("dangling").exists({ followSymlinks: false }), true);
      assert.equal(await p("f").isFile(), true);
      assert.equal(await p("f").isDir(), false);
      assert.equal(await new Path(dir).isDir(), true);
      assert.equal(await p("missing").isFile(), false);
      assert.equal(await p("missing").isDir(), false);
      assert.equal(await p("link").isFile(), true);
      assert.equal(await p("link").isFile({ followSymlinks: false }), false);
      assert.equal(await p("link").isSymlink(), true);
      assert.equal(await p("dangling").isSymlink(), true);
      assert.equal(await p("f").isSymlink(), false);
      assert.equal(await p("f").isFifo(), false);
      assert.equal(await p("f").isSocket(), false);
      assert.equal(await p("f").isBlockDevice(), false);
      assert.equal(await new Path("/dev/null").isCharDevice(), true);
      assert.equal(await p("missing").isCharDevice(), false);
    }));

  test("stat and lstat: kind, size, mode, times, identity", () =>
    withScratch(async (dir) => {
      const file = join(dir, "f");
      writeFileSync(file, "hello");
      chmodSync(file, 0o640);
      utimesSync(file, 1_000_000, 2_000_000);
      symlinkSync("f", join(dir, "link"));
      const stat = await new Path(file).stat();
      const expected = statSync(file);
      assert.equal(stat.kind, "file");
      assert.equal(stat.size, 5);
      assert.equal(stat.mode & 0o777, 0o640);
      assert.equal(stat.mtimeMs, 2_000_000_000);
      assert.equal(stat.atimeMs, 1_000_000_000);
      assert.equal(stat.ino, expected.ino);
      assert.equal(stat.dev, expected.dev);
      assert.equal(stat.nlink, 1);
      assert.equal(stat.uid, expected.uid);
      assert.equal(typeof stat.ctimeMs, "number");
      assert.ok(stat.birthtimeMs === null || typeof stat.birthtimeMs === "number");
      assert.equal((await new Path(dir, "link").stat()).kind, "file");
      const lstat = await new Path(dir, "link").lstat();
      assert.equal(lstat.kind, "symlink");
      assert.equal(lstat.size, 1, "a symlink's size is its target's length");
      assert.deepEqual(await new Path(dir, "link").stat({ followSymlinks: false }), lstat);
      assert.equal((await new Path(dir).stat()).kind, "directory");
      assertOSError(await thrownBy(() => new Path(dir, "nope").stat()), "ENOENT", join(dir, "nope"));
      assertOSError(await thrownBy(() => new Path(dir, "nope").lstat()), "ENOENT", join(dir, "nope"));
    }));

  test("mkdir: plain, parents, existOk, mode, and its errors", () =>
    withScratch(async (dir) => {
      const a = new Path(dir, "a");
      await a.mkdir();
      assert.ok(statSync(a.toString()).isDirectory());
      assertOSError(await thrownBy(() => a.mkdir()), "EEXIST", a.toString());
      await a.mkdir({ existOk: true });
      const deep = new Path(dir, "x", "y", "z");
      assertOSError(await thrownBy(() => deep.mkdir()), "ENOENT", deep.toString());
      await deep.mkdir({ parents: true });
      assert.ok(statSync(deep.toString()).isDirectory());
      assertOSError(await thrownBy(() => deep.mkdir({ parents: true })), "EEXIST");
      await deep.mkdir({ parents: true, existOk: true });
      writeFileSync(join(dir, "file"), "");
      assertOSError(await thrownBy(() => new Path(dir, "file").mkdir({ existOk: true })), "EEXIST", join(dir, "file"));
      assertOSError(await thrownBy(() => new Path(dir, "file", "sub").mkdir({ parents: true })), "ENOTDIR");
      const private_ = new Path(dir, "private");
      await private_.mkdir({ mode: 0o700 });
      assert.equal(statSync(private_.toString()).mode & 0o777, 0o700);
      assert.ok((await thrownBy(() => a.mkdir({ mode: 0o10000 }))) instanceof RangeError);
      assert.ok((await thrownBy(() => a.mkdir({ parents: 1 as never }))) instanceof TypeError);
      assert.ok((await thrownBy(() => a.mkdir("x" as never))) instanceof TypeError);
    }));

  test("touch creates, keeps content while updating times, and honours existOk and mode", () =>
    withScratch(async (dir) => {
      const p = new Path(dir, "t");
      await p.touch({ mode: 0o600 });
      assert.equal(readFileSync(p.toString(), "utf8"), "");
      assert.equal(statSync(p.toString()).mode & 0o777, 0o600);
      const masked = new Path(dir, "masked");
      await masked.touch({ mode: 0o777, existOk: false });
      assert.equal(statSync(masked.toString()).mode & 0o777, 0o777 & ~process.umask(), "the umask applies");
      chmodSync(masked.toString(), 0o640);
      await masked.touch({ mode: 0o777 });
      assert.equal(statSync(masked.toString()).mode & 0o777, 0o640, "an existing file keeps its permissions");
      writeFileSync(p.toString(), "keep");
      utimesSync(p.toString(), 1000, 1000);
      await p.touch();
      assert.equal(readFileSync(p.toString(), "utf8"), "keep", "touch never truncates");
      assert.ok(statSync(p.toString()).mtimeMs > 1_000_000, "the times moved to now");
      assertOSError(await thrownBy(() => p.touch({ existOk: false })), "EEXIST", p.toString());
      assertOSError(await thrownBy(() => new Path(dir, "no", "t").touch()), "ENOENT");
    }));

  test("unlink (missingOk), rmdir: ENOENT, ENOTEMPTY, ENOTDIR", () =>
    withScratch(async (dir) => {
      const file = new Path(dir, "f");
      writeFileSync(file.toString(), "");
      await file.unlink();
      assert.equal(existsSync(file.toString()), false);
      assertOSError(await thrownBy(() => file.unlink()), "ENOENT", file.toString());
      await file.unlink({ missingOk: true });
      const sub = new Path(dir, "sub");
      mkdirSync(join(sub.toString(), "inner"), { recursive: true });
      assertOSError(await thrownBy(() => sub.rmdir()), "ENOTEMPTY", sub.toString());
      const unlinkDir = await thrownBy(() => sub.unlink());
      assert.ok(unlinkDir instanceof Error && ["EISDIR", "EPERM"].includes((unlinkDir as { code?: string }).code!));
      await sub.join("inner").rmdir();
      await sub.rmdir();
      assert.equal(existsSync(sub.toString()), false);
      writeFileSync(file.toString(), "");
      assertOSError(await thrownBy(() => file.rmdir()), "ENOTDIR", file.toString());
      assert.equal(existsSync(file.toString()), true, "rmdir never removes a file");
      assertOSError(await thrownBy(() => new Path(dir, "none").rmdir()), "ENOENT");
    }));

  test("rename and replace return the target and replace an existing file", () =>
    withScratch(async (dir) => {
      const a = new Path(dir, "a");
      await a.writeText("A");
      const b = await a.rename(join(dir, "b"));
      assert.ok(b instanceof Path);
      assert.equal(b.toString(), join(dir, "b"));
      assert.equal(existsSync(a.toString()), false);
      writeFileSync(join(dir, "c"), "C");
      const c = await b.replace(new Path(dir, "c"));
      assert.equal(readFileSync(c.toString(), "utf8"), "A");
      const missing = join(dir, "missing");
      assertOSError(await thrownBy(() => new Path(missing).rename(join(dir, "x"))), "ENOENT", missing, join(dir, "x"));
      assert.ok((await thrownBy(() => c.rename(""))) instanceof TypeError);
    }));

  test("symlinkTo, readlink, hardlinkTo and samefile", () =>
    withScratch(async (dir) => {
      const target = join(dir, "target");
      writeFileSync(target, "T");
      const link = new Path(dir, "link");
      await link.symlinkTo("target");
      assert.equal(readlinkSync(link.toString()), "target", "stored as given");
      assert.equal((await link.readlink()).toString(), "target");
      assert.equal(await link.readText(), "T");
      assertOSError(await thrownBy(() => link.symlinkTo("/elsewhere")), "EEXIST");
      assertOSError(await thrownBy(() => new Path(target).readlink()), "EINVAL", target);
      const hard = new Path(dir, "hard");
      await hard.hardlinkTo(target);
      assert.equal(statSync(target).nlink, 2);
      assert.equal(await hard.samefile(target), true);
      assert.equal(await link.samefile(new Path(target)), true);
      writeFileSync(join(dir, "other"), "T");
      assert.equal(await hard.samefile(join(dir, "other")), false);
      assertOSError(await thrownBy(() => hard.samefile(join(dir, "nope"))), "ENOENT", join(dir, "nope"));
    }));

  test("chmod sets permission bits; bad modes are refused at the call", () =>
    withScratch(async (dir) => {
      const p = new Path(dir, "f");
      writeFileSync(p.toString(), "");
      await p.chmod(0o444);
      assert.equal(statSync(p.toString()).mode & 0o777, 0o444);
      await p.chmod(0o751);
      assert.equal(statSync(p.toString()).mode & 0o777, 0o751);
      assert.ok((await thrownBy(() => p.chmod(-1))) instanceof RangeError);
      assert.ok((await thrownBy(() => p.chmod(1.5))) instanceof RangeError);
      assert.ok((await thrownBy(() => p.chmod("644" as never))) instanceof TypeError);
      assertOSError(await thrownBy(() => new Path(dir, "nope").chmod(0o600)), "ENOENT");
    }));

  test("copy: a file with its permission bits, a symlink as such, a whole tree", () =>
    withScratch(async (dir) => {
      const src = new Path(dir, "src.txt");
      writeFileSync(src.toString(), "hello");
      chmodSync(src.toString(), 0o751);
      const copied = await src.copy(join(dir, "dst.txt"));
      assert.equal(copied.toString(), join(dir, "dst.txt"));
      assert.equal(readFileSync(copied.toString(), "utf8"), "hello");
      assert.equal(statSync(copied.toString()).mode & 0o777, 0o751);
      writeFileSync(join(dir, "dst.txt"), "old and longer");
      await src.copy(join(dir, "dst.txt"));
      assert.equal(readFileSync(join(dir, "dst.txt"), "utf8"), "hello", "an existing file is replaced");
      symlinkSync("src.txt", join(dir, "link"));
      await new Path(dir, "link").copy(join(dir, "deref"));
      assert.ok(lstatSync(join(dir, "deref")).isFile());
      await new Path(dir, "link").copy(join(dir, "link2"), { followSymlinks: false });
      assert.equal(readlinkSync(join(dir, "link2")), "src.txt");
      // A tree: nested directories, a symlink inside (copied as a link), modes kept.
      mkdirSync(join(dir, "tree", "a", "b"), { recursive: true });
      writeFileSync(join(dir, "tree", "a", "b", "leaf"), "leaf");
      symlinkSync("a/b/leaf", join(dir, "tree", "rel-link"));
      chmodSync(join(dir, "tree", "a"), 0o750);
      utimesSync(join(dir, "tree", "a", "b", "leaf"), 1000, 1000);
      await new Path(dir, "tree").copy(join(dir, "tree2"), { preserveMetadata: true });
      assert.equal(readFileSync(join(dir, "tree2", "a", "b", "leaf"), "utf8"), "leaf");
      assert.equal(readlinkSync(join(dir, "tree2", "rel-link")), "a/b/leaf");
      assert.equal(statSync(join(dir, "tree2", "a")).mode & 0o777, 0o750);
      assert.equal(statSync(join(dir, "tree2", "a", "b", "leaf")).mtimeMs, 1_000_000);
      assertOSError(await thrownBy(() => new Path(dir, "tree").copy(join(dir, "tree2"))), "EEXIST", join(dir, "tree2"));
      assert.ok(existsSync(join(dir, "tree2", "a", "b", "leaf")), "an existing target is never touched");
      assertOSError(await thrownBy(() => new Path(dir, "nope").copy(join(dir, "x"))), "ENOENT", join(dir, "nope"));
    }));

  test("move: a rename on one filesystem, returning the target", () =>
    withScratch(async (dir) => {
      const src = new Path(dir, "src");
      mkdirSync(join(dir, "src", "inner"), { recursive: true });
      writeFileSync(join(dir, "src", "inner", "f"), "F");
      const moved = await src.move(join(dir, "dst"));
      assert.equal(moved.toString(), join(dir, "dst"));
      assert.equal(readFileSync(join(dir, "dst", "inner", "f"), "utf8"), "F");
      assert.equal(existsSync(src.toString()), false);
    }));

  test("move across filesystems (EXDEV): a tree is copied with links and times, then the source removed", () =>
    withScratch(async (dir) => {
      mkdirSync(join(dir, "src", "sub"), { recursive: true });
      writeFileSync(join(dir, "src", "sub", "f"), "F");
      chmodSync(join(dir, "src", "sub", "f"), 0o640);
      utimesSync(join(dir, "src", "sub", "f"), 5000, 6000);
      symlinkSync("sub/f", join(dir, "src", "link"));
      writeFileSync(join(dir, "file"), "plain");
      let renames = 0;
      await withFsHook("rename", () => async () => {
        renames++;
        throw Object.assign(new Error("EXDEV: cross-device link not permitted, rename"), { code: "EXDEV" });
      }, async () => {
        await new Path(dir, "src").move(join(dir, "dst"));
        await new Path(dir, "file").move(join(dir, "file2"));
      });
      assert.equal(renames, 2, "rename was tried first");
      assert.equal(existsSync(join(dir, "src")), false);
      assert.equal(readFileSync(join(dir, "dst", "sub", "f"), "utf8"), "F");
      assert.equal(statSync(join(dir, "dst", "sub", "f")).mode & 0o777, 0o640);
      assert.equal(statSync(join(dir, "dst", "sub", "f")).mtimeMs, 6_000_000);
      assert.equal(readlinkSync(join(dir, "dst", "link")), "sub/f");
      assert.equal(existsSync(join(dir, "file")), false);
      assert.equal(readFileSync(join(dir, "file2"), "utf8"), "plain");
    }));

  test("move to another real filesystem (/dev/shm when it is one) ends with one copy", () =>
    withScratch(async (dir) => {
      const other = existsSync("/dev/shm") ? mkdtempSync("/dev/shm/structio-move-") : mkdtempSync(join(dir, "other-"));
      try {
        const src = new Path(dir, "data.bin");
        const data = new Uint8Array(100_000).map((_, i) => i & 255);
        writeFileSync(src.toString(), data);
        const moved = await src.move(join(other, "data.bin"));
        assert.deepEqual(new Uint8Array(readFileSync(moved.toString())), data);
        assert.equal(existsSync(src.toString()), false);
      } finally {
        rmSync(other, { recursive: true, force: true });
      }
    }));

  test("resolve: symlinks and '..' resolved; missing tails kept unless strict", () =>
    withScratch(async (dir) => {
      const real = realpathSync(dir);
      mkdirSync(join(dir, "a", "b"), { recursive: true });
      symlinkSync(join(dir, "a", "b"), join(dir, "lb"));
      symlinkSync(join(dir, "missing-target"), join(dir, "dangling"));
      assert.equal((await new Path(dir, "lb").resolve()).toString(), join(real, "a", "b"));
      assert.equal((await new Path(dir, "lb", "..").resolve()).toString(), join(real, "a"), "'..' after a link climbs from its target");
      assert.equal((await new Path(dir, "nope", "..", "a").resolve()).toString(), join(real, "a"));
      assert.equal((await new Path(dir, "lb", "new", "x.txt").resolve()).toString(), join(real, "a", "b", "new", "x.txt"));
      assert.equal((await new Path(dir, "dangling", "x").resolve()).toString(), join(real, "missing-target", "x"));
      assertOSError(await thrownBy(() => new Path(dir, "nope").resolve({ strict: true })), "ENOENT");
      const rel = await new Path(".").resolve();
      assert.equal(rel.toString(), realpathSync(process.cwd()));
      symlinkSync("loop2", join(dir, "loop1"));
      symlinkSync("loop1", join(dir, "loop2"));
      assert.ok((await new Path(dir, "loop1").resolve()).isAbsolute(), "a loop ends (non-strict)");
      assertOSError(await thrownBy(() => new Path(dir, "loop1").resolve({ strict: true })), "ELOOP");
    }));

  test("absolute, cwd, home and expanduser", async () => {
    assert.equal((await Path.cwd()).toString(), process.cwd());
    assert.equal((await new Path("a/../b").absolute()).toString(), `${process.cwd()}/a/../b`, "absolute() resolves nothing");
    assert.equal((await new Path("/x/y").absolute()).toString(), "/x/y");
    assert.equal((await Path.home()).toString(), homedir());
    assert.equal((await new Path("~/btelkbee").expanduser()).toString(), join(homedir(), "btelkbee"));
    assert.equal((await new Path("~").expanduser()).toString(), homedir());
    assert.equal((await new Path("a/~").expanduser()).toString(), "a/~");
    assert.equal(await new Path("~/btelkbee").exists(), false, "exists() does not expand ~");
    const other = await thrownBy(() => new Path("~someone/x").expanduser());
    assert.match((other as Error).message, /someone/);
  });

  test("a disk operation in a cancelled scope raises Cancelled and never starts", () =>
    withScratch(async (dir) => {
      const scope = new CancelScope();
      scope.cancel();
      await scope.run(async () => {
        try {
          await new Path(dir, "never").writeText("x");
          assert.fail("not reached");
        } catch (err) {
          assert.ok(isCancelled(err));
          throw err;
        }
      });
      assert.ok(scope.cancelledCaught);
      assert.equal(existsSync(join(dir, "never")), false);
    }));

  test("completion wins: an operation cancelled once started finishes, and the next checkpoint raises", () =>
    withScratch(async (dir) => {
      const scope = new CancelScope();
      let returned = false;
      await withFsHook("writeFile", (original) => (path, data, options) => {
        scope.cancel("cancelled while writing");
        return original(path, data, options);
      }, async () => {
        await scope.run(async () => {
          await new Path(dir, "done").writeText("complete");
          returned = true;
          await checkpoint();
          assert.fail("the checkpoint after it raises");
        });
      });
      assert.ok(returned, "the write returned normally");
      assert.ok(scope.cancelledCaught);
      assert.equal(readFileSync(join(dir, "done"), "utf8"), "complete");
    }));

  test("a tree copy cancelled midway removes what it copied, leaving the source", () =>
    withScratch(async (dir) => {
      mkdirSync(join(dir, "src"));
      for (let i = 0; i < 5; i++) writeFileSync(join(dir, "src", `f${i}`), `${i}`);
      const scope = new CancelScope();
      let copies = 0;
      await withFsHook("copyFile", (original) => (from, to) => {
        if (++copies === 2) scope.cancel();
        return original(from, to);
      }, () => scope.run(() => new Path(dir, "src").copy(join(dir, "dst"))));
      assert.ok(scope.cancelledCaught);
      assert.equal(copies, 2);
      assert.equal(existsSync(join(dir, "dst")), false, "the partial copy is gone");
      assert.equal(existsSync(join(dir, "src", "f4")), true);
    }));

  test("open() opens the file as openFile does; a Path is accepted wherever a path is", () =>
    withScratch(async (dir) => {
      const a = new Path(dir, "a");
      {
        await using out = await a.open("wb");
        await out.write(bytes("one"));
      }
      {
        await using text = await a.open();
        assert.equal(text.path, a.toString());
        assert.equal(await text.read(), "one");
      }
      assertOSError(await thrownBy(() => new Path(dir, "nope").open()), "ENOENT", join(dir, "nope"));
      assert.ok((await thrownBy(() => a.open("q" as never))) instanceof RangeError);
      linkSync(a.toString(), join(dir, "b"));
      const b = new Path(new URL(`file://${join(dir, "b")}`));
      assert.equal(await b.readText(), "one");
      assert.equal(await a.samefile(b), true);
    }));
});
