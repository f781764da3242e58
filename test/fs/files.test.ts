/**
 * Open files on every backend: modes, text and binary, lines, positions, append and
 * exclusive creation, large files, cancellation that loses nothing, serialised calls,
 * closing, bad arguments and OS errors. In the spirit of AnyIO's tests/test_fileio.py
 * (the AsyncFile parts).
 */
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from "node:fs";
import process from "node:process";
import { pathToFileURL } from "node:url";
import { describe, test } from "../harness/registry.ts";
import { thrownBy } from "../harness/helpers.ts";
import {
  CancelScope,
  checkpoint,
  ClosedResourceError,
  Event,
  isCancelled,
  OSError,
  withTaskGroup,
} from "../../src/index.ts";
import { AsyncFile } from "../../src/fs/async-file.ts";
import { openFile } from "../../src/fs/open-file.ts";
import { Path } from "../../src/fs/path.ts";
import { assertBytes, bytes, concat, descriptorsUnder, pattern, tempDir, text } from "./files-helpers.ts";

/** Asserts that `err` is an OSError with `code` about `path`. */
function assertOSError(err: unknown, code: string, path: string): void {
  assert.ok(err instanceof OSError, `expected an OSError, got ${String(err)}`);
  assert.equal(err.code, code);
  assert.equal(err.path, path);
  // EBADF for a call the mode does not allow is raised before reaching the system.
  if (code !== "EBADF") assert.ok(err.cause !== undefined, "the runtime's error is the cause");
}

