/**
 * A process's stdin, stdout and stderr as streams, on every backend: end of stream,
 * busy and closed streams, broken pipes, and cancellation that loses nothing. In the
 * spirit of the socket stream tests.
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { rejectsWithoutThrowing, thrownBy } from "../harness/helpers.ts";
import {
  BrokenResourceError,
  BusyResourceError,
  checkpoint,
  ClosedResourceError,
  EndOfStream,
  isCancelled,
  withTaskGroup,
} from "../../src/index.ts";
import { openProcess } from "../../src/process/index.ts";
import { assertBytes, concat, pattern, receiveAll, str, text } from "./helpers.ts";

describe("process/streams", () => {
  test("stdout raises EndOfStream at its end, and again after", async () => {
    await using proc = await openProcess(["echo", "hi"], { stdin: "ignore" });
    assert.equal(str(await proc.stdout!.receive()), "hi\n");
    assert.ok((await thrownBy(() => proc.stdout!.receive())) instanceof EndOfStream);
    assert.ok((await thrownBy(() => proc.stdout!.receive())) instanceof EndOfStream);
    assert.ok((await thrownBy(() => proc.stderr!.receive())) instanceof EndOfStream);
  });

  test("receive returns at most maxBytes and checks it", async () => {
    await using proc = await openProcess(["printf", "abcdefghij"], { stdin: "ignore" });
    const parts: string[] = [];
    let total = 0;
    while (total < 10) {
      const chunk = await proc.stdout!.receive(3);
      assert.ok(chunk.byteLength >= 1 && chunk.byteLength <= 3);
      parts.push(str(chunk));
      total += chunk.byteLength;
    }
    assert.equal(parts.join(""), "abcdefghij");
    await rejectsWithoutThrowing(() => proc.stdout!.receive(0), RangeError);
    assert.equal(proc.stdin, null);
  });

  test("receiveInto fills the caller's buffer, checks it, and ends with EndOfStream", async () => {
    await using proc = await openProcess(["cat"]);
    const sent = pattern(200_000, 4);
    const buffer = new Uint8Array(4099).fill(0xaa);
    await rejectsWithoutThrowing(() => proc.stdout!.receiveInto(new Uint8Array(0)), RangeError);
    await rejectsWithoutThrowing(() => proc.stdout!.receiveInto(null as unknown as Uint8Array), TypeError);
    const parts: Uint8Array[] = [];
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => {
        await proc.stdin!.send(sent);
        await proc.stdin!.aclose();
      });
      for (;;) {
        let n: number;
        try {
          n = await proc.stdout!.receiveInto(buffer);
        } catch (err) {
          if (err instanceof EndOfStream) break;
          throw err;
        }
        assert.ok(n >= 1 && n <= buffer.byteLength, `received ${n}`);
        parts.push(buffer.slice(0, n));
      }
    });
    assertBytes(concat(parts), sent);
    await proc.wait();
  });

  test("a cancelled receiveInto takes nothing and leaves the buffer untouched", async () => {
    await using proc = await openProcess(["cat"]);
    const buffer = new Uint8Array(16).fill(0xaa);
    await withTaskGroup(async (tg) => {
      tg.startSoon(() => proc.stdout!.receiveInto(buffer));
      await checkpoint();
      tg.cancelScope.cancel();
    });
    await proc.stdin!.send(text("kept"));
    await proc.stdin!.aclose();
    assert.ok(buffer.every((b) => b === 0xaa), "the cancelled call wrote into the buffer");
    assert.equal(str(await receiveAll(proc.stdout!)), "kept");
  });

  test("send and receive are checkpoints even when they need not wait", async () => {
    await using proc = await openProcess(["cat"]);
    await withTaskGroup(async (tg) => {
      let ran = 0;
      tg.startSoon(() => {
        ran++;
      });
      await proc.stdin!.send(text("ab")); // an empty pipe takes it at once
      assert.equal(ran, 1);
      const first = await proc.stdout!.receive(1); // waits; the rest stays with the stream
      tg.startSoon(() => {
        ran++;
      });
      const second = await proc.stdout!.receive(1);
      assert.equal(ran, 2);
      assert.equal(str(first) + str(second), "ab");
    });
    await proc.stdin!.aclose();
    assert.equal(await proc.wait(), 0);
  });

  test("two receives at once: the second raises BusyResourceError", async () => {
    await using proc = await openProcess(["cat"]);
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => assert.equal(str(await proc.stdout!.receive()), "x"));
      await checkpoint();
      assert.ok((await thrownBy(() => proc.stdout!.receive())) instanceof BusyResourceError);
      await proc.stdin!.send(text("x"));
    });
    await proc.stdin!.aclose();
  });

  test("two sends at once: the second raises BusyResourceError", async () => {
    await using proc = await openProcess(["sleep", "1000"], { stdout: "ignore", stderr: "ignore" });
    await withTaskGroup(async (tg) => {
      // The child never reads: the first send fills the pipe, and the next one waits.
      await proc.stdin!.send(pattern(1 << 20));
      tg.startSoon(() => proc.stdin!.send(text("waits")));
      await checkpoint();
      assert.ok((await thrownBy(() => proc.stdin!.send(text("busy")))) instanceof BusyResourceError);
      proc.kill();
    }).catch((err) => {
      // The waiting send fails once the killed child's pipe breaks.
      if (!(err instanceof AggregateError) || !err.errors.every((e) => e instanceof BrokenResourceError)) throw err;
    });
  });

  test("sending to a child that closed its stdin raises BrokenResourceError", async () => {
    await using proc = await openProcess(["sh", "-c", "exec 0<&-; echo closed; exec sleep 1000"]);
    assert.equal(str(await proc.stdout!.receive()), "closed\n");
    const error = await thrownBy(async () => {
      for (let i = 0; i < 64; i++) await proc.stdin!.send(pattern(65536));
    });
    assert.ok(error instanceof BrokenResourceError, String(error));
    assert.ok(error.cause !== undefined);
    proc.kill();
  });

  test("a cancelled receive takes nothing", async () => {
    await using proc = await openProcess(["cat"]);
    let caught: unknown;
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => {
        try {
          await proc.stdout!.receive();
        } catch (err) {
          caught = err;
          throw err;
        }
      });
      await checkpoint();
      tg.cancelScope.cancel();
    });
    assert.ok(isCancelled(caught));
    await proc.stdin!.send(text("kept"));
    await proc.stdin!.aclose();
    assert.equal(str(await receiveAll(proc.stdout!)), "kept");
  });

  test("a cancelled send sends nothing", async () => {
    await using proc = await openProcess(["cat"]);
    const first = pattern(4 << 20, 1);
    const last = pattern(1000, 2);
    // cat copies the first send to stdout, whose pipe fills since nobody reads yet, so
    // the second send waits until it is cancelled.
    await proc.stdin!.send(first);
    let caught: unknown;
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => {
        try {
          await proc.stdin!.send(text("never sent"));
        } catch (err) {
          caught = err;
          throw err;
        }
      });
      await checkpoint();
      tg.cancelScope.cancel();
    });
    assert.ok(isCancelled(caught), String(caught));
    let output: Uint8Array | undefined;
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => {
        await proc.stdin!.send(last);
        await proc.stdin!.aclose();
      });
      output = await receiveAll(proc.stdout!);
    });
    const expected = new Uint8Array(first.byteLength + last.byteLength);
    expected.set(first);
    expected.set(last, first.byteLength);
    assertBytes(output!, expected);
  });

  test("closed streams raise ClosedResourceError, also in a task waiting on them", async () => {
    await using proc = await openProcess(["cat"]);
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => {
        assert.ok((await thrownBy(() => proc.stdout!.receive())) instanceof ClosedResourceError);
      });
      await checkpoint();
      await proc.stdout!.aclose();
    });
    assert.ok((await thrownBy(() => proc.stdout!.receive())) instanceof ClosedResourceError);
    await proc.stdin!.aclose();
    await proc.stdin!.aclose(); // idempotent
    assert.ok((await thrownBy(() => proc.stdin!.send(text("x")))) instanceof ClosedResourceError);
    await rejectsWithoutThrowing(() => proc.stdin!.send("x" as unknown as Uint8Array), TypeError);
    assert.equal(await proc.wait(), 0);
  });
});
