/**
 * File byte streams on every backend: FileReadStream and FileWriteStream, their typed
 * attributes, end of stream, closing, errors as broken streams, serialised use and
 * cancellation. In the spirit of AnyIO's tests/streams/test_file.py.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { describe, test } from "../harness/registry.ts";
import { thrownBy } from "../harness/helpers.ts";
import {
  BrokenResourceError,
  BufferedByteReceiveStream,
  CancelScope,
  ClosedResourceError,
  EndOfStream,
  getBackend,
  isCancelled,
  OSError,
  TypedAttributeLookupError,
  withTaskGroup,
} from "../../src/index.ts";
import { AsyncFile } from "../../src/fs/async-file.ts";
import { FileStreamAttribute } from "../../src/fs/file-attributes.ts";
import { FileReadStream } from "../../src/fs/file-read-stream.ts";
import { FileWriteStream } from "../../src/fs/file-write-stream.ts";
import { openFile } from "../../src/fs/open-file.ts";
import { assertBytes, bytes, concat, descriptorsUnder, pattern, tempDir, text } from "./files-helpers.ts";

describe("fs/file streams read", () => {
  test("receive returns up to maxBytes, then raises EndOfStream at the end", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("data.txt"), "Hello");
    for (const path of [dir.file("data.txt"), pathToFileURL(dir.file("data.txt"))]) {
      await using stream = await FileReadStream.fromPath(path);
      assert.equal(text(await stream.receive(3)), "Hel");
      assert.equal(text(await stream.receive(3)), "lo");
      assert.ok((await thrownBy(() => stream.receive(1))) instanceof EndOfStream);
      assert.ok((await thrownBy(() => stream.receive())) instanceof EndOfStream);
    }
  });

  test("receiveInto reads into the caller's buffer, then raises EndOfStream at the end", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("data.txt"), "Hello");
    await using stream = await FileReadStream.fromPath(dir.file("data.txt"));
    const buffer = new Uint8Array(3);
    assert.equal(await stream.receiveInto(buffer), 3);
    assert.equal(text(buffer), "Hel");
    assert.equal(await stream.receiveInto(buffer), 2);
    assert.equal(text(buffer.subarray(0, 2)), "lo");
    assert.ok((await thrownBy(() => stream.receiveInto(buffer))) instanceof EndOfStream);
    for (const [bad, cls] of [[new Uint8Array(0), RangeError], [null, TypeError], ["abc", TypeError]] as const) {
      const err = await thrownBy(() => stream.receiveInto(bad as unknown as Uint8Array));
      assert.ok(err instanceof cls && /buffer/.test(err.message), `${String(bad)}: ${String(err)}`);
    }
    await stream.aclose();
    assert.ok((await thrownBy(() => stream.receiveInto(buffer))) instanceof ClosedResourceError);
  });

  test("a stream over an AsyncFile reads from the file's position", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("data.txt"), "skip:Hello");
    const file = await openFile(dir.file("data.txt"), "rb");
    await file.seek(5);
    await using stream = new FileReadStream(file);
    assert.equal(text(await stream.receive()), "Hello");
    await stream.aclose();
    assert.equal(file.closed, true, "closing the stream closes its file");
  });

  test("maxBytes must be a whole number >= 1", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("data.txt"), "Hello");
    await using stream = await FileReadStream.fromPath(dir.file("data.txt"));
    for (const [maxBytes, cls] of [[0, RangeError], [-1, RangeError], [1.5, RangeError], ["1", TypeError]] as const) {
      const err = await thrownBy(() => stream.receive(maxBytes as number));
      assert.ok(err instanceof cls && /maxBytes/.test(err.message), `${maxBytes}: ${String(err)}`);
    }
    assert.equal(text(await stream.receive()), "Hello", "nothing was read");
  });

  test("receive after closing raises ClosedResourceError; closing twice is fine", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("data.txt"), "Hello");
    const stream = await FileReadStream.fromPath(dir.file("data.txt"));
    await stream.aclose();
    await stream.aclose();
    assert.ok((await thrownBy(() => stream.receive())) instanceof ClosedResourceError);
    assert.ok((await thrownBy(() => stream.tell())) instanceof ClosedResourceError);
    assert.deepEqual(descriptorsUnder(dir.path), []);
  });

  test("seek and tell move and report the position of the next receive", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("data.txt"), "Hello");
    await using stream = await FileReadStream.fromPath(dir.file("data.txt"));
    assert.equal(await stream.seek(2), 2);
    assert.equal(await stream.tell(), 2);
    assert.equal(text(await stream.receive()), "llo");
    assert.equal(await stream.tell(), 5);
    assert.equal(await stream.seek(-4, 2), 1);
    assert.equal(text(await stream.receive(1)), "e");
  });

  test("for await receives the whole file in chunks", async () => {
    using dir = tempDir();
    const data = pattern(300_000, 4);
    writeFileSync(dir.file("a.bin"), data);
    await using stream = await FileReadStream.fromPath(dir.file("a.bin"));
    const chunks: Uint8Array[] = [];
    for await (const chunk of stream) {
      assert.ok(chunk.byteLength >= 1 && chunk.byteLength <= 65536);
      chunks.push(chunk);
    }
    assertBytes(concat(chunks), data);
  });

  test("typed attributes: path, file and (where the runtime has one) the descriptor", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("data.txt"), "Hello");
    await using stream = await FileReadStream.fromPath(dir.file("data.txt"));
    assert.equal(stream.extra(FileStreamAttribute.path), dir.file("data.txt"));
    const file = stream.extra(FileStreamAttribute.file);
    assert.ok(file instanceof AsyncFile);
    assert.equal(file.mode, "rb");
    if (getBackend().name === "deno") {
      // Deno's files have no visible descriptor, so the attribute is not provided.
      assert.ok((await thrownBy(() => stream.extra(FileStreamAttribute.fileno))) instanceof TypedAttributeLookupError);
      assert.equal(stream.extra(FileStreamAttribute.fileno, -1), -1);
    } else {
      const fileno = stream.extra(FileStreamAttribute.fileno);
      assert.ok(Number.isInteger(fileno) && fileno > 2, String(fileno));
      assert.ok(descriptorsUnder(dir.path).some((fd) => fd.startsWith(`${fileno} -> `)));
    }
    // Through a wrapper too.
    const buffered = new BufferedByteReceiveStream(stream);
    assert.equal(buffered.extra(FileStreamAttribute.path), dir.file("data.txt"));
  });

  test("a wrapper reads lines through it", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("lines.txt"), "alpha\nbeta\n");
    await using stream = await FileReadStream.fromPath(dir.file("lines.txt"));
    const buffered = new BufferedByteReceiveStream(stream);
    assert.equal(text(await buffered.receiveUntil(bytes("\n"), 100)), "alpha");
    assert.equal(text(await buffered.receiveUntil(bytes("\n"), 100)), "beta");
  });

  test("a read error breaks the stream, with the OSError as cause", async () => {
    using dir = tempDir();
    mkdirSync(dir.file("sub"));
    await using stream = new FileReadStream(await openFile(dir.file("sub"), "rb"));
    const err = await thrownBy(() => stream.receive());
    assert.ok(err instanceof BrokenResourceError, String(err));
    assert.ok(err.cause instanceof OSError && err.cause.code === "EISDIR", String(err.cause));
    assert.equal(err.cause.path, dir.file("sub"));
  });

  test("opening a missing file raises the OSError itself", async () => {
    using dir = tempDir();
    const err = await thrownBy(() => FileReadStream.fromPath(dir.file("missing")));
    assert.ok(err instanceof OSError && err.code === "ENOENT" && err.path === dir.file("missing"), String(err));
  });

  test("receives from several tasks run in turn: consecutive chunks, no BusyResourceError", async () => {
    using dir = tempDir();
    const data = pattern(50_000, 8);
    writeFileSync(dir.file("a.bin"), data);
    await using stream = await FileReadStream.fromPath(dir.file("a.bin"));
    const results: Uint8Array[] = [];
    await withTaskGroup(async (tg) => {
      for (let i = 0; i < 5; i++) tg.startSoon(async () => void (results[i] = await stream.receive(10_000)));
    });
    assertBytes(concat(results), data);
  });

  test("a cancelled receive reads nothing", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("data.txt"), "Hello");
    await using stream = await FileReadStream.fromPath(dir.file("data.txt"));
    const scope = new CancelScope();
    scope.cancel();
    let raised: unknown;
    await scope.run(async () => {
      try {
        await stream.receive();
      } catch (err) {
        raised = err;
        throw err;
      }
    });
    assert.ok(isCancelled(raised));
    assert.equal(text(await stream.receive()), "Hello");
  });

  test("the constructors take binary files open in their direction only", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("a.txt"), "x");
    await using textFile = await openFile(dir.file("a.txt"), "r");
    await using writeOnly = await openFile(dir.file("b.bin"), "wb");
    await using readOnly = await openFile(dir.file("a.txt"), "rb");
    const cases: Array<[() => unknown, RegExp]> = [
      [() => new FileReadStream(textFile as never), /binary mode for reading/],
      [() => new FileReadStream(writeOnly), /binary mode for reading/],
      [() => new FileWriteStream(readOnly), /binary mode for writing/],
      [() => new FileWriteStream(textFile as never), /binary mode for writing/],
      [() => new FileReadStream({} as never), /must be an AsyncFile/],
      [() => new FileWriteStream(null as never), /must be an AsyncFile/],
    ];
    for (const [make, message] of cases) {
      const err = await thrownBy(make);
      assert.ok(err instanceof TypeError && message.test(err.message), String(err));
    }
  });
});

describe("fs/file streams write", () => {
  test("send writes the bytes; fromPath empties an existing file", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("out.txt"), "previous content");
    {
      await using stream = await FileWriteStream.fromPath(dir.file("out.txt"));
      await stream.send(bytes("Hel"));
      await stream.send(bytes("lo"));
    }
    assert.equal(readFileSync(dir.file("out.txt"), "utf8"), "Hello");
  });

  test("append: true appends to the file", async () => {
    using dir = tempDir();
    writeFileSync(dir.file("out.txt"), "Hello");
    {
      await using stream = await FileWriteStream.fromPath(dir.file("out.txt"), { append: true });
      await stream.send(bytes(", World!"));
    }
    assert.equal(readFileSync(dir.file("out.txt"), "utf8"), "Hello, World!");
    for (const options of [{ append: 1 }, "yes", null]) {
      const err = await thrownBy(() => FileWriteStream.fromPath(dir.file("out.txt"), options as never));
      assert.ok(err instanceof TypeError, String(err));
    }
    assert.equal(readFileSync(dir.file("out.txt"), "utf8"), "Hello, World!", "bad options open nothing");
  });

  test("send after closing raises ClosedResourceError; send checks its argument", async () => {
    using dir = tempDir();
    const stream = await FileWriteStream.fromPath(dir.file("out.txt"));
    const err = await thrownBy(() => stream.send("text" as never));
    assert.ok(err instanceof TypeError && /data must be a Uint8Array/.test(err.message), String(err));
    await stream.aclose();
    await stream.aclose();
    assert.ok((await thrownBy(() => stream.send(bytes("foo")))) instanceof ClosedResourceError);
    assert.equal(readFileSync(dir.file("out.txt"), "utf8"), "");
  });

  test("typed attributes of a write stream", async () => {
    using dir = tempDir();
    await using stream = await FileWriteStream.fromPath(dir.file("out.bin"));
    assert.equal(stream.extra(FileStreamAttribute.path), dir.file("out.bin"));
    assert.equal(stream.extra(FileStreamAttribute.file).mode, "wb");
    const fileno = stream.extra(FileStreamAttribute.fileno, undefined);
    assert.equal(typeof fileno, getBackend().name === "deno" ? "undefined" : "number");
  });

  test("32 MiB copied through a read stream into a write stream, byte for byte", async () => {
    using dir = tempDir();
    const data = pattern(32 << 20, 3);
    writeFileSync(dir.file("src.bin"), data);
    {
      await using source = await FileReadStream.fromPath(dir.file("src.bin"));
      await using target = await FileWriteStream.fromPath(dir.file("dst.bin"));
      let largest = 0;
      for await (const chunk of source) {
        largest = Math.max(largest, chunk.byteLength);
        await target.send(chunk);
      }
      assert.equal(largest, 65536, "memory stays bounded by maxBytes");
    }
    assertBytes(new Uint8Array(readFileSync(dir.file("dst.bin"))), data);
  });

  test("sends from several tasks are each written whole, in call order", async () => {
    using dir = tempDir();
    const parts = [...Array(8).keys()].map((i) => pattern(100_000 + i, i));
    {
      await using stream = await FileWriteStream.fromPath(dir.file("out.bin"));
      await withTaskGroup(async (tg) => {
        for (const part of parts) tg.startSoon(() => stream.send(part));
      });
    }
    assertBytes(new Uint8Array(readFileSync(dir.file("out.bin"))), concat(parts));
  });
});