describe("fs/files open", () => {
  test("r reads text as a string, and \"\" at the end", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("a.txt"), "héllo wörld\n");
    await using file = await openFile(dir.file("a.txt"));
    assert.equal(file.mode, "r");
    assert.equal(file.path, dir.file("a.txt"));
    const content: string = await file.read();
    assert.equal(content, "héllo wörld\n");
    assert.equal(await file.read(), "");
    assert.equal(await file.read(5), "");
  });

  test("rb reads bytes as a Uint8Array, typed as one", async () => {
    using dir = tempDir();
    const data = pattern(1000);
    writeFileSync(dir.file("a.bin"), data);
    await using file = await openFile(dir.file("a.bin"), "rb");
    const first: Uint8Array = await file.read(10);
    assertBytes(first, data.subarray(0, 10));
    assertBytes(await file.read(), data.subarray(10));
    assertBytes(await file.read(), new Uint8Array(0));
  });

  test("w empties an existing file and creates a missing one", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("old.txt"), "old content that is long");
    {
      await using file = await openFile(dir.file("old.txt"), "w");
      assert.equal(await file.write("new"), 3);
    }
    assert.equal(readFileSync(dir.file("old.txt"), "utf8"), "new");
    {
      await using file = await openFile(dir.file("fresh.txt"), "w");
      await file.write("made");
    }
    assert.equal(readFileSync(dir.file("fresh.txt"), "utf8"), "made");
  });

  test("a appends, starts at the end, and writes at the end even after a seek", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("log.txt"), "one\n");
    {
      await using file = await openFile(dir.file("log.txt"), "a");
      assert.equal(await file.tell(), 4);
      await file.write("two\n");
      assert.equal(await file.tell(), 8);
    }
    {
      await using file = await openFile(dir.file("log.txt"), "a+");
      assert.equal(await file.read(), "", "a+ starts at the end");
      await file.seek(0);
      assert.equal(await file.readLine(), "one\n");
      await file.write("three\n");
      assert.equal(await file.tell(), 14, "after an append write the position is the end");
      await file.seek(0);
      assert.equal(await file.read(), "one\ntwo\nthree\n");
    }
    {
      await using file = await openFile(dir.file("new.log"), "ab");
      await file.write(bytes("created"));
    }
    assert.equal(readFileSync(dir.file("new.log"), "utf8"), "created");
  });

  test("x creates a new file and raises EEXIST for an existing one", async () => {
    using dir = tempDir();
    {
      await using file = await openFile(dir.file("new.txt"), "x");
      await file.write("exclusive");
    }
    assert.equal(readFileSync(dir.file("new.txt"), "utf8"), "exclusive");
    const err = await thrownBy(() => openFile(dir.file("new.txt"), "x"));
    assertOSError(err, "EEXIST", dir.file("new.txt"));
    assert.equal((err as OSError).syscall, "open");
    assert.equal(readFileSync(dir.file("new.txt"), "utf8"), "exclusive", "the file is untouched");
    const again = await thrownBy(() => openFile(dir.file("new.txt"), "xb+"));
    assertOSError(again, "EEXIST", dir.file("new.txt"));
  });

  test("r+ reads and writes without emptying; w+ reads back what it wrote", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("a.txt"), "abcdef");
    {
      await using file = await openFile(dir.file("a.txt"), "r+");
      assert.equal(await file.read(2), "ab");
      await file.write("XY");
      assert.equal(await file.read(), "ef");
    }
    assert.equal(readFileSync(dir.file("a.txt"), "utf8"), "abXYef");
    await using file = await openFile(dir.file("a.txt"), "w+b");
    await file.write(bytes("fresh"));
    assert.equal(await file.seek(0), 0);
    assertBytes(await file.read(), bytes("fresh"));
    const err = await thrownBy(() => openFile(dir.file("missing.txt"), "r+"));
    assertOSError(err, "ENOENT", dir.file("missing.txt"));
  });

  test("modes are Python's, in any letter order; others raise a RangeError naming mode", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("a.txt"), "x");
    for (const mode of ["rt", "br", "+rb", "tr", "rb+", "r+b"]) {
      await using file = await openFile(dir.file("a.txt"), mode);
      assert.equal(file.mode, mode);
      const content = await file.read();
      assert.equal(typeof content, mode.includes("b") ? "object" : "string", mode);
    }
    for (const mode of ["", "q", "rw", "rr", "r++", "rbt", "ra", "R", "rb ", "+", "b"]) {
      const err = await thrownBy(() => openFile(dir.file("a.txt"), mode));
      assert.ok(err instanceof RangeError, `mode ${JSON.stringify(mode)}: ${String(err)}`);
      assert.match(err.message, /^mode must be/);
    }
    const err = await thrownBy(() => openFile(dir.file("a.txt"), 1 as never));
    assert.ok(err instanceof TypeError && /mode must be a string/.test(err.message), String(err));
  });

  test("paths may be Paths and file: URLs; other path types raise a TypeError naming path", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("ü b.txt"), "via url");
    {
      await using file = await openFile(pathToFileURL(dir.file("ü b.txt")));
      assert.equal(await file.read(), "via url");
      assert.equal(file.path, dir.file("ü b.txt"));
    }
    {
      await using file = await openFile(new Path(dir.path).join("ü b.txt"), "rb");
      assertBytes(await file.read(), bytes("via url"));
      assert.equal(file.path, dir.file("ü b.txt"));
    }
    for (const bad of [42, null, undefined, "", "a\0b", new URL("https://example.com/x"), {}]) {
      const err = await thrownBy(() => openFile(bad as never));
      assert.ok(err instanceof TypeError && /^path /.test(err.message), `${String(bad)}: ${String(err)}`);
    }
  });

  test("options: permissions of a created file, and checks of every option", async () => {
    using dir = tempDir();
    {
      await using file = await openFile(dir.file("secret"), "x", { permissions: 0o600 });
      await file.write("s");
    }
    assert.equal(statSync(dir.file("secret")).mode & 0o777, 0o600);
    const path = dir.file("secret");
    for (
      const [options, cls] of [
        [{ permissions: -1 }, RangeError],
        [{ permissions: 0o10000 }, RangeError],
        [{ permissions: 1.5 }, RangeError],
        [{ permissions: "600" }, TypeError],
        [{ errors: "ignore" }, RangeError],
        [{ errors: 1 }, TypeError],
        ["options", TypeError],
      ] as const
    ) {
      const err = await thrownBy(() => openFile(path, "r", options as never));
      assert.ok(err instanceof cls, `${JSON.stringify(options)}: ${String(err)}`);
    }
    const err = await thrownBy(() => openFile(path, "rb", { errors: "replace" }));
    assert.ok(err instanceof TypeError && /text mode only/.test(err.message), String(err));
  });
});

