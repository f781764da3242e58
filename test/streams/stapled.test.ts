/**
 * Stapled streams: a send half and a receive half as one two-way stream. sendEof()
 * closes the send half only, aclose() closes both (the receive half even when closing
 * the send half fails or is cancelled), and typed attributes come from both halves.
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { thrownBy } from "../harness/helpers.ts";
import { spawnOp, untilDone, untilReceivers } from "./helpers.ts";
import { chunkStream, str, TestByteReceiveStream, TestByteSendStream, utf8 } from "./byte-helpers.ts";
import {
  CancelScope,
  checkpoint,
  ClosedResourceError,
  createMemoryObjectStream,
  EndOfStream,
  isCancelled,
  withTaskGroup,
  WouldBlock,
} from "../../src/index.ts";
import { TypedAttributeLookupError } from "../../src/core/errors.ts";
import {
  type ByteReceiveStream,
  type ObjectSendStream,
  StapledByteStream,
  StapledObjectStream,
  typedAttribute,
  typedAttributeSet,
} from "../../src/streams/index.ts";

/** A stapled byte stream whose receive half holds "hello, world" and then ends. */
function helloStapled(): { stapled: StapledByteStream; sender: TestByteSendStream; receiver: TestByteReceiveStream } {
  const [, receive] = chunkStream(["hello, world"], { end: true });
  const receiver = new TestByteReceiveStream(receive);
  const sender = new TestByteSendStream();
  return { stapled: new StapledByteStream(sender, receiver), sender, receiver };
}

const Attr = typedAttributeSet("Attr", {
  shared: typedAttribute<string>(),
  sendOnly: typedAttribute<string>(),
  receiveOnly: typedAttribute<string>(),
});

