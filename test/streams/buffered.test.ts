/**
 * Buffered byte streams: receiveExactly and receiveUntil over any chunking, the edge
 * cases of maxBytes and of a stream that ends, feedData, bad arguments, and the rule
 * that no byte read is ever lost: not when a receive is cancelled, not when it fails.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { describe, test } from "../harness/registry.ts";
import { thrownBy } from "../harness/helpers.ts";
import { errorName, spawnOp, untilDone, untilReceivers } from "./helpers.ts";
import { chunkStream, str, TestByteReceiveStream, utf8 } from "./byte-helpers.ts";
import { CancelScope, ClosedResourceError, createMemoryObjectStream, EndOfStream, withTaskGroup } from "../../src/index.ts";
import { DelimiterNotFound, IncompleteRead } from "../../src/core/errors.ts";
import {
  BufferedByteReceiveStream,
  BufferedByteStream,
  type ByteStream,
  StapledObjectStream,
  typedAttribute,
} from "../../src/streams/index.ts";

/** A buffered stream over a memory object stream holding `chunks`; ended if `end`. */
function buffered(chunks: readonly (string | Uint8Array)[], end = false) {
  const [send, receive] = chunkStream(chunks, { end });
  return { send, receive, stream: new BufferedByteReceiveStream(receive) };
}

/** Every way to cut `text` into chunks at the given cut points. */
function cut(text: string, at: readonly number[]): string[] {
  const points = [0, ...at, text.length];
  return points.slice(1).map((end, i) => text.slice(points[i], end));
}