describe("fs/files text", () => {
  test("read(size) counts characters, and write returns characters (text) or bytes (binary)", async () => {
    using dir = tempDir();
    const content = "héllo 😀 wörld €";
    await using file = await openFile(dir.file("a.txt"), "w+");
    assert.equal(await file.write(content), [...content].length);
    await file.seek(0);
    assert.equal(await file.read(2), "hé");
    assert.equal(await file.read(5), "llo 😀");
    assert.equal(await file.tell(), bytes("héllo 😀").byteLength, "tell counts bytes");
    assert.equal(await file.read(0), "");
    assert.equal(await file.read(100), " wörld €");
    await using raw = await openFile(dir.file("b.bin"), "wb");
    assert.equal(await raw.write(bytes("é")), 2);
  });

  test("UTF-8 characters split across read chunks decode whole", async () => {
    using dir = tempDir();
    // A 3-byte "€" straddles the 64 KiB read chunk, followed by mixed widths and lines.
    const content = "a".repeat(65535) + "€" + "ü😀x\n".repeat(30000) + "end 😀";
    writeFileSync(dir.file("u.txt"), content);
    const chars = [...content];
    {
      await using file = await openFile(dir.file("u.txt"));
      assert.equal(await file.read(), content);
    }
    {
      await using file = await openFile(dir.file("u.txt"));
      const parts: string[] = [];
      for (let size = 1;; size = (size * 7 + 3) % 70001 + 1) {
        const part = await file.read(size);
        if (part === "") break;
        assert.ok([...part].length <= size);
        parts.push(part);
      }
      assert.equal(parts.join(""), content);
      assert.equal(parts.join("").length, content.length);
    }
    {
      await using file = await openFile(dir.file("u.txt"));
      await file.seek(65530);
      assert.equal(await file.read(6), "aaaaa€");
      assert.equal(await file.read(1), "ü");
      assert.equal(await file.read(1), "😀");
    }
    {
      await using file = await openFile(dir.file("u.txt"));
      const lines: string[] = [];
      for await (const line of file) lines.push(line);
      assert.equal(lines.length, 30001, "the a's and the first ü😀x share a line");
      assert.equal(lines.join(""), content);
    }
    assert.equal(chars.length, 65535 + 1 + 30000 * 4 + 5);
  });

  test("readLine keeps \\n and \\r\\n, returns a last line without one, then \"\"", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("a.txt"), "unix\nwindows\r\n\nlast");
    await using file = await openFile(dir.file("a.txt"));
    assert.equal(await file.readLine(), "unix\n");
    assert.equal(await file.readLine(), "windows\r\n");
    assert.equal(await file.readLine(), "\n");
    assert.equal(await file.readLine(), "last");
    assert.equal(await file.readLine(), "");
    assert.equal(await file.readLine(), "");
  });

  test("readLine in binary mode returns bytes with the line ending", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("a.bin"), "one\r\ntwo");
    await using file = await openFile(dir.file("a.bin"), "rb");
    assertBytes(await file.readLine(), bytes("one\r\n"));
    assertBytes(await file.readLine(), bytes("two"));
    assert.equal((await file.readLine()).byteLength, 0);
  });

  test("for await iterates over lines from the position; breaking out leaves the file open", async () => {
    using dir = tempDir();
    const lines = ["blah blah\n", "foo foo\n", "bar bar"];
    writeFileSync(dir.file("a.txt"), lines.join(""));
    await using file = await openFile(dir.file("a.txt"));
    for await (const line of file) {
      assert.equal(line, lines[0]);
      break;
    }
    assert.equal(file.closed, false);
    const rest: string[] = [];
    for await (const line of file) rest.push(line);
    assert.deepEqual(rest, lines.slice(1));
    const none: string[] = [];
    for await (const line of file) none.push(line);
    assert.deepEqual(none, []);
  });

  test("invalid UTF-8 raises a TypeError and takes nothing; errors: replace gives U+FFFD", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("bad.txt"), new Uint8Array([0x61, 0x0a, 0xff, 0xfe, 0x0a, 0x62]));
    {
      await using file = await openFile(dir.file("bad.txt"));
      assert.equal(await file.readLine(), "a\n");
      const err = await thrownBy(() => file.readLine());
      assert.ok(err instanceof TypeError && /not valid UTF-8/.test(err.message), String(err));
      assert.equal(await file.tell(), 2, "the bad line is still there");
      await file.seek(5);
      assert.equal(await file.read(), "b");
    }
    {
      await using file = await openFile(dir.file("bad.txt"), "r", { errors: "replace" });
      assert.equal(await file.read(), "a\n\ufffd\ufffd\nb");
    }
    await using out = await openFile(dir.file("out.txt"), "w");
    const err = await thrownBy(() => out.write("lone \ud800"));
    assert.ok(err instanceof TypeError, String(err));
  });

  test("write checks the type of data against the mode", async () => {
    using dir = tempDir();
    await using textFile = await openFile(dir.file("a.txt"), "w");
    const err1 = await thrownBy(() => textFile.write(bytes("x") as never));
    assert.ok(err1 instanceof TypeError && /data must be a string/.test(err1.message), String(err1));
    await using binaryFile = await openFile(dir.file("b.bin"), "wb");
    const err2 = await thrownBy(() => binaryFile.write("x" as never));
    assert.ok(err2 instanceof TypeError && /data must be a Uint8Array/.test(err2.message), String(err2));
    assert.equal(readFileSync(dir.file("b.bin")).byteLength, 0);
  });
});

