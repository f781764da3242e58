/**
 * Text streams: incremental decoding (a character split across chunks survives),
 * strict errors by default and "replace" on request, encodings other than UTF-8,
 * encoding on send, the two-way TextStream, cancellation keeping a partial character,
 * attribute pass-through, and bad arguments.
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { thrownBy } from "../harness/helpers.ts";
import { errorName, spawnOp, untilDone, untilReceivers } from "./helpers.ts";
import { bytes, chunkStream, str, TestByteReceiveStream, TestByteSendStream, utf8 } from "./byte-helpers.ts";
import { CancelScope, ClosedResourceError, createMemoryObjectStream, EndOfStream, withTaskGroup } from "../../src/index.ts";
import {
  BufferedByteReceiveStream,
  type ByteStream,
  StapledObjectStream,
  TextReceiveStream,
  TextSendStream,
  TextStream,
  type TextStreamOptions,
  typedAttribute,
} from "../../src/streams/index.ts";

/** A text receive stream over a memory stream holding `chunks` (then ended if `end`). */
function textOver(chunks: readonly (string | Uint8Array)[], options?: TextStreamOptions, end = true) {
  const [send, receive] = chunkStream(chunks, { end });
  return { send, receive, text: new TextReceiveStream(receive, options) };
}

/** Everything a receive stream yields until end of stream, as one array. */
async function receiveAll(stream: AsyncIterable<string>): Promise<string[]> {
  const parts: string[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe("streams/text", () => {
  describe("receiving", () => {
    test("a character split across chunks is returned once its last byte arrives", async () => {
      const [send, receive] = createMemoryObjectStream<Uint8Array>(1);
      const text = new TextReceiveStream(receive);
      await send.send(bytes(0xc3, 0xa5, 0xc3, 0xa4, 0xc3)); // "åä" and half of "ö"
      assert.equal(await text.receive(), "åä");
      await send.send(bytes(0xb6));
      assert.equal(await text.receive(), "ö");
      send.close();
      await text.aclose();
    });

    test("a four-byte character in one-byte chunks comes whole, and no empty string is returned", async () => {
      const emoji = utf8("🎉"); // four bytes in UTF-8, two UTF-16 code units
      const { text } = textOver([...emoji].map((b) => bytes(b)).concat([utf8("!")]));
      assert.deepEqual(await receiveAll(text), ["🎉", "!"]);
      await text.aclose();
    });

    test("invalid bytes raise a TypeError by default; decoding goes on with the next chunk", async () => {
      const { text } = textOver([bytes(0xe5, 0xe4, 0xf6), utf8("ok")]); // "åäö" in latin-1
      const error = await thrownBy(() => text.receive());
      assert.ok(error instanceof TypeError);
      assert.match(error.message, /not valid \(encoding utf-8\)/);
      assert.ok(error.cause instanceof TypeError);
      assert.equal(await text.receive(), "ok");
      await assert.rejects(text.receive(), EndOfStream);
      await text.aclose();
    });

    test('errors: "replace" puts U+FFFD in place of each invalid sequence', async () => {
      const { text } = textOver([bytes(0xe5, 0xe4, 0xf6)], { errors: "replace" });
      assert.equal(await text.receive(), "\ufffd\ufffd\ufffd");
      await text.aclose();
    });

    test("a stream that ends inside a character: strict raises, then EndOfStream", async () => {
      const { text } = textOver([bytes(0x61, 0xe2, 0x82)]); // "a" and two bytes of "€"
      assert.equal(await text.receive(), "a");
      const error = await thrownBy(() => text.receive());
      assert.ok(error instanceof TypeError);
      assert.match(error.message, /ended inside a character/);
      await assert.rejects(text.receive(), EndOfStream);
      await text.aclose();
    });

    test('a stream that ends inside a character: "replace" returns U+FFFD once, then EndOfStream', async () => {
      const { text } = textOver([bytes(0x61, 0xe2, 0x82)], { errors: "replace" });
      assert.deepEqual(await receiveAll(text), ["a", "\ufffd"]);
      await assert.rejects(text.receive(), EndOfStream);
      await text.aclose();
    });

    test("a byte order mark is kept as U+FEFF, whatever the chunking", async () => {
      const { text } = textOver([bytes(0xef, 0xbb), bytes(0xbf, 0x68, 0x69)]);
      assert.equal((await receiveAll(text)).join(""), "\ufeffhi");
      await text.aclose();
    });

    test("other encodings decode incrementally too (utf-16le, windows-1252)", async () => {
      const utf16 = textOver([bytes(0x3c), bytes(0xd8, 0x89, 0xdf), bytes(0x41, 0x00)], { encoding: "UTF-16LE" });
      assert.equal(utf16.text.encoding, "utf-16le");
      assert.deepEqual(await receiveAll(utf16.text), ["🎉", "A"]);
      await utf16.text.aclose();
      const latin = textOver([bytes(0xe5, 0xe4, 0xf6, 0x80)], { encoding: "latin1" });
      assert.equal(latin.text.encoding, "windows-1252");
      assert.equal(await latin.text.receive(), "åäö€");
      await latin.text.aclose();
    });

    test("a cancelled receive keeps the partial character for the next one", async () => {
      const [send, receive] = createMemoryObjectStream<Uint8Array>(Infinity);
      const text = new TextReceiveStream(receive);
      await withTaskGroup(async (tg) => {
        const op = spawnOp(tg, () => text.receive());
        await untilReceivers(receive, 1);
        send.sendNowait(bytes(0xe2, 0x82)); // two of the three bytes of "€"
        await untilReceivers(receive, 1); // decoded nothing yet, so it waits again
        op.scope.cancel();
        await untilDone([op]);
        assert.equal(op.outcome, "Cancelled");
      });
      send.sendNowait(bytes(0xac));
      assert.equal(await text.receive(), "€");
      send.close();
      await text.aclose();
    });

    test("works over a buffered stream over a byte stream, and for await ends at end of stream", async () => {
      const [send, source] = chunkStream(["héllo ", "wörld"], { end: true });
      const text = new TextReceiveStream(new BufferedByteReceiveStream(new TestByteReceiveStream(source)));
      assert.equal((await receiveAll(text)).join(""), "héllo wörld");
      send.close();
      await text.aclose();
    });

    test("aclose closes the wrapped stream; receiving then raises ClosedResourceError", async () => {
      const { receive, text } = textOver(["abc"], undefined, false);
      await text.aclose();
      await text.aclose();
      assert.equal(receive.statistics().openReceiveStreams, 0);
      await assert.rejects(text.receive(), ClosedResourceError);
    });
  });

  describe("sending", () => {
    test("encodes strings as UTF-8 with TextEncoder", async () => {
      const [send, receive] = createMemoryObjectStream<Uint8Array>(1);
      const text = new TextSendStream(send);
      await text.send("åäö");
      assert.deepEqual(await receive.receive(), bytes(0xc3, 0xa5, 0xc3, 0xa4, 0xc3, 0xb6));
      await text.aclose();
      receive.close();
    });

    test("a lone surrogate is a TypeError by default and nothing is sent", async () => {
      const sink = new TestByteSendStream();
      const text = new TextSendStream(sink);
      await assert.rejects(text.send("a\ud800b"), { name: "TypeError", message: /lone surrogate/ });
      assert.equal(sink.sent.length, 0);
      await text.aclose();
    });

    test('errors: "replace" sends a lone surrogate as U+FFFD', async () => {
      const sink = new TestByteSendStream();
      const text = new TextSendStream(sink, { errors: "replace" });
      await text.send("a\udc00");
      assert.deepEqual(sink.sent, [bytes(0x61, 0xef, 0xbf, 0xbd)]);
      await text.aclose();
    });

    test("encodes UTF-16 in either byte order, without a byte order mark", async () => {
      const little = new TestByteSendStream();
      await new TextSendStream(little, { encoding: "utf-16le" }).send("A🎉");
      assert.deepEqual(little.sent, [bytes(0x41, 0x00, 0x3c, 0xd8, 0x89, 0xdf)]);
      const big = new TestByteSendStream();
      await new TextSendStream(big, { encoding: "utf-16be" }).send("A🎉");
      assert.deepEqual(big.sent, [bytes(0x00, 0x41, 0xd8, 0x3c, 0xdf, 0x89)]);
    });

    test("an empty string sends nothing but is still a checkpoint", async () => {
      const sink = new TestByteSendStream();
      const text = new TextSendStream(sink);
      await text.send("");
      assert.equal(sink.sent.length, 0);
      const scope = new CancelScope();
      let outcome = "none";
      await scope.run(async () => {
        scope.cancel();
        try {
          await text.send("");
          outcome = "sent";
        } catch (err) {
          outcome = errorName(err);
          throw err;
        }
      });
      assert.equal(outcome, "Cancelled");
      await text.aclose();
    });

    test("send rejects what is not a string, naming the argument", async () => {
      const sink = new TestByteSendStream();
      const text = new TextSendStream(sink);
      await assert.rejects(text.send(42 as unknown as string), { name: "TypeError", message: /^text must be a string, not number/ });
      assert.equal(sink.sent.length, 0);
    });

    test("aclose closes the wrapped stream; sending then raises ClosedResourceError", async () => {
      const [send, receive] = createMemoryObjectStream<Uint8Array>(1);
      const text = new TextSendStream(send);
      await text.aclose();
      await text.aclose();
      assert.equal(send.statistics().openSendStreams, 0);
      await assert.rejects(text.send("x"), ClosedResourceError);
      receive.close();
    });
  });

  describe("two-way", () => {
    test("encodes on send and decodes on receive over one transport", async () => {
      const [send, receive] = createMemoryObjectStream<Uint8Array>(1);
      const text = new TextStream(new StapledObjectStream(send, receive));
      await text.send("åäö");
      assert.deepEqual(await receive.receive(), bytes(0xc3, 0xa5, 0xc3, 0xa4, 0xc3, 0xb6));
      await send.send(bytes(0xc3, 0xa6, 0xc3, 0xb8));
      assert.equal(await text.receive(), "æø");
      assert.equal(text.extraAttributes.size, 0);
      await text.aclose();
    });

    test("one encoding for both directions: a UTF-16BE loopback round-trips", async () => {
      const [send, receive] = createMemoryObjectStream<Uint8Array>(Infinity);
      const text = new TextStream(new StapledObjectStream(send, receive), { encoding: "utf-16be", errors: "replace" });
      assert.equal(text.encoding, "utf-16be");
      assert.equal(text.errors, "replace");
      await text.send("héllo 🎉");
      assert.equal(await text.receive(), "héllo 🎉");
      await text.aclose();
    });

    test("sendEof ends the peer's receiving; this side still receives", async () => {
      const [toPeer, fromUs] = createMemoryObjectStream<Uint8Array>(Infinity);
      const [toUs, fromPeer] = createMemoryObjectStream<Uint8Array>(Infinity);
      const text = new TextStream(new StapledObjectStream(toPeer, fromPeer));
      await text.send("bye");
      await text.sendEof();
      assert.equal(str(fromUs.receiveNowait()), "bye");
      assert.throws(() => fromUs.receiveNowait(), EndOfStream);
      await assert.rejects(text.send("more"), ClosedResourceError);
      toUs.sendNowait(utf8("reply"));
      toUs.close();
      assert.deepEqual(await receiveAll(text), ["reply"]);
      await text.aclose();
      fromUs.close();
    });

    test("aclose closes the transport in both directions", async () => {
      const [send, receive] = createMemoryObjectStream<Uint8Array>(1);
      const text = new TextStream(new StapledObjectStream(send, receive));
      await text.aclose();
      await text.aclose();
      assert.equal(send.statistics().openSendStreams, 0);
      assert.equal(send.statistics().openReceiveStreams, 0);
      await assert.rejects(text.receive(), ClosedResourceError);
      await assert.rejects(text.send("x"), ClosedResourceError);
    });
  });

  describe("attributes and arguments", () => {
    test("typed attributes pass through every text stream and the layers below", async () => {
      const peer = typedAttribute<string>("peer");
      const [send, source] = chunkStream([]);
      const attrs = new Map([[peer, () => "10.0.0.2"]]);
      const receiver = new TextReceiveStream(new BufferedByteReceiveStream(new TestByteReceiveStream(source, attrs)));
      assert.equal(receiver.extra(peer), "10.0.0.2");
      const sender = new TextSendStream(new TestByteSendStream(attrs));
      assert.equal(sender.extra(peer), "10.0.0.2");
      const [loopSend, loopReceive] = createMemoryObjectStream<Uint8Array>();
      const twoWay = new TextStream(new StapledObjectStream(loopSend, loopReceive));
      assert.equal(twoWay.extra(peer, "none"), "none");
      send.close();
      await receiver.aclose();
      await sender.aclose();
      await twoWay.aclose();
    });

    test("encoding labels resolve to canonical names", async () => {
      const [send, receive] = createMemoryObjectStream<Uint8Array>();
      assert.equal(new TextReceiveStream(receive, { encoding: "UTF8" }).encoding, "utf-8");
      assert.equal(new TextSendStream(send, { encoding: " utf-8 " }).encoding, "utf-8");
      const defaults = new TextReceiveStream(receive);
      assert.equal(defaults.encoding, "utf-8");
      assert.equal(defaults.errors, "strict");
      send.close();
      receive.close();
    });

    test("bad options are a TypeError or RangeError naming the option", async () => {
      const [send, receive] = createMemoryObjectStream<Uint8Array>();
      const cases: [() => unknown, string, RegExp][] = [
        [() => new TextReceiveStream(receive, { encoding: "klingon" }), "RangeError", /^encoding "klingon" is not supported/],
        [() => new TextSendStream(send, { encoding: "latin1" }), "RangeError", /^encoding windows-1252 cannot be sent/],
        [() => new TextReceiveStream(receive, { errors: "ignore" as "strict" }), "RangeError", /^errors must be "strict" or "replace"/],
        [() => new TextSendStream(send, { errors: 1 as unknown as "strict" }), "TypeError", /^errors must be a string/],
        [() => new TextReceiveStream(receive, { encoding: 8 as unknown as string }), "TypeError", /^encoding must be a string/],
        [() => new TextReceiveStream(receive, "utf-8" as unknown as TextStreamOptions), "TypeError", /^options must be an object/],
      ];
      for (const [make, name, message] of cases) assert.throws(make, { name, message });
      send.close();
      receive.close();
    });

    test("the constructors reject what is not a stream of the right kind, naming the argument", () => {
      const [send, receive] = createMemoryObjectStream<Uint8Array>();
      assert.throws(
        () => new TextReceiveStream(undefined as unknown as ByteStream),
        { name: "TypeError", message: /^transportStream must be a stream, not undefined/ },
      );
      assert.throws(
        () => new TextSendStream(receive as unknown as ByteStream),
        { name: "TypeError", message: /^transportStream must be a stream with a send\(\) method/ },
      );
      assert.throws(
        () => new TextStream(new StapledObjectStream(send, receive).receiveStream as unknown as ByteStream),
        { name: "TypeError", message: /^transportStream must be a stream with a send\(\) method/ },
      );
      send.close();
      receive.close();
    });
  });
});