describe("streams/stapled", () => {
  describe("byte stream", () => {
    test("receives from the receive half with maxBytes, and sends to the send half", async () => {
      const { stapled, sender, receiver } = helloStapled();
      assert.equal(str(await stapled.receive(3)), "hel");
      assert.equal(str(await stapled.receive()), "lo, world");
      await assert.rejects(stapled.receive(), EndOfStream);
      assert.deepEqual(receiver.requests, [3, 65536, 65536]);
      await stapled.send(utf8("how are you "));
      await stapled.send(utf8("today?"));
      assert.equal(sender.text, "how are you today?");
      assert.equal(stapled.sendStream, sender);
      assert.equal(stapled.receiveStream, receiver);
      await stapled.aclose();
    });

    test("sendEof closes the send half only; it is idempotent; receiving goes on", async () => {
      const { stapled, sender, receiver } = helloStapled();
      await stapled.sendEof();
      await stapled.sendEof();
      assert.equal(sender.closed, true);
      assert.equal(receiver.closed, false);
      await assert.rejects(stapled.send(utf8("world")), ClosedResourceError);
      assert.equal(str(await stapled.receive()), "hello, world");
      await stapled.aclose();
    });

    test("aclose closes both halves and is idempotent", async () => {
      const { stapled, sender, receiver } = helloStapled();
      await stapled.aclose();
      await stapled.aclose();
      assert.equal(sender.closed, true);
      assert.equal(receiver.closed, true);
      await assert.rejects(stapled.receive(), ClosedResourceError);
      await assert.rejects(stapled.send(utf8("x")), ClosedResourceError);
    });

    test("aclose closes the receive half although closing the send half fails", async () => {
      const [, receive] = chunkStream([]);
      const receiver = new TestByteReceiveStream(receive);
      const sender = new TestByteSendStream(new Map(), async () => {
        throw new Error("flush failed");
      });
      const stapled = new StapledByteStream(sender, receiver);
      await assert.rejects(stapled.aclose(), { message: "flush failed" });
      assert.equal(sender.closed, true);
      assert.equal(receiver.closed, true);
    });

    test("a cancelled aclose still closes both halves, then raises Cancelled", async () => {
      const [, receive] = chunkStream([]);
      const receiver = new TestByteReceiveStream(receive);
      // The send half closes, then checkpoints (a graceful close that waits), which a
      // cancelled scope interrupts.
      const sender = new TestByteSendStream(new Map(), () => checkpoint());
      const stapled = new StapledByteStream(sender, receiver);
      let raised: unknown;
      const scope = new CancelScope();
      await scope.run(async () => {
        scope.cancel();
        try {
          await stapled.aclose();
        } catch (err) {
          raised = err;
          throw err;
        }
      });
      assert.ok(isCancelled(raised));
      assert.equal(sender.closed, true);
      assert.equal(receiver.closed, true);
    });

    test("a bad maxBytes is a RangeError or TypeError naming it, and nothing is received", async () => {
      const { stapled, receiver } = helloStapled();
      for (const bad of [0, -1, 1.5, NaN, Infinity]) {
        await assert.rejects(stapled.receive(bad), { name: "RangeError", message: /^maxBytes must be/ });
      }
      await assert.rejects(stapled.receive("3" as unknown as number), { name: "TypeError", message: /^maxBytes must be/ });
      assert.deepEqual(receiver.requests, []);
      assert.equal(str(await stapled.receive()), "hello, world");
      await stapled.aclose();
    });

    test("the constructor rejects halves that are not streams, naming the argument", () => {
      const { sender, receiver } = helloStapled();
      assert.throws(
        () => new StapledByteStream(undefined as unknown as TestByteSendStream, receiver),
        { name: "TypeError", message: /^sendStream must be a stream/ },
      );
      assert.throws(
        () => new StapledByteStream(sender, { aclose: async () => {} } as unknown as ByteReceiveStream),
        { name: "TypeError", message: /^receiveStream must be a stream with a receive\(\) method/ },
      );
    });

    test("typed attributes come from both halves; the receive half wins a conflict", async () => {
      const [, receive] = chunkStream([]);
      const receiver = new TestByteReceiveStream(
        receive,
        new Map([[Attr.shared, () => "from receive"], [Attr.receiveOnly, () => "receive only"]]),
      );
      const sender = new TestByteSendStream(new Map([[Attr.shared, () => "from send"], [Attr.sendOnly, () => "send only"]]));
      const stapled = new StapledByteStream(sender, receiver);
      assert.equal(stapled.extra(Attr.shared), "from receive");
      assert.equal(stapled.extra(Attr.sendOnly), "send only");
      assert.equal(stapled.extra(Attr.receiveOnly), "receive only");
      assert.equal(stapled.extraAttributes.size, 3);
      await stapled.aclose();
    });

    test("for await receives chunks until end of stream", async () => {
      const [, receive] = chunkStream(["ab", "cd", "e"], { end: true });
      await using stapled = new StapledByteStream(new TestByteSendStream(), new TestByteReceiveStream(receive));
      const got: string[] = [];
      for await (const chunk of stapled) got.push(str(chunk));
      assert.deepEqual(got, ["ab", "cd", "e"]);
    });
  });

  describe("object stream", () => {
    test("receives from the receive half and sends to the send half", async () => {
      const [toPeer, fromUs] = createMemoryObjectStream<string>(Infinity);
      const [toUs, fromPeer] = createMemoryObjectStream<string>(Infinity);
      toUs.sendNowait("hello");
      toUs.sendNowait("world");
      toUs.close();
      const stapled = new StapledObjectStream(toPeer, fromPeer);
      assert.equal(await stapled.receive(), "hello");
      assert.equal(await stapled.receive(), "world");
      await assert.rejects(stapled.receive(), EndOfStream);
      await stapled.send("how are you");
      assert.equal(fromUs.receiveNowait(), "how are you");
      assert.equal(stapled.sendStream, toPeer);
      assert.equal(stapled.receiveStream, fromPeer);
      await stapled.aclose();
      fromUs.close();
    });

    test("sendEof ends the peer's receiving while this side still receives", async () => {
      const [toPeer, fromUs] = createMemoryObjectStream<string>(Infinity);
      const [toUs, fromPeer] = createMemoryObjectStream<string>(Infinity);
      const stapled = new StapledObjectStream(toPeer, fromPeer);
      await stapled.send("last");
      await stapled.sendEof();
      await stapled.sendEof();
      assert.equal(fromUs.receiveNowait(), "last");
      assert.throws(() => fromUs.receiveNowait(), EndOfStream);
      await assert.rejects(stapled.send("more"), ClosedResourceError);
      toUs.sendNowait("reply");
      assert.equal(await stapled.receive(), "reply");
      await stapled.aclose();
      toUs.close();
      fromUs.close();
    });

    test("aclose closes both memory ends; a receiver parked on the stream is woken", async () => {
      const [toPeer, fromUs] = createMemoryObjectStream<string>();
      const [toUs, fromPeer] = createMemoryObjectStream<string>();
      const stapled = new StapledObjectStream(toPeer, fromPeer);
      await withTaskGroup(async (tg) => {
        const receiver = spawnOp(tg, () => stapled.receive());
        await untilReceivers(fromPeer, 1);
        await stapled.aclose();
        await untilDone([receiver]);
        assert.equal(receiver.outcome, "ClosedResourceError");
      });
      assert.equal(toPeer.statistics().openSendStreams, 0);
      assert.equal(fromPeer.statistics().openReceiveStreams, 0);
      await assert.rejects(stapled.send("x"), ClosedResourceError);
      await stapled.aclose();
      toUs.close();
      fromUs.close();
    });

    test("sendNowait uses the send half's sendNowait; its WouldBlock propagates", async () => {
      const [send, receive] = createMemoryObjectStream<number>(1);
      const stapled = new StapledObjectStream(send, receive);
      stapled.sendNowait(1);
      assert.throws(() => stapled.sendNowait(2), WouldBlock);
      assert.equal(await stapled.receive(), 1);
      await stapled.aclose();
    });

    test("sendNowait on a send half without one is a TypeError; a TypeError it raises itself passes through", async () => {
      const [, receive] = createMemoryObjectStream<string>();
      const sent: string[] = [];
      const plain: ObjectSendStream<string> = {
        send: async (item) => void sent.push(item),
        aclose: async () => {},
        [Symbol.asyncDispose]: async () => {},
        extraAttributes: new Map(),
        extra: receive.extra.bind(receive),
      };
      const stapled = new StapledObjectStream(plain, receive);
      assert.throws(() => stapled.sendNowait("x"), { name: "TypeError", message: /has no sendNowait\(\) method/ });
      const broken = Object.assign(Object.create(plain) as ObjectSendStream<string>, {
        sendNowait(): void {
          throw new TypeError("no attribute 'nonexistent'");
        },
      });
      const stapledBroken = new StapledObjectStream(broken, receive);
      assert.throws(() => stapledBroken.sendNowait("x"), { name: "TypeError", message: "no attribute 'nonexistent'" });
      assert.deepEqual(sent, []);
      await stapled.aclose();
    });

    test("two stapled streams over two channels make a connected pair", async () => {
      const [toServer, fromClient] = createMemoryObjectStream<string>();
      const [toClient, fromServer] = createMemoryObjectStream<string>();
      await using client = new StapledObjectStream(toServer, fromServer);
      await using server = new StapledObjectStream(toClient, fromClient);
      await withTaskGroup(async (tg) => {
        tg.startSoon(async () => {
          for await (const request of server) await server.send(request.toUpperCase());
          await server.sendEof();
        });
        const replies: string[] = [];
        for (const word of ["ping", "pong"]) {
          await client.send(word);
          replies.push(await client.receive());
        }
        await client.sendEof();
        await assert.rejects(client.receive(), EndOfStream);
        assert.deepEqual(replies, ["PING", "PONG"]);
      });
    });

    test("a cancelled receive takes nothing: the item stays for the next receive", async () => {
      const [send, receive] = createMemoryObjectStream<string>(1);
      const stapled = new StapledObjectStream(send, receive);
      await withTaskGroup(async (tg) => {
        const receiver = spawnOp(tg, () => stapled.receive());
        await untilReceivers(receive, 1);
        receiver.scope.cancel();
        await untilDone([receiver]);
        assert.equal(receiver.outcome, "Cancelled");
      });
      stapled.sendNowait("kept");
      assert.equal(await stapled.receive(), "kept");
      await stapled.aclose();
    });

    test("typed attributes: memory halves provide none; other halves merge with the receive half winning", async () => {
      const [send, receive] = createMemoryObjectStream<Uint8Array>();
      const memory = new StapledObjectStream(send, receive);
      assert.equal(memory.extraAttributes.size, 0);
      assert.equal(memory.extra(Attr.shared, "default"), "default");
      const [, source] = chunkStream([]);
      const receiver = new TestByteReceiveStream(source, new Map([[Attr.shared, () => "receive"]]));
      const sender = new TestByteSendStream(new Map([[Attr.shared, () => "send"], [Attr.sendOnly, () => "send only"]]));
      const mixed = new StapledObjectStream<Uint8Array>(sender, receiver);
      assert.equal(mixed.extra(Attr.shared), "receive");
      assert.equal(mixed.extra(Attr.sendOnly), "send only");
      assert.ok((await thrownBy(() => mixed.extra(Attr.receiveOnly))) instanceof TypedAttributeLookupError);
      await memory.aclose();
      await mixed.aclose();
    });
  });
});