describe("fs/files positions", () => {
  test("seek from the start, the current position and the end; tell follows", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("a.bin"), pattern(100));
    await using file = await openFile(dir.file("a.bin"), "rb");
    assert.equal(await file.tell(), 0);
    assert.equal(await file.seek(10), 10);
    assertBytes(await file.read(5), pattern(100).subarray(10, 15));
    assert.equal(await file.seek(5, 1), 20);
    assert.equal(await file.seek(-10, 1), 10);
    assert.equal(await file.seek(-1, 2), 99);
    assertBytes(await file.read(), pattern(100).subarray(99));
    assert.equal(await file.seek(0, 2), 100);
    assert.equal(await file.tell(), 100);
  });

  test("tell and seek count from what readLine returned, not from what it read ahead", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("a.txt"), "first\nsecond\nthird\n");
    {
      await using file = await openFile(dir.file("a.txt"));
      assert.equal(await file.readLine(), "first\n");
      assert.equal(await file.tell(), 6);
      assert.equal(await file.seek(1, 1), 7);
      assert.equal(await file.readLine(), "econd\n");
      assert.equal(await file.read(2), "th");
      assert.equal(await file.tell(), 15);
    }
    // A write after a readLine goes where the line ended.
    {
      await using file = await openFile(dir.file("a.txt"), "r+");
      assert.equal(await file.readLine(), "first\n");
      await file.write("SECOND");
      assert.equal(await file.readLine(), "\n");
    }
    assert.equal(readFileSync(dir.file("a.txt"), "utf8"), "first\nSECOND\nthird\n");
  });

  test("a seek before the start raises EINVAL; one past the end leaves a hole on writing", async () => {
    using dir = tempDir();
    await using file = await openFile(dir.file("a.bin"), "w+b");
    await file.write(bytes("ab"));
    const err = await thrownBy(() => file.seek(-5, 1));
    assertOSError(err, "EINVAL", dir.file("a.bin"));
    assert.equal(await file.tell(), 2, "a failed seek does not move");
    assert.equal(await file.seek(5), 5);
    await file.write(bytes("z"));
    assertBytes(new Uint8Array(readFileSync(dir.file("a.bin"))), new Uint8Array([97, 98, 0, 0, 0, 122]));
  });

  test("a named pipe reads in sequence; seek and tell raise ESPIPE", async () => {
    using dir = tempDir();
    const fifo = dir.file("pipe");
    execFileSync("mkfifo", [fifo]);
    // Opened for reading and writing, a FIFO opens at once on Linux, with no reader yet.
    const writer = openSync(fifo, "r+");
    let file: AsyncFile<string>;
    try {
      writeSync(writer, "one\ntwo\nthree");
      file = await openFile(fifo, "r");
    } finally {
      closeSync(writer);
    }
    await using _ = file;
    assert.equal(await file.readLine(), "one\n");
    assertOSError(await thrownBy(() => file.tell()), "ESPIPE", fifo);
    assertOSError(await thrownBy(() => file.seek(0)), "ESPIPE", fifo);
    assert.equal(await file.read(), "two\nthree");
    assert.equal(await file.read(), "");
  });

  test("truncate cuts or extends, at the position by default, without moving it", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("a.txt"), "0123456789");
    await using file = await openFile(dir.file("a.txt"), "r+");
    assert.equal(await file.read(4), "0123");
    assert.equal(await file.truncate(), 4);
    assert.equal(await file.tell(), 4);
    assert.equal(readFileSync(dir.file("a.txt"), "utf8"), "0123");
    assert.equal(await file.truncate(2), 2);
    assert.equal(await file.tell(), 4, "the position stays past the new end");
    assert.equal(await file.truncate(6), 6);
    assert.deepEqual([...readFileSync(dir.file("a.txt"))], [48, 49, 0, 0, 0, 0]);
    assert.equal(await file.readLine(), "\0\0");
  });

  test("flush and sync work on an open file", async () => {
    using dir = tempDir();
    await using file = await openFile(dir.file("a.txt"), "w");
    await file.write("durable");
    await file.flush();
    await file.sync();
    assert.equal(readFileSync(dir.file("a.txt"), "utf8"), "durable", "written without closing");
  });

  test("reading a file opened for writing, and writing one opened for reading, raise EBADF", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("a.txt"), "x");
    await using reader = await openFile(dir.file("a.txt"), "r");
    for (const call of [() => reader.write("y"), () => reader.truncate(0)]) {
      assertOSError(await thrownBy(call), "EBADF", dir.file("a.txt"));
    }
    await using writer = await openFile(dir.file("b.txt"), "a");
    for (const call of [() => writer.read(), () => writer.readLine(), () => writer.read(1)]) {
      assertOSError(await thrownBy(call), "EBADF", dir.file("b.txt"));
    }
    assert.equal(readFileSync(dir.file("a.txt"), "utf8"), "x");
  });

  test("bad sizes, offsets and whences raise at the call, naming the argument", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("a.txt"), "abc");
    await using file = await openFile(dir.file("a.txt"), "r+");
    const cases: Array<[() => Promise<unknown>, ErrorConstructor, RegExp]> = [
      [() => file.read(-1), RangeError, /^size/],
      [() => file.read(1.5), RangeError, /^size/],
      [() => file.read(NaN), RangeError, /^size/],
      [() => file.read("3" as never), TypeError, /^size/],
      [() => file.read(null as never), TypeError, /^size/],
      [() => file.seek(1.5), RangeError, /^offset/],
      [() => file.seek(-1), RangeError, /^offset/],
      [() => file.seek("0" as never), TypeError, /^offset/],
      [() => file.seek(0, 3 as never), RangeError, /^whence/],
      [() => file.seek(0, "0" as never), TypeError, /^whence/],
      [() => file.truncate(-1), RangeError, /^size/],
      [() => file.truncate(Infinity), RangeError, /^size/],
    ];
    for (const [call, cls, message] of cases) {
      const err = await thrownBy(call);
      assert.ok(err instanceof cls, `${call}: ${String(err)}`);
      assert.match((err as Error).message, message);
    }
    assert.equal(await file.read(), "abc", "nothing was read or moved");
  });
});

