/**
 * Memory object streams: clones, closing, and the errors that follow (EndOfStream,
 * BrokenResourceError, ClosedResourceError), including what happens to tasks parked at
 * the moment an end is closed.
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { throwsOrRejects } from "../harness/helpers.ts";
import { spawnOp, untilDone, untilReceivers, untilSenders } from "./helpers.ts";
import {
  BrokenResourceError,
  CancelScope,
  checkpoint,
  ClosedResourceError,
  EndOfStream,
  withTaskGroup,
  WouldBlock,
} from "../../src/index.ts";
import { createMemoryObjectStream } from "../../src/streams/index.ts";

describe("streams/memory", () => {
  describe("clone", () => {
    test("a clone keeps its side open after the original is closed", async () => {
      const [send1, receive1] = createMemoryObjectStream<string>(1);
      const send2 = send1.clone();
      const receive2 = receive1.clone();
      await send1.aclose();
      await receive1.aclose();
      send2.sendNowait("hello");
      assert.equal(receive2.receiveNowait(), "hello");
      send2.close();
      receive2.close();
    });

    test("cloning a closed end raises ClosedResourceError", async () => {
      const [send, receive] = createMemoryObjectStream<never>(1);
      await send.aclose();
      await receive.aclose();
      assert.throws(() => send.clone(), ClosedResourceError);
      assert.throws(() => receive.clone(), ClosedResourceError);
    });

    test("a clone of a clone shares the same stream", () => {
      const [send, receive] = createMemoryObjectStream<number>(3);
      const grandchild = send.clone().clone();
      grandchild.sendNowait(7);
      assert.equal(receive.clone().clone().receiveNowait(), 7);
      assert.equal(send.statistics().openSendStreams, 3);
      assert.equal(send.statistics().openReceiveStreams, 3);
    });

    test("receivers see end of stream only once every send clone is closed", async () => {
      const [send, receive] = createMemoryObjectStream<string>(1);
      const other = send.clone();
      send.close();
      assert.throws(() => receive.receiveNowait(), WouldBlock);
      other.sendNowait("from the clone");
      other.close();
      assert.equal(await receive.receive(), "from the clone");
      await throwsOrRejects(() => receive.receive(), EndOfStream);
      receive.close();
    });
  });

  describe("closing the send side", () => {
    test("receivers drain the buffer, then raise EndOfStream", async () => {
      const [send, receive] = createMemoryObjectStream<string>(2);
      await send.send("hello");
      await send.send("world");
      await send.aclose();
      assert.equal(await receive.receive(), "hello");
      assert.equal(receive.receiveNowait(), "world");
      await throwsOrRejects(() => receive.receive(), EndOfStream);
      assert.throws(() => receive.receiveNowait(), EndOfStream);
      receive.close();
    });

    test("receiveNowait raises EndOfStream and send raises ClosedResourceError", async () => {
      const [send, receive] = createMemoryObjectStream<null>();
      await send.aclose();
      assert.throws(() => receive.receiveNowait(), EndOfStream);
      await throwsOrRejects(() => send.send(null), ClosedResourceError);
      assert.throws(() => send.sendNowait(null), ClosedResourceError);
      receive.close();
    });

    test("closing the last send end wakes every parked receiver with EndOfStream", async () => {
      const [send, receive] = createMemoryObjectStream<never>(1);
      const other = receive.clone();
      await withTaskGroup(async (tg) => {
        const ops = [spawnOp(tg, () => receive.receive()), spawnOp(tg, () => other.receive())];
        await untilReceivers(receive, 2);
        await send.aclose();
        assert.equal(receive.statistics().tasksWaitingReceive, 0);
        await untilDone(ops);
        assert.deepEqual(ops.map((op) => op.outcome), ["EndOfStream", "EndOfStream"]);
        assert.ok(ops[0]!.error instanceof EndOfStream);
      });
      receive.close();
      other.close();
    });

    test("closing a send clone wakes only the senders parked on that clone", async () => {
      const [send, receive] = createMemoryObjectStream<string>(0);
      const other = send.clone();
      await withTaskGroup(async (tg) => {
        const onClone = spawnOp(tg, () => other.send("from the clone"));
        await untilSenders(send, 1);
        const onOriginal = spawnOp(tg, () => send.send("from the original"));
        await untilSenders(send, 2);
        other.close();
        assert.equal(send.statistics().tasksWaitingSend, 1);
        await untilDone([onClone]);
        assert.ok(onClone.error instanceof ClosedResourceError);
        // Its item was never handed over; the other sender's item is next.
        assert.equal(await receive.receive(), "from the original");
        await untilDone([onOriginal]);
        assert.equal(onOriginal.outcome, "ok");
      });
      send.close();
      receive.close();
    });

    test("a parked receiver gets EndOfStream when the clones close one after another", async () => {
      const [send, receive] = createMemoryObjectStream<number>(0);
      const clones = [send.clone(), send.clone()];
      await withTaskGroup(async (tg) => {
        const receiver = spawnOp(tg, () => receive.receive());
        await untilReceivers(receive, 1);
        send.close();
        clones[0]!.close();
        await checkpoint();
        assert.equal(receiver.done, false);
        clones[1]!.close();
        await untilDone([receiver]);
        assert.equal(receiver.outcome, "EndOfStream");
      });
      receive.close();
    });
  });

  describe("closing the receive side", () => {
    test("receiveNowait raises ClosedResourceError and send raises BrokenResourceError", async () => {
      const [send, receive] = createMemoryObjectStream<null>();
      await receive.aclose();
      assert.throws(() => receive.receiveNowait(), ClosedResourceError);
      await throwsOrRejects(() => receive.receive(), ClosedResourceError);
      await throwsOrRejects(() => send.send(null), BrokenResourceError);
      assert.throws(() => send.sendNowait(null), BrokenResourceError);
      send.close();
    });

    test("closing the last receive end wakes parked senders with BrokenResourceError", async () => {
      // null as the item: a falsy item must not look like "no item" (AnyIO #731).
      const [send, receive] = createMemoryObjectStream<null>(0);
      await withTaskGroup(async (tg) => {
        const senders = [spawnOp(tg, () => send.send(null)), spawnOp(tg, () => send.clone().send(null))];
        await untilSenders(send, 2);
        await receive.aclose();
        assert.equal(send.statistics().tasksWaitingSend, 0);
        await untilDone(senders);
        assert.deepEqual(senders.map((op) => op.outcome), ["BrokenResourceError", "BrokenResourceError"]);
      });
      send.close();
    });

    test("closing the last receive end drops the buffered items", () => {
      const [send, receive] = createMemoryObjectStream<object>(2);
      send.sendNowait({});
      send.sendNowait({});
      receive.close();
      assert.equal(send.statistics().currentBufferUsed, 0);
      assert.throws(() => send.sendNowait({}), BrokenResourceError);
      send.close();
    });

    test("closing a receive clone wakes only the receivers parked on that clone", async () => {
      const [send, receive] = createMemoryObjectStream<string>(0);
      const other = receive.clone();
      await withTaskGroup(async (tg) => {
        const onClone = spawnOp(tg, () => other.receive());
        await untilReceivers(receive, 1);
        const onOriginal = spawnOp(tg, () => receive.receive());
        await untilReceivers(receive, 2);
        other.close();
        assert.equal(receive.statistics().tasksWaitingReceive, 1);
        send.sendNowait("next");
        await untilDone([onClone, onOriginal]);
        assert.ok(onClone.error instanceof ClosedResourceError);
        assert.equal(onOriginal.value, "next");
      });
      send.close();
      receive.close();
    });

    test("closing a receive end wakes its own parked receiver with ClosedResourceError", async () => {
      const [send, receive] = createMemoryObjectStream<string>(0);
      await withTaskGroup(async (tg) => {
        const receiver = spawnOp(tg, () => receive.receive());
        await untilReceivers(receive, 1);
        receive.close();
        await untilDone([receiver]);
        assert.equal(receiver.outcome, "ClosedResourceError");
      });
      assert.throws(() => send.sendNowait("late"), BrokenResourceError);
      send.close();
    });
  });

  describe("close", () => {
    test("is idempotent: close, aclose and disposal count an end once", async () => {
      const [send, receive] = createMemoryObjectStream<number>();
      const spare = send.clone();
      send.close();
      send.close();
      await send.aclose();
      send[Symbol.dispose]();
      await send[Symbol.asyncDispose]();
      assert.equal(receive.statistics().openSendStreams, 1);
      receive.close();
      await receive.aclose();
      receive[Symbol.dispose]();
      assert.equal(spare.statistics().openReceiveStreams, 0);
      spare.close();
      assert.equal(spare.statistics().openSendStreams, 0);
    });

    test("using closes both ends when the block ends", () => {
      const [send, receive] = createMemoryObjectStream<null>(1);
      {
        using _send = send;
        using _receive = receive;
      }
      assert.throws(() => send.sendNowait(null), ClosedResourceError);
      assert.throws(() => receive.receiveNowait(), ClosedResourceError);
    });

    test("await using closes both ends, even when the block throws", async () => {
      const [send, receive] = createMemoryObjectStream<null>(1);
      const boom = new Error("boom");
      await throwsOrRejects(async () => {
        await using _send = send;
        await using _receive = receive;
        throw boom;
      }, Error, /boom/);
      assert.equal(send.statistics().openSendStreams, 0);
      assert.equal(send.statistics().openReceiveStreams, 0);
    });

    test("aclose in a cancelled scope closes without raising", async () => {
      const [send, receive] = createMemoryObjectStream<number>();
      const scope = new CancelScope();
      let closedQuietly = false;
      await scope.run(async () => {
        scope.cancel();
        await send.aclose();
        await receive.aclose();
        closedQuietly = true;
        await checkpoint();
      });
      assert.equal(closedQuietly, true);
      assert.equal(send.statistics().openSendStreams, 0);
      assert.equal(send.statistics().openReceiveStreams, 0);
    });

    test("a closed send end raises ClosedResourceError even when the receivers are gone", async () => {
      const [send, receive] = createMemoryObjectStream<number>(1);
      receive.close();
      send.close();
      await throwsOrRejects(() => send.send(1), ClosedResourceError);
      assert.throws(() => send.sendNowait(1), ClosedResourceError);
    });

    test("a closed receive end raises ClosedResourceError even with items buffered", async () => {
      const [send, receive] = createMemoryObjectStream<number>(1);
      const other = receive.clone();
      send.sendNowait(1);
      receive.close();
      assert.throws(() => receive.receiveNowait(), ClosedResourceError);
      await throwsOrRejects(() => receive.receive(), ClosedResourceError);
      assert.equal(other.receiveNowait(), 1);
      send.close();
      other.close();
    });

    test("an end closed while its send waits for a checkpoint raises ClosedResourceError", async () => {
      const [send, receive] = createMemoryObjectStream<number>(1);
      await withTaskGroup(async (tg) => {
        const sender = spawnOp(tg, () => send.send(1));
        // The sender starts, enters send() and yields at its checkpoint; close it then.
        tg.startSoon(() => send.close());
        await untilDone([sender]);
        assert.equal(sender.outcome, "ClosedResourceError");
      });
      assert.equal(receive.statistics().currentBufferUsed, 0);
      receive.close();
    });
  });
});
