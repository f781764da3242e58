/**
 * Memory object streams, the basics: creating them, the non-blocking calls, sending and
 * receiving, iteration and statistics. Behaviour follows AnyIO's memory stream tests
 * (tests/streams/test_memory.py) and its "Streams" documentation.
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { thrownBy, throwsOrRejects } from "../harness/helpers.ts";
import { spawnOp, untilDone, untilReceivers, untilSenders, waitUntil } from "./helpers.ts";
import {
  CancelScope,
  checkpoint,
  ClosedResourceError,
  isCancelled,
  withTaskGroup,
  WouldBlock,
} from "../../src/index.ts";
import {
  createMemoryObjectStream,
  MemoryObjectReceiveStream,
  MemoryObjectSendStream,
} from "../../src/streams/index.ts";

describe("streams/memory", () => {
  describe("createMemoryObjectStream", () => {
    test("returns a send end and a receive end, as a tuple", () => {
      const pair = createMemoryObjectStream<number>();
      assert.ok(Array.isArray(pair));
      assert.equal(pair.length, 2);
      const [send, receive] = pair;
      assert.ok(send instanceof MemoryObjectSendStream);
      assert.ok(receive instanceof MemoryObjectReceiveStream);
      send.close();
      receive.close();
    });

    test("defaults to a buffer of 0: a rendezvous", () => {
      const [send, receive] = createMemoryObjectStream<string>();
      assert.equal(send.statistics().maxBufferSize, 0);
      // Nobody is waiting to receive and there is no room: the item cannot go anywhere.
      assert.throws(() => send.sendNowait("x"), WouldBlock);
      assert.equal(send.statistics().currentBufferUsed, 0);
      send.close();
      receive.close();
    });

    test("accepts Infinity: sends never wait", () => {
      const [send, receive] = createMemoryObjectStream<number>(Infinity);
      for (let i = 0; i < 10_000; i++) send.sendNowait(i);
      assert.equal(receive.statistics().currentBufferUsed, 10_000);
      assert.equal(receive.statistics().maxBufferSize, Infinity);
      for (let i = 0; i < 10_000; i++) assert.equal(receive.receiveNowait(), i);
      send.close();
      receive.close();
    });

    test("rejects a negative size with a RangeError naming the argument", () => {
      for (const bad of [-1, -0.5, -Infinity]) {
        assert.throws(() => createMemoryObjectStream(bad), (err: unknown) => {
          assert.ok(err instanceof RangeError, String(err));
          assert.match(err.message, /maxBufferSize/);
          return true;
        });
      }
    });

    test("rejects NaN and non-integer sizes with a RangeError naming the argument", () => {
      for (const bad of [NaN, 1.5, 0.1]) {
        assert.throws(() => createMemoryObjectStream(bad), (err: unknown) => {
          assert.ok(err instanceof RangeError, String(err));
          assert.match(err.message, /maxBufferSize must be an integer or Infinity/);
          return true;
        });
      }
    });

    test("rejects a size that is not a number with a TypeError naming the argument", () => {
      for (const bad of ["1", null, 1n, {}]) {
        assert.throws(() => createMemoryObjectStream(bad as unknown as number), (err: unknown) => {
          assert.ok(err instanceof TypeError, String(err));
          assert.match(err.message, /maxBufferSize must be a number/);
          return true;
        });
      }
    });

    test("works outside run(), in the implicit root", async () => {
      const [send, receive] = createMemoryObjectStream<string>(1);
      await send.send("outside");
      assert.equal(await receive.receive(), "outside");
      send.close();
      receive.close();
    }, { outsideRun: true });
  });

  describe("nowait", () => {
    test("sendNowait then receiveNowait, in order", () => {
      const [send, receive] = createMemoryObjectStream<string>(2);
      send.sendNowait("hello");
      send.sendNowait("anyio");
      assert.equal(receive.receiveNowait(), "hello");
      assert.equal(receive.receiveNowait(), "anyio");
      send.close();
      receive.close();
    });

    test("receiveNowait on an empty stream raises WouldBlock", () => {
      const [send, receive] = createMemoryObjectStream<string>(2);
      assert.throws(() => receive.receiveNowait(), WouldBlock);
      send.close();
      receive.close();
    });

    test("sendNowait into a full buffer raises WouldBlock and leaves the buffer alone", () => {
      const [send, receive] = createMemoryObjectStream<number>(2);
      send.sendNowait(1);
      send.sendNowait(2);
      assert.throws(() => send.sendNowait(3), WouldBlock);
      assert.equal(send.statistics().currentBufferUsed, 2);
      assert.equal(receive.receiveNowait(), 1);
      assert.equal(receive.receiveNowait(), 2);
      assert.throws(() => receive.receiveNowait(), WouldBlock);
      send.close();
      receive.close();
    });

    test("sendNowait hands items to parked receivers, first come first served", async () => {
      const [send, receive] = createMemoryObjectStream<string>(0);
      await withTaskGroup(async (tg) => {
        const first = spawnOp(tg, () => receive.receive());
        await untilReceivers(receive, 1);
        const second = spawnOp(tg, () => receive.receive());
        await untilReceivers(receive, 2);
        send.sendNowait("hello");
        send.sendNowait("anyio");
        assert.throws(() => send.sendNowait("nobody left"), WouldBlock);
        await untilDone([first, second]);
        assert.equal(first.value, "hello");
        assert.equal(second.value, "anyio");
      });
      send.close();
      receive.close();
    });

    test("receiveNowait takes the item of a parked sender, whose send then completes", async () => {
      const [send, receive] = createMemoryObjectStream<string>(0);
      await withTaskGroup(async (tg) => {
        const sender = spawnOp(tg, () => send.send("hello"));
        await untilSenders(send, 1);
        assert.equal(receive.receiveNowait(), "hello");
        assert.equal(receive.statistics().tasksWaitingSend, 0);
        await untilDone([sender]);
        assert.equal(sender.outcome, "ok");
      });
      send.close();
      receive.close();
    });

    test("receiveNowait from a full buffer moves the longest-waiting sender's item in", async () => {
      const [send, receive] = createMemoryObjectStream<string>(1);
      send.sendNowait("hello");
      await withTaskGroup(async (tg) => {
        const sender = spawnOp(tg, () => send.send("anyio"));
        await untilSenders(send, 1);
        assert.equal(receive.receiveNowait(), "hello");
        // The parked item took the freed slot at once; its send has completed.
        assert.equal(receive.statistics().currentBufferUsed, 1);
        assert.equal(receive.statistics().tasksWaitingSend, 0);
        await untilDone([sender]);
        assert.equal(sender.outcome, "ok");
      });
      assert.equal(receive.receiveNowait(), "anyio");
      send.close();
      receive.close();
    });

    test("the nowait calls are not checkpoints: they work in a cancelled scope", async () => {
      const [send, receive] = createMemoryObjectStream<number>(1);
      const scope = new CancelScope();
      await scope.run(async () => {
        scope.cancel();
        send.sendNowait(1);
        assert.equal(receive.receiveNowait(), 1);
        await checkpoint();
      });
      assert.equal(scope.cancelledCaught, true);
      send.close();
      receive.close();
    });

    test("undefined, null and empty values are items like any other, not end of stream", async () => {
      const [send, receive] = createMemoryObjectStream<unknown>(Infinity);
      const values = [undefined, null, "", 0, false, new Uint8Array(0)];
      for (const value of values) await send.send(value);
      send.close();
      const received: unknown[] = [];
      for await (const value of receive) received.push(value);
      assert.deepEqual(received, values);
      receive.close();
    });
    test("a promise item is awaited by receive(), as async functions do; a wrapped one is not", async () => {
      const [send, receive] = createMemoryObjectStream<unknown>(Infinity);
      const promise = Promise.resolve("inside");
      send.sendNowait(promise);
      send.sendNowait({ promise });
      assert.equal(await receive.receive(), "inside");
      const wrapped = (await receive.receive()) as { promise: Promise<string> };
      assert.equal(wrapped.promise, promise);
      send.close();
      receive.close();
    });
  });

  describe("send and receive", () => {
    test("a parked receiver gets the items sent later, in order", async () => {
      const [send, receive] = createMemoryObjectStream<string>(0);
      const received: string[] = [];
      await withTaskGroup(async (tg) => {
        tg.startSoon(async () => {
          received.push(await receive.receive());
          received.push(await receive.receive());
        });
        await untilReceivers(receive, 1);
        await send.send("hello");
        await send.send("anyio");
      });
      assert.deepEqual(received, ["hello", "anyio"]);
      send.close();
      receive.close();
    });

    test("in a rendezvous, send waits until a receiver takes the item", async () => {
      const [send, receive] = createMemoryObjectStream<string>(0);
      await withTaskGroup(async (tg) => {
        const sender = spawnOp(tg, () => send.send("x"));
        await untilSenders(send, 1);
        assert.equal(sender.done, false);
        assert.equal(await receive.receive(), "x");
        await untilDone([sender]);
        assert.equal(sender.outcome, "ok");
      });
      send.close();
      receive.close();
    });

    test("send waits only while the buffer is full", async () => {
      const [send, receive] = createMemoryObjectStream<number>(2);
      await send.send(1);
      await send.send(2);
      await withTaskGroup(async (tg) => {
        const third = spawnOp(tg, () => send.send(3));
        await untilSenders(send, 1);
        assert.equal(third.done, false);
        assert.equal(await receive.receive(), 1);
        await untilDone([third]);
        assert.deepEqual([await receive.receive(), await receive.receive()], [2, 3]);
      });
      send.close();
      receive.close();
    });

    test("send is a checkpoint even when it does not wait", async () => {
      const [send, receive] = createMemoryObjectStream<number>(1);
      await withTaskGroup(async (tg) => {
        let ran = false;
        tg.startSoon(() => {
          ran = true;
        });
        await send.send(1); // room in the buffer, yet other tasks get to run
        assert.equal(ran, true);
      });
      send.close();
      receive.close();
    });

    test("receive is a checkpoint even when an item is ready", async () => {
      const [send, receive] = createMemoryObjectStream<number>(1);
      send.sendNowait(1);
      await withTaskGroup(async (tg) => {
        let ran = false;
        tg.startSoon(() => {
          ran = true;
        });
        assert.equal(await receive.receive(), 1);
        assert.equal(ran, true);
      });
      send.close();
      receive.close();
    });

    test("send in a cancelled scope raises Cancelled and sends nothing", async () => {
      const [send, receive] = createMemoryObjectStream<string>(0);
      await withTaskGroup(async (tg) => {
        const receiver = spawnOp(tg, () => receive.receive());
        await untilReceivers(receive, 1);
        const scope = new CancelScope();
        await scope.run(async () => {
          scope.cancel();
          const err = await thrownBy(() => send.send("hello"));
          assert.ok(isCancelled(err));
          throw err;
        });
        assert.equal(scope.cancelledCaught, true);
        assert.equal(receiver.done, false);
        await send.send("world");
        await untilDone([receiver]);
        assert.equal(receiver.value, "world");
      });
      send.close();
      receive.close();
    });

    test("receive in a cancelled scope raises Cancelled and takes nothing", async () => {
      const [send, receive] = createMemoryObjectStream<string>(0);
      await withTaskGroup(async (tg) => {
        const hello = spawnOp(tg, () => send.send("hello"));
        await untilSenders(send, 1);
        const world = spawnOp(tg, () => send.send("world"));
        await untilSenders(send, 2);
        const scope = new CancelScope();
        await scope.run(async () => {
          scope.cancel();
          await receive.receive();
        });
        assert.equal(scope.cancelledCaught, true);
        assert.equal(send.statistics().tasksWaitingSend, 2);
        assert.equal(await receive.receive(), "hello");
        assert.equal(await receive.receive(), "world");
        await untilDone([hello, world]);
      });
      send.close();
      receive.close();
    });

    test("a send and a receive in two tasks that close their ends when done", async () => {
      const [sendStream, receiveStream] = createMemoryObjectStream<string>();
      let got: string | undefined;
      await withTaskGroup(async (tg) => {
        tg.startSoon(async () => {
          await using s = sendStream;
          await s.send("test");
        });
        tg.startSoon(async () => {
          await using r = receiveStream;
          got = await r.receive();
        });
      });
      assert.equal(got, "test");
      assert.equal(sendStream.statistics().openSendStreams, 0);
      assert.equal(sendStream.statistics().openReceiveStreams, 0);
    });
  });

  describe("iteration", () => {
    test("for await receives until every send end is closed", async () => {
      const [send, receive] = createMemoryObjectStream<string>();
      const received: string[] = [];
      await withTaskGroup(async (tg) => {
        tg.startSoon(async () => {
          for await (const item of receive) received.push(item);
        });
        await send.send("hello");
        await send.send("anyio");
        await send.aclose();
      });
      assert.deepEqual(received, ["hello", "anyio"]);
      receive.close();
    });

    test("for await over a drained stream whose senders are gone ends at once", async () => {
      const [send, receive] = createMemoryObjectStream<string>(1);
      send.close();
      let turns = 0;
      for await (const _ of receive) turns++;
      assert.equal(turns, 0);
      receive.close();
    });

    test("breaking out of the loop leaves the receive end open", async () => {
      const [send, receive] = createMemoryObjectStream<number>(Infinity);
      for (const n of [1, 2, 3]) send.sendNowait(n);
      for await (const n of receive) {
        assert.equal(n, 1);
        break;
      }
      assert.equal(receive.statistics().openReceiveStreams, 1);
      assert.equal(await receive.receive(), 2);
      send.close();
      const rest: number[] = [];
      for await (const n of receive) rest.push(n);
      assert.deepEqual(rest, [3]);
      receive.close();
    });

    test("iterating a closed receive end raises ClosedResourceError", async () => {
      const [send, receive] = createMemoryObjectStream<number>(1);
      receive.close();
      await throwsOrRejects(async () => {
        for await (const _ of receive) assert.fail("no item expected");
      }, ClosedResourceError);
      send.close();
    });

    test("a cancellation while the loop waits propagates out of it", async () => {
      const [send, receive] = createMemoryObjectStream<number>(Infinity);
      const received: number[] = [];
      let raised: unknown;
      await withTaskGroup(async (tg) => {
        const loop = spawnOp(tg, async () => {
          try {
            for await (const n of receive) received.push(n);
          } catch (err) {
            raised = err;
            throw err;
          }
        });
        send.sendNowait(1);
        await waitUntil(() => received.length === 1, "the loop received the item");
        await untilReceivers(receive, 1);
        loop.scope.cancel("enough");
        await untilDone([loop]);
      });
      assert.ok(isCancelled(raised));
      assert.deepEqual(received, [1]);
      assert.equal(receive.statistics().tasksWaitingReceive, 0);
      send.close();
      receive.close();
    });
  });

  describe("statistics", () => {
    test("start at zero with one open end each, the same from both ends", () => {
      const [send, receive] = createMemoryObjectStream<null>(1);
      for (const end of [send, receive]) {
        assert.deepEqual(end.statistics(), {
          currentBufferUsed: 0,
          maxBufferSize: 1,
          openSendStreams: 1,
          openReceiveStreams: 1,
          tasksWaitingSend: 0,
          tasksWaitingReceive: 0,
        });
      }
      send.close();
      receive.close();
    });

    test("count the buffer and the tasks waiting to send and to receive", async () => {
      const [send, receive] = createMemoryObjectStream<null>(1);
      for (const end of [send, receive]) {
        await withTaskGroup(async (tg) => {
          send.sendNowait(null);
          assert.equal(end.statistics().currentBufferUsed, 1);
          spawnOp(tg, () => send.send(null));
          await untilSenders(send, 1);
          assert.equal(end.statistics().currentBufferUsed, 1);
          receive.receiveNowait();
          assert.equal(end.statistics().currentBufferUsed, 1);
          assert.equal(end.statistics().tasksWaitingSend, 0);
          receive.receiveNowait();
          assert.equal(end.statistics().currentBufferUsed, 0);

          spawnOp(tg, () => receive.receive());
          await untilReceivers(receive, 1);
          assert.equal(end.statistics().tasksWaitingReceive, 1);
          send.sendNowait(null);
          assert.equal(end.statistics().tasksWaitingReceive, 0);
        });

        await withTaskGroup(async (tg) => {
          send.sendNowait(null);
          for (let i = 0; i < 3; i++) spawnOp(tg, () => send.send(null));
          await untilSenders(send, 3);
          for (let i = 2; i >= 0; i--) {
            receive.receiveNowait();
            assert.equal(end.statistics().tasksWaitingSend, i);
          }
          receive.receiveNowait();
        });
        assert.equal(end.statistics().currentBufferUsed, 0);
        assert.equal(end.statistics().tasksWaitingSend, 0);
        assert.equal(end.statistics().tasksWaitingReceive, 0);
      }
      send.close();
      receive.close();
    });

    test("count open clones of each end", () => {
      const [send, receive] = createMemoryObjectStream<number>();
      const sends = [send, send.clone(), send.clone()];
      const receives = [receive, receive.clone()];
      assert.equal(send.statistics().openSendStreams, 3);
      assert.equal(send.statistics().openReceiveStreams, 2);
      sends[1]!.close();
      receives[0]!.close();
      assert.equal(receives[1]!.statistics().openSendStreams, 2);
      assert.equal(receives[1]!.statistics().openReceiveStreams, 1);
      for (const end of [...sends, ...receives]) end.close();
      assert.equal(send.statistics().openSendStreams, 0);
      assert.equal(send.statistics().openReceiveStreams, 0);
    });

    test("each call returns a fresh snapshot", () => {
      const [send, receive] = createMemoryObjectStream<number>(2);
      const before = send.statistics();
      send.sendNowait(1);
      assert.equal(before.currentBufferUsed, 0);
      assert.equal(send.statistics().currentBufferUsed, 1);
      send.close();
      receive.close();
    });
  });
});