describe("fs/files large", () => {
  test("32 MiB written and read back in chunks, and in one read, byte for byte", async () => {
    using dir = tempDir();
    const data = pattern(32 << 20, 5);
    {
      await using out = await openFile(dir.file("big.bin"), "wb");
      for (let at = 0; at < data.byteLength; at += 1 << 20) {
        assert.equal(await out.write(data.subarray(at, at + (1 << 20))), 1 << 20);
      }
    }
    assert.equal(statSync(dir.file("big.bin")).size, data.byteLength);
    {
      await using file = await openFile(dir.file("big.bin"), "rb");
      let at = 0;
      for (;;) {
        const chunk = await file.read(65536);
        if (chunk.byteLength === 0) break;
        assert.ok(chunk.byteLength <= 65536);
        assertBytes(chunk, data.subarray(at, at + chunk.byteLength), `chunk at ${at}`);
        at += chunk.byteLength;
      }
      assert.equal(at, data.byteLength);
    }
    {
      await using file = await openFile(dir.file("big.bin"), "rb");
      await file.seek(3);
      assertBytes(await file.read(), data.subarray(3), "read to the end");
      // A size far past the end allocates only what is there.
      await file.seek(data.byteLength - 10);
      assertBytes(await file.read(2 ** 40), data.subarray(data.byteLength - 10), "huge size");
    }
  });
});