describe("streams/buffered", () => {
  describe("receiveExactly", () => {
    test("gathers exactly n bytes across chunks", async () => {
      const { send, receive, stream } = buffered(["abcd", "efgh"]);
      const result = await stream.receiveExactly(8);
      assert.ok(result instanceof Uint8Array);
      assert.equal(str(result), "abcdefgh");
      send.close();
      receive.close();
    });

    test("keeps the surplus of a longer chunk for the next receive", async () => {
      const { stream } = buffered(["abcdef"], true);
      assert.equal(str(await stream.receiveExactly(2)), "ab");
      assert.equal(str(stream.buffer), "cdef");
      assert.equal(str(await stream.receiveExactly(3)), "cde");
      assert.equal(str(await stream.receive()), "f");
      await assert.rejects(stream.receive(), EndOfStream);
      await stream.aclose();
    });

    test("raises IncompleteRead when the stream ends first; the bytes read stay buffered", async () => {
      const { stream } = buffered(["abcd"], true);
      const error = await thrownBy(() => stream.receiveExactly(8));
      assert.ok(error instanceof IncompleteRead);
      assert.ok(error.cause instanceof EndOfStream);
      assert.match(error.message, /4 of the 8 bytes/);
      assert.equal(str(stream.buffer), "abcd");
      assert.equal(str(await stream.receive()), "abcd");
      await assert.rejects(stream.receive(), EndOfStream);
      await stream.aclose();
    });

    test("asks a byte stream for no more than the bytes still missing", async () => {
      const [send, source] = chunkStream(["abcdefghij"], { end: true });
      const inner = new TestByteReceiveStream(source);
      const stream = new BufferedByteReceiveStream(inner);
      stream.feedData(utf8("12"));
      assert.equal(str(await stream.receiveExactly(5)), "12abc");
      assert.deepEqual(inner.requests, [3]);
      assert.equal(str(await stream.receiveExactly(7)), "defghij");
      assert.deepEqual(inner.requests, [3, 7]);
      send.close();
      await stream.aclose();
    });

    test("receiveExactly(0) returns an empty array and reads nothing", async () => {
      const [, source] = chunkStream(["abc"]);
      const inner = new TestByteReceiveStream(source);
      const stream = new BufferedByteReceiveStream(inner);
      const result = await stream.receiveExactly(0);
      assert.equal(result.byteLength, 0);
      assert.deepEqual(inner.requests, []);
      await stream.aclose();
    });

    test("a bad nbytes is a RangeError or TypeError naming it", async () => {
      const { send, stream } = buffered(["abc"]);
      for (const bad of [-1, 1.5, NaN, Infinity]) {
        await assert.rejects(stream.receiveExactly(bad), { name: "RangeError", message: /^nbytes must be/ });
      }
      await assert.rejects(stream.receiveExactly("2" as unknown as number), { name: "TypeError", message: /^nbytes must be/ });
      assert.equal(str(await stream.receiveExactly(3)), "abc");
      send.close();
      await stream.aclose();
    });
  });

  describe("receiveUntil", () => {
    test("returns the bytes before the delimiter and consumes the delimiter", async () => {
      const { send, stream } = buffered(["abcd", "efgh"]);
      const first = await stream.receiveUntil(utf8("de"), 10);
      assert.ok(first instanceof Uint8Array);
      assert.equal(str(first), "abc");
      assert.equal(str(await stream.receiveUntil(utf8("h"), 10)), "fg");
      assert.equal(stream.buffer.byteLength, 0);
      send.close();
      await stream.aclose();
    });

    test("finds a delimiter split across chunks", async () => {
      const { stream } = buffered(["line one\r", "\nline two", "\r", "\n"], true);
      const crlf = utf8("\r\n");
      assert.equal(str(await stream.receiveUntil(crlf, 100)), "line one");
      assert.equal(str(await stream.receiveUntil(crlf, 100)), "line two");
      await assert.rejects(stream.receiveUntil(crlf, 100), IncompleteRead);
      await stream.aclose();
    });

    test("finds a long delimiter spread over several chunks, after a false start", async () => {
      // "aab" must be found in "aaab" however it is cut: the search resumes far enough
      // back to see a match that straddles chunks.
      for (const chunks of [["aa", "ab"], ["a", "a", "a", "b"], ["aaa", "b"], ["xa", "aab"]]) {
        const { stream } = buffered([...chunks, "rest"], true);
        const got = await stream.receiveUntil(utf8("aab"), 20);
        assert.equal(str(got), chunks.join("").slice(0, -3), `chunks ${JSON.stringify(chunks)}`);
        assert.equal(str(await stream.receiveExactly(4)), "rest");
        await stream.aclose();
      }
    });

    test("a delimiter first in the stream gives an empty result; consecutive ones, several", async () => {
      const { stream } = buffered(["\n\nx\n"], true);
      const nl = utf8("\n");
      assert.equal((await stream.receiveUntil(nl, 5)).byteLength, 0);
      assert.equal((await stream.receiveUntil(nl, 5)).byteLength, 0);
      assert.equal(str(await stream.receiveUntil(nl, 5)), "x");
      await stream.aclose();
    });

    test("the delimiter must end within maxBytes, however the stream is chunked", async () => {
      const text = "abcdef\r\nrest";
      const crlf = utf8("\r\n");
      for (const at of [[], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [6], [7], [8], [3, 7]]) {
        const what = `cut at ${JSON.stringify(at)}`;
        // "abcdef\r\n" is 8 bytes: found with maxBytes 8...
        const fits = buffered(cut(text, at), true);
        assert.equal(str(await fits.stream.receiveUntil(crlf, 8)), "abcdef", what);
        assert.equal(str(await fits.stream.receive(100)).length > 0, true, what);
        await fits.stream.aclose();
        // ...but not with maxBytes 7, whatever arrived in the same chunk.
        const tooLong = buffered(cut(text, at), true);
        const error = await thrownBy(() => tooLong.stream.receiveUntil(crlf, 7));
        assert.ok(error instanceof DelimiterNotFound, `${what}: ${errorName(error)}`);
        assert.equal(error.maxBytes, 7);
        assert.match(error.message, /first 7 bytes/);
        await tooLong.stream.aclose();
      }
    });

    test("DelimiterNotFound consumes nothing: every byte read stays buffered", async () => {
      const { stream } = buffered(["abc", "def", "ghi"], true);
      await assert.rejects(stream.receiveUntil(utf8("!"), 5), DelimiterNotFound);
      assert.equal(str(stream.buffer), "abcdef");
      assert.equal(str(await stream.receiveExactly(9)), "abcdefghi");
      await stream.aclose();
    });

    test("raises IncompleteRead when the stream ends first; the bytes read stay buffered", async () => {
      const { stream } = buffered(["abcd"], true);
      const error = await thrownBy(() => stream.receiveUntil(utf8("de"), 10));
      assert.ok(error instanceof IncompleteRead);
      assert.ok(error.cause instanceof EndOfStream);
      assert.equal(str(stream.buffer), "abcd");
      await stream.aclose();
    });

    test("bad arguments are a TypeError or RangeError naming the argument", async () => {
      const { send, stream } = buffered(["a\nb"]);
      await assert.rejects(
        stream.receiveUntil("\n" as unknown as Uint8Array, 10),
        { name: "TypeError", message: /^delimiter must be a Uint8Array, not string/ },
      );
      await assert.rejects(stream.receiveUntil(new Uint8Array(0), 10), { name: "RangeError", message: /^delimiter must not be empty/ });
      await assert.rejects(stream.receiveUntil(utf8("\n"), 0), { name: "RangeError", message: /^maxBytes must be/ });
      await assert.rejects(
        stream.receiveUntil(utf8("\n"), undefined as unknown as number),
        { name: "TypeError", message: /^maxBytes must be a number/ },
      );
      await assert.rejects(stream.receiveUntil(utf8("\r\n"), 1), { name: "RangeError", message: /^maxBytes \(1\) must be at least/ });
      assert.equal(str(await stream.receiveUntil(utf8("\n"), 10)), "a");
      send.close();
      await stream.aclose();
    });

    test("changing the delimiter's array while the receive waits changes nothing", async () => {
      const [send, receive] = createMemoryObjectStream<Uint8Array>();
      const stream = new BufferedByteReceiveStream(receive);
      const delimiter = utf8(";");
      await withTaskGroup(async (tg) => {
        const op = spawnOp(tg, () => stream.receiveUntil(delimiter, 10));
        await untilReceivers(receive, 1);
        delimiter[0] = "x".charCodeAt(0);
        await send.send(utf8("axb;c"));
        await untilDone([op]);
        assert.equal(str(op.value!), "axb");
      });
      send.close();
      await stream.aclose();
    });
  });

  describe("receive", () => {
    test("cuts a longer chunk of an object stream at maxBytes and keeps the rest in order", async () => {
      const { stream } = buffered(["abcdef", "gh"], true);
      assert.equal(str(await stream.receive(4)), "abcd");
      assert.equal(str(await stream.receive(4)), "ef");
      assert.equal(str(await stream.receive(4)), "gh");
      await assert.rejects(stream.receive(4), EndOfStream);
      await stream.aclose();
    });

    test("skips empty chunks: end of stream is EndOfStream, never an empty chunk", async () => {
      const { stream } = buffered([new Uint8Array(0), "a", new Uint8Array(0), new Uint8Array(0)], true);
      assert.equal(str(await stream.receive()), "a");
      await assert.rejects(stream.receive(), EndOfStream);
      await stream.aclose();
    });

    test("a bad maxBytes is a RangeError or TypeError naming it", async () => {
      const { send, stream } = buffered(["abc"]);
      for (const bad of [0, -1, 2.5]) {
        await assert.rejects(stream.receive(bad), { name: "RangeError", message: /^maxBytes must be/ });
      }
      await assert.rejects(stream.receive(null as unknown as number), { name: "TypeError", message: /^maxBytes must be/ });
      assert.equal(str(await stream.receive()), "abc");
      send.close();
      await stream.aclose();
    });

    test("for await yields the buffered bytes, then the wrapped stream's chunks", async () => {
      const { stream } = buffered(["cd", "ef"], true);
      stream.feedData(utf8("ab"));
      const got: string[] = [];
      for await (const chunk of stream) got.push(str(chunk));
      assert.deepEqual(got, ["ab", "cd", "ef"]);
      await stream.aclose();
    });
  });

  describe("feedData and buffer", () => {
    test("fed bytes come out before bytes not yet read from the wrapped stream", async () => {
      const { send, stream } = buffered(["abcd"]);
      stream.feedData(utf8("xxx"));
      stream.feedData(utf8("foo"));
      assert.equal(str(await stream.receiveExactly(10)), "xxxfooabcd");
      send.close();
      await stream.aclose();
    });

    test("feedData copies its argument and buffer returns a copy", async () => {
      const { send, stream } = buffered([]);
      const data = utf8("abc");
      stream.feedData(data);
      data[0] = 0;
      const snapshot = stream.buffer;
      snapshot[1] = 0;
      assert.equal(str(stream.buffer), "abc");
      send.close();
      await stream.aclose();
    });

    test("feedData rejects what is not a Uint8Array, naming the argument", async () => {
      const { send, stream } = buffered([]);
      assert.throws(() => stream.feedData("abc" as unknown as Uint8Array), { name: "TypeError", message: /^data must be a Uint8Array/ });
      assert.throws(() => stream.feedData([1, 2] as unknown as Uint8Array), { name: "TypeError", message: /not an array$/ });
      assert.equal(stream.buffer.byteLength, 0);
      send.close();
      await stream.aclose();
    });
  });

  describe("cancellation", () => {
    test("a cancelled receiveExactly keeps the bytes it read; the next call gets them in order", async () => {
      const [send, receive] = createMemoryObjectStream<Uint8Array>(Infinity);
      const stream = new BufferedByteReceiveStream(receive);
      await withTaskGroup(async (tg) => {
        const op = spawnOp(tg, () => stream.receiveExactly(6));
        await untilReceivers(receive, 1);
        send.sendNowait(utf8("abcd"));
        await untilReceivers(receive, 1); // it took the chunk and waits for more
        op.scope.cancel();
        await untilDone([op]);
        assert.equal(op.outcome, "Cancelled");
      });
      assert.equal(str(stream.buffer), "abcd");
      send.sendNowait(utf8("efg"));
      assert.equal(str(await stream.receiveExactly(6)), "abcdef");
      assert.equal(str(stream.buffer), "g");
      send.close();
      await stream.aclose();
    });

    test("a cancelled receiveUntil keeps the bytes it read, and finds the delimiter later", async () => {
      const [send, receive] = createMemoryObjectStream<Uint8Array>();
      const stream = new BufferedByteReceiveStream(receive);
      await withTaskGroup(async (tg) => {
        const op = spawnOp(tg, () => stream.receiveUntil(utf8("\r\n"), 100));
        await untilReceivers(receive, 1);
        await send.send(utf8("hello\r"));
        await untilReceivers(receive, 1);
        op.scope.cancel();
        await untilDone([op]);
        assert.equal(op.outcome, "Cancelled");
        assert.equal(str(stream.buffer), "hello\r");
        const again = spawnOp(tg, () => stream.receiveUntil(utf8("\r\n"), 100));
        await untilReceivers(receive, 1);
        await send.send(utf8("\nworld"));
        await untilDone([again]);
        assert.equal(str(again.value!), "hello");
      });
      assert.equal(str(stream.buffer), "world");
      send.close();
      await stream.aclose();
    });

    test("a receive in a cancelled scope takes nothing from the buffer", async () => {
      const { send, stream } = buffered([]);
      stream.feedData(utf8("kept"));
      const scope = new CancelScope();
      let outcome = "none";
      await scope.run(async () => {
        scope.cancel();
        try {
          await stream.receive();
          outcome = "received";
        } catch (err) {
          outcome = errorName(err);
          throw err;
        }
      });
      assert.equal(outcome, "Cancelled");
      assert.equal(str(stream.buffer), "kept");
      send.close();
      await stream.aclose();
    });
  });

  describe("closing, attributes, construction", () => {
    test("aclose closes the wrapped stream; receiving then raises ClosedResourceError", async () => {
      const { send, receive, stream } = buffered(["abc"]);
      stream.feedData(utf8("x"));
      await stream.aclose();
      await stream.aclose();
      assert.equal(receive.statistics().openReceiveStreams, 0);
      await assert.rejects(stream.receive(), ClosedResourceError);
      await assert.rejects(stream.receiveExactly(1), ClosedResourceError);
      await assert.rejects(stream.receiveUntil(utf8("b"), 5), ClosedResourceError);
      send.close();
    });

    test("closing wakes a receive waiting on the wrapped stream with ClosedResourceError", async () => {
      const [send, receive] = createMemoryObjectStream<Uint8Array>();
      const stream = new BufferedByteReceiveStream(receive);
      await withTaskGroup(async (tg) => {
        const op = spawnOp(tg, () => stream.receiveExactly(4));
        await untilReceivers(receive, 1);
        await stream.aclose();
        await untilDone([op]);
        assert.equal(op.outcome, "ClosedResourceError");
      });
      send.close();
    });

    test("typed attributes are those of the wrapped stream", async () => {
      const peer = typedAttribute<string>("peer");
      const [send, source] = chunkStream([]);
      const stream = new BufferedByteReceiveStream(new TestByteReceiveStream(source, new Map([[peer, () => "10.0.0.1"]])));
      assert.equal(stream.extra(peer), "10.0.0.1");
      assert.equal(stream.extraAttributes.size, 1);
      send.close();
      await stream.aclose();
    });

    test("the constructor rejects what is not a receive stream, naming the argument", () => {
      assert.throws(
        () => new BufferedByteReceiveStream(null as unknown as ByteStream),
        { name: "TypeError", message: /^receiveStream must be a stream, not null/ },
      );
      assert.throws(
        () => new BufferedByteStream({ receive: async () => new Uint8Array(1), aclose: async () => {} } as unknown as ByteStream),
        { name: "TypeError", message: /^stream must be a stream with a send\(\) method/ },
      );
    });
  });

  describe("two-way", () => {
    test("BufferedByteStream sends through, sendEof closes only the sending end, aclose both", async () => {
      const [send, receive] = createMemoryObjectStream<Uint8Array>(1);
      const stream = new BufferedByteStream(new StapledObjectStream(send, receive));
      await stream.send(utf8("abcd"));
      assert.equal(str(await stream.receiveExactly(2)), "ab");
      assert.equal(str(await stream.receiveExactly(2)), "cd");
      await stream.sendEof();
      assert.throws(() => send.sendNowait(utf8("abc")), ClosedResourceError);
      assert.throws(() => receive.receiveNowait(), EndOfStream);
      await assert.rejects(stream.receive(), EndOfStream);
      await stream.aclose();
      assert.throws(() => receive.receiveNowait(), ClosedResourceError);
    });
  });

  describe("model", () => {
    /** One call on the buffered stream, checked against a plain reading of the bytes. */
    type Step = { op: "exactly"; n: number } | { op: "until"; delimiter: string; maxBytes: number } | {
      op: "receive";
      maxBytes: number;
    };
    const stepArb: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ op: fc.constant("exactly" as const), n: fc.nat({ max: 8 }) }),
      fc.record({ op: fc.constant("until" as const), delimiter: fc.constantFrom("\n", "ab", "aab", "ba\n"), maxBytes: fc.integer({ min: 3, max: 12 }) }),
      fc.record({ op: fc.constant("receive" as const), maxBytes: fc.integer({ min: 1, max: 6 }) }),
    );

    test("any chunking gives the same results as reading the bytes in one piece", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.string({ unit: fc.constantFrom("a", "b", "\n"), maxLength: 40 }),
          fc.array(fc.nat({ max: 40 }), { maxLength: 12 }),
          fc.array(stepArb, { minLength: 1, maxLength: 12 }),
          async (text, cuts, steps) => {
            const at = [...new Set(cuts.filter((c) => c > 0 && c < text.length))].sort((x, y) => x - y);
            const { stream } = buffered(cut(text, at), true);
            let rest = text; // the model: what is still to be read, in one piece
            for (const step of steps) {
              if (step.op === "exactly") {
                const result = await stream.receiveExactly(step.n).then(str, errorName);
                assert.equal(result, rest.length >= step.n ? rest.slice(0, step.n) : "IncompleteRead");
                if (rest.length >= step.n) rest = rest.slice(step.n);
              } else if (step.op === "until") {
                const result = await stream.receiveUntil(utf8(step.delimiter), step.maxBytes).then(str, errorName);
                const at = rest.indexOf(step.delimiter);
                const fits = at >= 0 && at + step.delimiter.length <= step.maxBytes;
                const expected = fits
                  ? rest.slice(0, at)
                  : rest.length >= step.maxBytes
                  ? "DelimiterNotFound"
                  : "IncompleteRead";
                assert.equal(result, expected);
                if (fits) rest = rest.slice(at + step.delimiter.length);
              } else {
                const result = await stream.receive(step.maxBytes).then(str, errorName);
                if (rest.length === 0) {
                  assert.equal(result, "EndOfStream");
                } else {
                  // Chunking decides how much comes, so only the range is fixed.
                  assert.ok(result.length >= 1 && result.length <= step.maxBytes && rest.startsWith(result));
                  rest = rest.slice(result.length);
                }
              }
            }
            // Nothing was lost on the way: what is left reads back whole.
            let left = "";
            for await (const chunk of stream) left += str(chunk);
            assert.equal(left, rest);
            await stream.aclose();
          },
        ),
        { numRuns: 200 },
      );
    });

    test("large data in uneven chunks, read in uneven pieces, comes back byte for byte", async () => {
      // A fixed pseudo-random sequence (a linear congruential generator), so chunks and
      // reads of all sizes make the buffer slide its bytes down and grow many times.
      let seed = 12345;
      const next = (bound: number) => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % bound;
      };
      const data = new Uint8Array(200_000).map(() => next(256));
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < data.length;) {
        const size = 1 + next(next(4) === 0 ? 20_000 : 300);
        chunks.push(data.subarray(at, at + size));
        at += size;
      }
      const { stream } = buffered(chunks, true);
      const out = new Uint8Array(data.length);
      let filled = 0;
      while (filled < data.length) {
        const piece = next(3) === 0
          ? await stream.receive(1 + next(5000))
          : await stream.receiveExactly(Math.min(data.length - filled, next(9000)));
        out.set(piece, filled);
        filled += piece.byteLength;
      }
      assert.deepEqual(out, data);
      await assert.rejects(stream.receive(), EndOfStream);
      await stream.aclose();
    });

    test("a long stream of one-byte chunks reads back line by line", async () => {
      const lines = Array.from({ length: 300 }, (_, i) => "x".repeat(i % 37) + String(i));
      const text = lines.map((line) => `${line}\r\n`).join("");
      const { stream } = buffered(Array.from(text), true);
      const got: string[] = [];
      while (true) {
        try {
          got.push(str(await stream.receiveUntil(utf8("\r\n"), 64)));
        } catch (err) {
          if (!(err instanceof IncompleteRead)) throw err;
          break;
        }
      }
      assert.deepEqual(got, lines);
      await stream.aclose();
    });
  });
});
