/**
 * AsyncFile.readInto (AnyIO's and Python's readinto): reading into the caller's buffer.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { describe, test } from "../harness/registry.ts";
import { thrownBy } from "../harness/helpers.ts";
import { CancelScope, ClosedResourceError, isCancelled, openFile, OSError } from "../../src/index.ts";
import { assertBytes, concat, pattern, tempDir } from "./files-helpers.ts";

describe("fs/files readInto", () => {
  test("fills the caller's buffer chunk by chunk, then returns 0 at the end", async () => {
    using dir = tempDir();
    const data = pattern(200_000, 3);
    writeFileSync(dir.file("a.bin"), data);
    await using file = await openFile(dir.file("a.bin"), "rb");
    const buffer = new Uint8Array(65536);
    const parts: Uint8Array[] = [];
    for (let n; (n = await file.readInto(buffer)) > 0;) parts.push(buffer.slice(0, n));
    assertBytes(concat(parts), data);
    assert.equal(await file.readInto(buffer), 0);
    assert.equal(await file.tell(), data.byteLength);
  });

  test("takes what readLine read ahead first, then reads on from the file", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("a.bin"), "line one\nrest of the file");
    await using file = await openFile(dir.file("a.bin"), "rb");
    assertBytes(await file.readLine(), new TextEncoder().encode("line one\n"));
    const buffer = new Uint8Array(100);
    const parts: Uint8Array[] = [];
    for (let n; (n = await file.readInto(buffer)) > 0;) parts.push(buffer.slice(0, n));
    assert.equal(new TextDecoder().decode(concat(parts)), "rest of the file");
  });

  test("reads at the position, and an empty buffer reads nothing", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("a.bin"), pattern(100));
    await using file = await openFile(dir.file("a.bin"), "rb");
    await file.seek(90);
    assert.equal(await file.readInto(new Uint8Array(0)), 0);
    const buffer = new Uint8Array(50);
    assert.equal(await file.readInto(buffer), 10);
    assertBytes(buffer.subarray(0, 10), pattern(100).subarray(90));
  });

  test("in a cancelled scope it raises Cancelled and reads nothing", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("a.bin"), pattern(100));
    await using file = await openFile(dir.file("a.bin"), "rb");
    const buffer = new Uint8Array(10);
    await new CancelScope().run(async (scope) => {
      scope.cancel();
      assert.ok(isCancelled(await thrownBy(() => file.readInto(buffer))));
    });
    assert.equal(await file.tell(), 0);
    assert.equal(await file.readInto(buffer), 10);
    assertBytes(buffer, pattern(100).subarray(0, 10));
  });

  test("text mode, a non-buffer, a write-only file and a closed file are refused", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("a.txt"), "text");
    {
      await using text = await openFile(dir.file("a.txt"), "r");
      const err = await thrownBy(() => text.readInto(new Uint8Array(4)));
      assert.ok(err instanceof TypeError);
      assert.match(err.message, /readInto needs a file opened in binary mode, not "r"/);
    }
    await using binary = await openFile(dir.file("a.txt"), "rb");
    const notBuffer = await thrownBy(() => binary.readInto([1, 2] as unknown as Uint8Array));
    assert.ok(notBuffer instanceof TypeError);
    assert.match(notBuffer.message, /buffer must be a Uint8Array/);
    {
      await using writeOnly = await openFile(dir.file("b.bin"), "wb");
      const err = await thrownBy(() => writeOnly.readInto(new Uint8Array(4)));
      assert.ok(err instanceof OSError);
      assert.equal(err.code, "EBADF");
    }
    await binary.aclose();
    assert.ok((await thrownBy(() => binary.readInto(new Uint8Array(4)))) instanceof ClosedResourceError);
  });
});