describe("fs/files cancellation", () => {
  test("a read in a cancelled scope raises Cancelled and leaves the position unchanged", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("a.txt"), "line one\nline two\n");
    await using file = await openFile(dir.file("a.txt"));
    assert.equal(await file.readLine(), "line one\n");
    for (const call of [() => file.read(3), () => file.readLine(), () => file.read(), () => file.seek(0)]) {
      const scope = new CancelScope();
      scope.cancel();
      let raised: unknown;
      await scope.run(async () => {
        try {
          await call();
        } catch (err) {
          raised = err;
          throw err;
        }
      });
      assert.ok(isCancelled(raised), String(raised));
    }
    assert.equal(await file.tell(), 9);
    assert.equal(await file.readLine(), "line two\n");
  });

  test("openFile in a cancelled scope raises Cancelled and creates nothing", async () => {
    using dir = tempDir();
    const scope = new CancelScope();
    scope.cancel();
    let raised: unknown;
    await scope.run(async () => {
      try {
        await openFile(dir.file("never.txt"), "w");
      } catch (err) {
        raised = err;
        throw err;
      }
    });
    assert.ok(isCancelled(raised));
    assert.equal(existsSync(dir.file("never.txt")), false);
  });

  test("a read started when its scope is cancelled completes; a call waiting its turn is cancelled", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("a.txt"), "0123456789");
    await using file = await openFile(dir.file("a.txt"), "r+");
    let read: string | undefined;
    let writeError: unknown;
    const scope = new CancelScope();
    await scope.run(async () => {
      // The read passes its checkpoint and starts the system call before returning; the
      // write waits for its turn behind it.
      const reading = file.read(4);
      const writing = file.write("ab").catch((err) => void (writeError = err));
      scope.cancel();
      read = await reading;
      await writing;
    });
    assert.equal(read, "0123", "completion wins");
    assert.ok(isCancelled(writeError), `the waiting write was cancelled: ${String(writeError)}`);
    assert.equal(await file.tell(), 4);
    assert.equal(readFileSync(dir.file("a.txt"), "utf8"), "0123456789", "nothing was written");
  });

  test("reads cancelled at any moment lose and repeat no byte (completion wins)", async () => {
    using dir = tempDir();
    const data = pattern(200_000, 9);
    writeFileSync(dir.file("a.bin"), data);
    await using file = await openFile(dir.file("a.bin"), "rb");
    const got: Uint8Array[] = [];
    let cancelled = 0;
    let completed = 0;
    for (let round = 0; round < 400; round++) {
      const scope = new CancelScope();
      await withTaskGroup(async (tg) => {
        tg.startSoon(() =>
          scope.run(async () => {
            got.push(round % 3 === 0 ? await file.readLine() : await file.read(997));
            completed++;
          })
        );
        // Cancel after a varying number of turns: before the read starts, while the
        // system reads, or after it returned.
        for (let i = 0; i < round % 7; i++) await checkpoint();
        scope.cancel();
      });
      if (!scope.cancelledCaught) continue;
      cancelled++;
    }
    got.push(await file.read());
    assertBytes(concat(got), data);
    assert.ok(cancelled > 0, "some reads were cancelled");
    assert.ok(completed > 0, "some reads completed");
  });

  test("writes cancelled at any moment are written whole or not at all", async () => {
    using dir = tempDir();
    const written: Uint8Array[] = [];
    {
      await using file = await openFile(dir.file("a.bin"), "wb");
      for (let round = 0; round < 300; round++) {
        const chunk = pattern(1000 + round, round);
        const scope = new CancelScope();
        await withTaskGroup(async (tg) => {
          tg.startSoon(() =>
            scope.run(async () => {
              assert.equal(await file.write(chunk), chunk.byteLength);
              written.push(chunk);
            })
          );
          for (let i = 0; i < round % 5; i++) await checkpoint();
          scope.cancel();
        });
      }
      assert.ok(written.length > 0 && written.length < 300, `${written.length} of 300 writes completed`);
    }
    assertBytes(new Uint8Array(readFileSync(dir.file("a.bin"))), concat(written));
  });
});

