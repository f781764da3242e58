/**
 * Memory object streams under cancellation: a cancelled operation never loses,
 * duplicates or reorders an item. A waiter cancelled before the hand-over leaves no
 * trace; one cancelled after it completes anyway (completion wins).
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { type Op, spawnOp, untilDone, untilReceivers, untilSenders } from "./helpers.ts";
import { isCancelled, withTaskGroup, WouldBlock } from "../../src/index.ts";
import { createMemoryObjectStream } from "../../src/streams/index.ts";

describe("streams/memory", () => {
  describe("cancellation", () => {
    test("a cancelled receiver leaves the queue: a later sendNowait finds nobody", async () => {
      const [send, receive] = createMemoryObjectStream<string>();
      await withTaskGroup(async (tg) => {
        const receiver = spawnOp(tg, () => receive.receive());
        await untilReceivers(receive, 1);
        tg.cancel();
        // Removal is synchronous: no item can be handed to it from here on.
        assert.equal(receive.statistics().tasksWaitingReceive, 0);
        await untilDone([receiver]);
        assert.equal(receiver.outcome, "Cancelled");
      });
      assert.throws(() => send.sendNowait("hello"), WouldBlock);
      send.close();
      receive.close();
    });

    test("a cancelled sender takes its item back: nothing is left to receive", async () => {
      const [send, receive] = createMemoryObjectStream<string>();
      await withTaskGroup(async (tg) => {
        spawnOp(tg, () => send.send("hello"));
        await untilSenders(send, 1);
        tg.cancel();
        assert.equal(send.statistics().tasksWaitingSend, 0);
      });
      assert.throws(() => receive.receiveNowait(), WouldBlock);
      send.close();
      receive.close();
    });

    test("a cancelled buffered sender leaves only the items that were accepted", async () => {
      const [send, receive] = createMemoryObjectStream<number>(1);
      send.sendNowait(1);
      await withTaskGroup(async (tg) => {
        const sender = spawnOp(tg, () => send.send(2));
        await untilSenders(send, 1);
        sender.scope.cancel();
        await untilDone([sender]);
        assert.equal(sender.outcome, "Cancelled");
      });
      assert.equal(receive.receiveNowait(), 1);
      assert.throws(() => receive.receiveNowait(), WouldBlock);
      send.close();
      receive.close();
    });

    test("a receiver handed an item returns it although cancelled right after", async () => {
      const [send, receive] = createMemoryObjectStream<string>();
      await withTaskGroup(async (tg) => {
        const receiver = spawnOp(tg, () => receive.receive());
        await untilReceivers(receive, 1);
        send.sendNowait("hello");
        receiver.scope.cancel();
        await untilDone([receiver]);
        assert.equal(receiver.outcome, "ok");
        assert.equal(receiver.value, "hello");
        assert.equal(receiver.scope.cancelCalled, true);
      });
      send.close();
      receive.close();
    });

    test("a receiver cancelled before the send is skipped: the item stays buffered", async () => {
      const [send, receive] = createMemoryObjectStream<string>(1);
      await withTaskGroup(async (tg) => {
        const receiver = spawnOp(tg, () => receive.receive());
        await untilReceivers(receive, 1);
        receiver.scope.cancel();
        send.sendNowait("item");
        await untilDone([receiver]);
        assert.equal(receiver.outcome, "Cancelled");
      });
      assert.equal(receive.receiveNowait(), "item");
      send.close();
      receive.close();
    });

    test("a receiver cancelled before the send is skipped: the next receiver gets the item", async () => {
      const [send, receive] = createMemoryObjectStream<string>(0);
      await withTaskGroup(async (tg) => {
        const first = spawnOp(tg, () => receive.receive());
        await untilReceivers(receive, 1);
        const second = spawnOp(tg, () => receive.receive());
        await untilReceivers(receive, 2);
        first.scope.cancel();
        send.sendNowait("item");
        await untilDone([first, second]);
        assert.equal(first.outcome, "Cancelled");
        assert.equal(second.value, "item");
      });
      send.close();
      receive.close();
    });

    test("a sender whose item was taken completes although cancelled right after", async () => {
      const [send, receive] = createMemoryObjectStream<string>(0);
      await withTaskGroup(async (tg) => {
        const sender = spawnOp(tg, () => send.send("hello"));
        await untilSenders(send, 1);
        assert.equal(receive.receiveNowait(), "hello");
        sender.scope.cancel();
        await untilDone([sender]);
        assert.equal(sender.outcome, "ok");
      });
      send.close();
      receive.close();
    });

    test("a sender whose item moved into the buffer completes although cancelled right after", async () => {
      const [send, receive] = createMemoryObjectStream<number>(1);
      send.sendNowait(1);
      await withTaskGroup(async (tg) => {
        const sender = spawnOp(tg, () => send.send(2));
        await untilSenders(send, 1);
        assert.equal(receive.receiveNowait(), 1);
        sender.scope.cancel();
        await untilDone([sender]);
        assert.equal(sender.outcome, "ok");
      });
      // The item is in the stream exactly once.
      assert.equal(receive.receiveNowait(), 2);
      assert.throws(() => receive.receiveNowait(), WouldBlock);
      send.close();
      receive.close();
    });

    test("cancelling a sender in the middle of the queue keeps the others in order", async () => {
      const [send, receive] = createMemoryObjectStream<number>(0);
      await withTaskGroup(async (tg) => {
        const senders: Op<void>[] = [];
        for (let i = 0; i < 4; i++) {
          senders.push(spawnOp(tg, () => send.send(i)));
          await untilSenders(send, i + 1);
        }
        senders[1]!.scope.cancel();
        senders[2]!.scope.cancel();
        assert.equal(send.statistics().tasksWaitingSend, 2);
        assert.equal(await receive.receive(), 0);
        assert.equal(await receive.receive(), 3);
        await untilDone(senders);
        assert.deepEqual(senders.map((op) => op.outcome), ["ok", "Cancelled", "Cancelled", "ok"]);
      });
      send.close();
      receive.close();
    });

    test("cancelling a receiver in the middle of the queue keeps the others in order", async () => {
      const [send, receive] = createMemoryObjectStream<number>(0);
      await withTaskGroup(async (tg) => {
        const receivers: Op<number>[] = [];
        for (let i = 0; i < 4; i++) {
          receivers.push(spawnOp(tg, () => receive.receive()));
          await untilReceivers(receive, i + 1);
        }
        receivers[0]!.scope.cancel();
        receivers[2]!.scope.cancel();
        send.sendNowait(10);
        send.sendNowait(11);
        assert.throws(() => send.sendNowait(12), WouldBlock);
        await untilDone(receivers);
        assert.deepEqual(receivers.map((op) => op.outcome), ["Cancelled", "ok", "Cancelled", "ok"]);
        assert.deepEqual([receivers[1]!.value, receivers[3]!.value], [10, 11]);
      });
      send.close();
      receive.close();
    });

    test("cancelling a task through its handle while it sends leaves no item behind", async () => {
      const [send, receive] = createMemoryObjectStream<string>(0);
      await withTaskGroup(async (tg) => {
        const handle = tg.startSoon(async function producer() {
          await send.send("never delivered");
        });
        await untilSenders(send, 1);
        handle.cancel("stop");
        assert.equal(send.statistics().tasksWaitingSend, 0);
      });
      assert.throws(() => receive.receiveNowait(), WouldBlock);
      send.close();
      receive.close();
    });

    test("a receiver cancelled while closing wakes others is not handed anything", async () => {
      const [send, receive] = createMemoryObjectStream<number>(0);
      await withTaskGroup(async (tg) => {
        const receivers = [spawnOp(tg, () => receive.receive()), spawnOp(tg, () => receive.receive())];
        await untilReceivers(receive, 2);
        // Completion wins the other way round too: EndOfStream was delivered first.
        send.close();
        receivers[0]!.scope.cancel();
        await untilDone(receivers);
        assert.deepEqual(receivers.map((op) => op.outcome), ["EndOfStream", "EndOfStream"]);
      });
      receive.close();
    });

    test("a sender cancelled after its receivers closed still sees BrokenResourceError", async () => {
      const [send, receive] = createMemoryObjectStream<number>(0);
      await withTaskGroup(async (tg) => {
        const sender = spawnOp(tg, () => send.send(1));
        await untilSenders(send, 1);
        receive.close();
        sender.scope.cancel();
        await untilDone([sender]);
        assert.equal(sender.outcome, "BrokenResourceError");
      });
      send.close();
    });

    test("the level-triggered cancellation reaches the next checkpoint after a completed receive", async () => {
      const [send, receive] = createMemoryObjectStream<string>(1);
      await withTaskGroup(async (tg) => {
        let first: string | undefined;
        let second: unknown;
        const receiver = spawnOp(tg, async () => {
          first = await receive.receive();
          try {
            await receive.receive();
          } catch (err) {
            second = err;
            throw err;
          }
        });
        await untilReceivers(receive, 1);
        send.sendNowait("first");
        receiver.scope.cancel();
        send.sendNowait("stays buffered");
        await untilDone([receiver]);
        // The first receive returned its item; the second raised before taking one.
        assert.equal(first, "first");
        assert.equal(receiver.outcome, "Cancelled");
        assert.ok(isCancelled(second));
      });
      assert.equal(receive.receiveNowait(), "stays buffered");
      send.close();
      receive.close();
    });
  });
});
