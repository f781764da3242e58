/**
 * `receiveInto(buffer)` on socket streams, on every backend: the bytes of `receive()`
 * without a new array per call, with the same end of stream, busy, closed and
 * cancellation rules, and a buffer that a cancelled call leaves untouched.
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { rejectsWithoutThrowing, thrownBy } from "../harness/helpers.ts";
import {
  BusyResourceError,
  CancelScope,
  checkpoint,
  ClosedResourceError,
  EndOfStream,
  isCancelled,
  type SocketStream,
  withTaskGroup,
} from "../../src/index.ts";
import { assertBytes, concat, pattern, receiveAll, receiveExactly, str, tcpPair, text } from "./helpers.ts";

/** Receives into `buffer` until `n` bytes came, copying each call's bytes out. */
async function receiveIntoExactly(stream: SocketStream, buffer: Uint8Array, n: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (let got = 0; got < n;) {
    const count = await stream.receiveInto(buffer.subarray(0, Math.min(buffer.byteLength, n - got)));
    assert.ok(count >= 1 && count <= buffer.byteLength, `received ${count} into ${buffer.byteLength} bytes`);
    parts.push(buffer.slice(0, count));
    got += count;
  }
  return concat(parts);
}

describe("net/tcp stream receiveInto", () => {
  test("fills the caller's buffer with at most its length, every byte in order", async () => {
    await using pair = await tcpPair();
    const sent = pattern(300_000, 3);
    await withTaskGroup(async (tg) => {
      tg.startSoon(() => pair.client.send(sent));
      assertBytes(await receiveIntoExactly(pair.server, new Uint8Array(7001), sent.byteLength), sent);
    });
  });

  test("a buffer larger than what arrived gets what there is, and the rest is left alone", async () => {
    await using pair = await tcpPair();
    await pair.client.send(text("abc"));
    await pair.client.sendEof();
    const buffer = new Uint8Array(100).fill(9);
    let got = 0;
    while (got < 3) got += await pair.server.receiveInto(buffer.subarray(got));
    assert.equal(str(buffer.subarray(0, 3)), "abc");
    assert.ok(buffer.subarray(3).every((b) => b === 9), "bytes past the received ones changed");
  });

  test("chunks from receive() stay intact while receiveInto reuses its buffer", async () => {
    // A backend that reads into buffers of its own may read into one again once
    // receiveInto copied it out, but never one that receive() handed out a view of,
    // even partly: the chunks kept here would change under the caller.
    await using pair = await tcpPair();
    const size = 65536;
    const kept: Array<[Uint8Array, Uint8Array]> = [];
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => {
        for (let i = 0; i < 24; i++) {
          await pair.client.send(pattern(size, i));
          await receiveExactly(pair.client, 1); // the server took this message
        }
      });
      const buffer = new Uint8Array(size);
      for (let i = 0; i < 24; i++) {
        let message: Uint8Array;
        if (i % 3 === 0) message = await receiveExactly(pair.server, size);
        else if (i % 3 === 1) message = await receiveIntoExactly(pair.server, buffer, size);
        else {
          // A part by receive() (a view), then the rest by receiveInto.
          const head = await pair.server.receive(10);
          message = concat([head, await receiveIntoExactly(pair.server, buffer, size - head.byteLength)]);
          kept.push([head, pattern(size, i).subarray(0, head.byteLength)]);
        }
        kept.push([message, pattern(size, i)]);
        await pair.server.send(text("k"));
      }
    });
    for (const [chunk, expected] of kept) assertBytes(chunk, expected);
  });

  test("raises EndOfStream once the peer finished sending, and keeps raising it", async () => {
    await using pair = await tcpPair();
    await pair.client.send(text("last"));
    await pair.client.sendEof();
    const buffer = new Uint8Array(16);
    assert.equal(str(await receiveIntoExactly(pair.server, buffer, 4)), "last");
    for (let i = 0; i < 2; i++) {
      assert.ok((await thrownBy(() => pair.server.receiveInto(buffer))) instanceof EndOfStream);
    }
  });

  test("a bad buffer is refused at the call, as a rejection naming it", async () => {
    await using pair = await tcpPair();
    for (const bad of [null, "text", [1, 2], new ArrayBuffer(8), new DataView(new ArrayBuffer(8))]) {
      const err = await rejectsWithoutThrowing(() => pair.server.receiveInto(bad as unknown as Uint8Array), TypeError);
      assert.match(String(err), /buffer/);
    }
    const err = await rejectsWithoutThrowing(() => pair.server.receiveInto(new Uint8Array(0)), RangeError);
    assert.match(String(err), /buffer/);
    // Nothing was taken by the refused calls.
    await pair.client.send(text("ok"));
    await pair.client.sendEof();
    assert.equal(str(await receiveAll(pair.server)), "ok");
  });

  test("receiveInto and receive share one direction: a second receiver is busy", async () => {
    await using pair = await tcpPair();
    const buffer = new Uint8Array(8);
    await withTaskGroup(async (tg) => {
      tg.startSoon(() => pair.server.receiveInto(buffer));
      await checkpoint();
      await rejectsWithoutThrowing(() => pair.server.receive(), BusyResourceError);
      await rejectsWithoutThrowing(() => pair.server.receiveInto(new Uint8Array(8)), BusyResourceError);
      await pair.client.send(text("x"));
    });
    assert.equal(str(buffer.subarray(0, 1)), "x");
  });

  test("a cancelled receiveInto takes nothing and leaves the buffer untouched", async () => {
    await using pair = await tcpPair();
    const buffer = new Uint8Array(32).fill(0xaa);
    await withTaskGroup(async (tg) => {
      const scope = new CancelScope();
      tg.startSoon(() => scope.run(() => pair.server.receiveInto(buffer)));
      await checkpoint();
      scope.cancel();
    });
    await pair.client.send(text("kept"));
    await pair.client.sendEof();
    assert.ok(buffer.every((b) => b === 0xaa), "the cancelled call wrote into the buffer");
    assert.equal(str(await receiveAll(pair.server)), "kept");
  });

  test("in a cancelled scope it raises Cancelled, takes nothing and writes nothing", async () => {
    await using pair = await tcpPair();
    await pair.client.send(text("data"));
    await pair.client.sendEof();
    const buffer = new Uint8Array(32).fill(0xaa);
    const scope = new CancelScope();
    scope.cancel();
    let raised: unknown;
    await scope.run(async () => {
      try {
        await pair.server.receiveInto(buffer);
      } catch (err) {
        raised = err;
        throw err;
      }
    });
    assert.ok(isCancelled(raised), String(raised));
    assert.ok(buffer.every((b) => b === 0xaa), "the cancelled call wrote into the buffer");
    assert.equal(str(await receiveAll(pair.server)), "data");
  });

  test("on a closed stream, or one closed while waiting, raises ClosedResourceError", async () => {
    await using pair = await tcpPair();
    const errors: unknown[] = [];
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => errors.push(await thrownBy(() => pair.server.receiveInto(new Uint8Array(8)))));
      await checkpoint();
      await pair.server.aclose();
    });
    assert.ok(errors[0] instanceof ClosedResourceError, String(errors[0]));
    await rejectsWithoutThrowing(() => pair.server.receiveInto(new Uint8Array(8)), ClosedResourceError);
  });
});