describe("fs/files concurrency", () => {
  test("calls from several tasks run one at a time, in call order", async () => {
    using dir = tempDir();
    const data = pattern(100_000, 2);
    writeFileSync(dir.file("a.bin"), data);
    await using file = await openFile(dir.file("a.bin"), "rb");
    const results = new Map<number, Uint8Array>();
    await withTaskGroup(async (tg) => {
      for (let i = 0; i < 10; i++) tg.startSoon(async () => results.set(i, await file.read(10_000)));
    });
    // Tasks start in spawn order, so their reads are queued in that order.
    assertBytes(concat([...Array(10).keys()].map((i) => results.get(i)!)), data);
  });

  test("one task may start two calls without awaiting the first", async () => {
    using dir = tempDir();
    await using file = await openFile(dir.file("a.txt"), "w+");
    const [n1, n2] = await Promise.all([file.write("first "), file.write("second")]);
    assert.deepEqual([n1, n2], [6, 6]);
    const [pos, all] = await Promise.all([file.seek(0), file.read()]);
    assert.equal(pos, 0);
    assert.equal(all, "first second");
  });

  test("calls waiting for their turn raise ClosedResourceError when the file closes", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("a.txt"), "abc\n");
    const file = await openFile(dir.file("a.txt"));
    const first = file.readLine();
    const queued = file.read();
    const closing = file.aclose();
    assert.equal(await first, "abc\n", "the call in progress completes");
    assert.ok((await thrownBy(() => queued)) instanceof ClosedResourceError);
    await closing;
    assert.equal(file.closed, true);
  });

  test("a read from a named pipe waits without blocking the event loop while a writer task writes", async () => {
    using dir = tempDir();
    const fifo = dir.file("pipe");
    execFileSync("mkfifo", [fifo]);
    // Each read starts on an empty pipe whose writer is open, and the writer task writes
    // only once that read is waiting: a read that blocked the event loop would wait for
    // ever for a write that can then never come, and the hang guard could not fire
    // either. So a watchdog process writes into the pipe after 10 s, which unblocks
    // such a read into a failed test (its bytes are not the writer's). Killed on TERM,
    // it kills its sleep first.
    const watchdog = spawn("sh", [
      "-c",
      'trap \'kill $! 2>/dev/null; exit 0\' TERM; sleep 10 & wait $!; printf watchdog > "$0"',
      fifo,
    ], { stdio: "ignore" });
    const exited = new Promise((resolve) => watchdog.once("exit", resolve));
    try {
      const words = ["one", "two", "three"];
      const reading = words.map(() => new Event());
      const events: string[] = [];
      await withTaskGroup(async (tg) => {
        tg.startSoon(async () => {
          // Opening a FIFO for reading waits for a writer (and vice versa), off the event loop.
          await using reader = await openFile(fifo, "rb");
          const buffer = new Uint8Array(100);
          for (const [i, word] of words.entries()) {
            reading[i].set();
            events.push(`reading ${word}`);
            const n = await reader.readInto(buffer);
            assert.equal(text(buffer.subarray(0, n)), word, "the writer's bytes, one write per read");
            events.push(`read ${word}`);
          }
          assert.equal(await reader.readInto(buffer), 0, "the end once the writer closed");
        });
        tg.startSoon(async () => {
          await using writer = await openFile(fifo, "wb");
          for (const [i, word] of words.entries()) {
            await reading[i].wait();
            // The reader is in its read: this task runs meanwhile.
            events.push(`writing ${word}`);
            assert.equal(await writer.write(bytes(word)), word.length);
          }
        });
      });
      assert.deepEqual(events, words.flatMap((w) => [`reading ${w}`, `writing ${w}`, `read ${w}`]));
    } finally {
      watchdog.kill("SIGTERM");
      await exited;
    }
  });
});

