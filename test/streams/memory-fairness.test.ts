/**
 * Memory object streams: strict FIFO hand-over (the longest waiter is served first, the
 * non-blocking calls never overtake a waiter) and many producers and consumers through
 * clones, each item reaching exactly one receiver.
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { assertBusyLoopLetsTimerFire } from "../harness/helpers.ts";
import { type Op, spawnOp, untilDone, untilReceivers, untilSenders } from "./helpers.ts";
import { checkpoint, withTaskGroup, WouldBlock } from "../../src/index.ts";
import { createMemoryObjectStream } from "../../src/streams/index.ts";

describe("streams/memory", () => {
  describe("fairness", () => {
    test("the longest-waiting receiver gets the next item", async () => {
      const [send, receive] = createMemoryObjectStream<number>(0);
      await withTaskGroup(async (tg) => {
        const receivers: Op<number>[] = [];
        for (let i = 0; i < 5; i++) {
          receivers.push(spawnOp(tg, () => receive.receive()));
          await untilReceivers(receive, i + 1);
        }
        for (let i = 0; i < 5; i++) await send.send(i);
        await untilDone(receivers);
        assert.deepEqual(receivers.map((op) => op.value), [0, 1, 2, 3, 4]);
      });
      send.close();
      receive.close();
    });

    test("the longest-waiting sender's item goes first", async () => {
      const [send, receive] = createMemoryObjectStream<number>(0);
      await withTaskGroup(async (tg) => {
        const senders: Op<void>[] = [];
        for (let i = 0; i < 5; i++) {
          senders.push(spawnOp(tg, () => send.send(i)));
          await untilSenders(send, i + 1);
        }
        const received: number[] = [];
        for (let i = 0; i < 5; i++) received.push(await receive.receive());
        assert.deepEqual(received, [0, 1, 2, 3, 4]);
        await untilDone(senders);
      });
      send.close();
      receive.close();
    });

    test("with a buffer, buffered items come first, then the waiting senders' in order", async () => {
      const [send, receive] = createMemoryObjectStream<string>(2);
      send.sendNowait("b1");
      send.sendNowait("b2");
      await withTaskGroup(async (tg) => {
        const senders = ["w1", "w2", "w3"].map((item, i) => ({ item, i }));
        const ops: Op<void>[] = [];
        for (const { item, i } of senders) {
          ops.push(spawnOp(tg, () => send.send(item)));
          await untilSenders(send, i + 1);
        }
        const received: string[] = [];
        for (let i = 0; i < 5; i++) received.push(await receive.receive());
        assert.deepEqual(received, ["b1", "b2", "w1", "w2", "w3"]);
        await untilDone(ops);
      });
      send.close();
      receive.close();
    });

    test("sendNowait never overtakes a waiting sender", async () => {
      const [send, receive] = createMemoryObjectStream<string>(1);
      send.sendNowait("first");
      await withTaskGroup(async (tg) => {
        const waiting = spawnOp(tg, () => send.send("second"));
        await untilSenders(send, 1);
        assert.throws(() => send.sendNowait("barging"), WouldBlock);
        assert.equal(receive.receiveNowait(), "first");
        // The freed slot went to the waiting sender, not to a newcomer.
        assert.throws(() => send.sendNowait("barging again"), WouldBlock);
        assert.equal(receive.receiveNowait(), "second");
        await untilDone([waiting]);
      });
      send.close();
      receive.close();
    });

    test("receiveNowait never overtakes a waiting receiver", async () => {
      const [send, receive] = createMemoryObjectStream<string>(1);
      await withTaskGroup(async (tg) => {
        const waiting = spawnOp(tg, () => receive.receive());
        await untilReceivers(receive, 1);
        send.sendNowait("for the waiter");
        assert.throws(() => receive.receiveNowait(), WouldBlock);
        await untilDone([waiting]);
        assert.equal(waiting.value, "for the waiter");
      });
      send.close();
      receive.close();
    });

    test("a task that sends in a loop does not starve a parked sender", async () => {
      const [send, receive] = createMemoryObjectStream<string>(0);
      await withTaskGroup(async (tg) => {
        const parked = spawnOp(tg, () => send.send("parked"));
        await untilSenders(send, 1);
        const looper = spawnOp(tg, async () => {
          for (let i = 0; i < 3; i++) await send.send(`loop ${i}`);
        });
        await untilSenders(send, 2);
        const received: string[] = [];
        for (let i = 0; i < 4; i++) received.push(await receive.receive());
        assert.equal(received[0], "parked");
        assert.deepEqual(received.slice(1), ["loop 0", "loop 1", "loop 2"]);
        await untilDone([parked, looper]);
      });
      send.close();
      receive.close();
    });
  });

  describe("busy loops", () => {
    test("a loop of sends and receives that never wait does not starve a timer", async () => {
      const [send, receive] = createMemoryObjectStream<number>(1);
      await assertBusyLoopLetsTimerFire(async (spin) => {
        await send.send(spin);
        assert.equal(await receive.receive(), spin);
      }, "buffered sends and receives");
      send.close();
      receive.close();
    });

    test("two tasks passing items through a rendezvous do not starve a timer", async () => {
      // Every send and receive here parks, so the fairness yields happen inside the waits.
      const [send, receive] = createMemoryObjectStream<number>(0);
      let expected = 0;
      await withTaskGroup(async (tg) => {
        tg.startSoon(async () => {
          for await (const n of receive) assert.equal(n, expected++);
        });
        await assertBusyLoopLetsTimerFire((spin) => send.send(spin), "rendezvous sends");
        send.close();
      });
      assert.ok(expected > 0);
      receive.close();
    });
  });

  describe("many producers and consumers", () => {
    for (const size of [0, 1, 7, Infinity]) {
      test(`each item reaches exactly one consumer, in order per producer (buffer ${size})`, async () => {
        const PRODUCERS = 4;
        const CONSUMERS = 3;
        const ITEMS = 50;
        const [send, receive] = createMemoryObjectStream<[number, number]>(size);
        const got: [number, number][][] = Array.from({ length: CONSUMERS }, () => []);
        await withTaskGroup(async (tg) => {
          for (let p = 0; p < PRODUCERS; p++) {
            tg.startSoon(async (out: typeof send) => {
              await using s = out;
              for (let i = 0; i < ITEMS; i++) await s.send([p, i]);
            }, send.clone());
          }
          for (let c = 0; c < CONSUMERS; c++) {
            tg.startSoon(async (input: typeof receive) => {
              await using r = input;
              for await (const item of r) {
                got[c]!.push(item);
                // Let the others in, so every consumer gets a share.
                await checkpoint();
              }
            }, receive.clone());
          }
          send.close();
          receive.close();
        });
        const all = got.flat().map(([p, i]) => p * ITEMS + i).sort((a, b) => a - b);
        assert.deepEqual(all, Array.from({ length: PRODUCERS * ITEMS }, (_, k) => k));
        for (const items of got) {
          for (let p = 0; p < PRODUCERS; p++) {
            const seq = items.filter(([q]) => q === p).map(([, i]) => i);
            assert.deepEqual(seq, [...seq].sort((a, b) => a - b), `producer ${p} out of order`);
          }
        }
        assert.ok(got.every((items) => items.length > 0), "a consumer got nothing");
        assert.deepEqual(send.statistics(), {
          currentBufferUsed: 0,
          maxBufferSize: size,
          openSendStreams: 0,
          openReceiveStreams: 0,
          tasksWaitingSend: 0,
          tasksWaitingReceive: 0,
        });
      });
    }

    test("a pipeline of stages passes every item through in order", async () => {
      const [inSend, inReceive] = createMemoryObjectStream<number>(0);
      const [outSend, outReceive] = createMemoryObjectStream<number>(2);
      const results: number[] = [];
      await withTaskGroup(async (tg) => {
        tg.startSoon(async () => {
          await using s = inSend;
          for (let i = 0; i < 100; i++) await s.send(i);
        });
        tg.startSoon(async () => {
          await using r = inReceive;
          await using s = outSend;
          for await (const n of r) await s.send(n * 2);
        });
        await using r = outReceive;
        for await (const n of r) results.push(n);
      });
      assert.deepEqual(results, Array.from({ length: 100 }, (_, i) => i * 2));
    });
  });
});