describe("fs/files closing and errors", () => {
  test("closing twice is fine; every call after closing raises ClosedResourceError", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("a.txt"), "abc");
    const file = await openFile(dir.file("a.txt"), "r+");
    assert.ok(file instanceof AsyncFile);
    assert.equal(file.closed, false);
    await file.aclose();
    await file.aclose();
    await file[Symbol.asyncDispose]();
    assert.equal(file.closed, true);
    const calls = [
      () => file.read(),
      () => file.read(1),
      () => file.readLine(),
      () => file.write("x"),
      () => file.seek(0),
      () => file.tell(),
      () => file.truncate(),
      () => file.flush(),
      () => file.sync(),
      async () => {
        for await (const _ of file) assert.fail("no lines after closing");
      },
    ];
    for (const call of calls) {
      const err = await thrownBy(call);
      assert.ok(err instanceof ClosedResourceError, `${call}: ${String(err)}`);
    }
    assert.equal(readFileSync(dir.file("a.txt"), "utf8"), "abc");
  });

  test("await using closes the descriptor; a failed open leaves none", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("a.txt"), "x");
    {
      await using file = await openFile(dir.file("a.txt"));
      assert.equal(descriptorsUnder(dir.path).length, 1, "open while in the block");
      await file.read();
    }
    assert.deepEqual(descriptorsUnder(dir.path), []);
    for (const [path, mode] of [[dir.file("missing"), "r"], [dir.file("a.txt"), "x"], [dir.path, "w"]] as const) {
      assert.ok((await thrownBy(() => openFile(path, mode))) instanceof OSError);
      assert.deepEqual(descriptorsUnder(dir.path), [], `after failing to open ${path} with ${mode}`);
    }
  });

  test("opening a missing file for reading raises ENOENT with the path", async () => {
    using dir = tempDir();
    const err = await thrownBy(() => openFile(dir.file("nope.txt")));
    assertOSError(err, "ENOENT", dir.file("nope.txt"));
    assert.equal((err as OSError).syscall, "open");
    assert.match((err as OSError).message, /^ENOENT: .*nope\.txt/);
    assertOSError(await thrownBy(() => openFile(dir.file("no/such/dir.txt"), "w")), "ENOENT", dir.file("no/such/dir.txt"));
  });

  test("a directory raises EISDIR: at open for writing, at the first read for reading", async () => {
    using dir = tempDir();
    mkdirSync(dir.file("sub"));
    assertOSError(await thrownBy(() => openFile(dir.file("sub"), "w")), "EISDIR", dir.file("sub"));
    await using file = await openFile(dir.file("sub"), "rb");
    const err = await thrownBy(() => file.read());
    assertOSError(err, "EISDIR", dir.file("sub"));
    assertOSError(await thrownBy(() => file.readLine()), "EISDIR", dir.file("sub"));
  });

  test("a file without permissions raises EACCES (root opens it anyway)", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("locked.txt"), "secret");
    chmodSync(dir.file("locked.txt"), 0o000);
    if (process.getuid?.() === 0) {
      // Root bypasses permission bits (CAP_DAC_OVERRIDE), so EACCES cannot be provoked
      // this way: the file opens, which is what the system does for root.
      await using file = await openFile(dir.file("locked.txt"));
      assert.equal(await file.read(), "secret");
    } else {
      for (const mode of ["r", "a", "r+b"]) {
        assertOSError(await thrownBy(() => openFile(dir.file("locked.txt"), mode)), "EACCES", dir.file("locked.txt"));
      }
    }
  });
});
