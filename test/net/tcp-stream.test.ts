/**
 * TCP socket streams on every backend: data in order and intact, end of stream and
 * half-close, busy and closed streams, attributes, and cancellation that loses nothing.
 * In the spirit of AnyIO's test_sockets.py (TestTCPStream).
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { rejectsWithoutThrowing, thrownBy } from "../harness/helpers.ts";
import {
  BrokenResourceError,
  BusyResourceError,
  CancelScope,
  checkpoint,
  ClosedResourceError,
  EndOfStream,
  isCancelled,
  moveOnAfter,
  SocketAttribute,
  SocketStream,
  withTaskGroup,
} from "../../src/index.ts";
import { assertBytes, concat, pattern, receiveAll, receiveExactly, str, tcpPair, text } from "./helpers.ts";

/**
 * Makes the server end reset the connection: the client sends until its sends fail
 * while the server closes with bytes unread, which the kernel answers with a reset.
 */
async function resetByServer(pair: { client: SocketStream; server: SocketStream }): Promise<void> {
  await withTaskGroup(async (tg) => {
    tg.startSoon(async () => {
      try {
        for (;;) await pair.client.send(pattern(1 << 20));
      } catch (err) {
        if (!(err instanceof BrokenResourceError)) throw err;
      }
    });
    await pair.server.receive(1);
    await pair.server.aclose();
  });
}

describe("net/tcp stream", () => {
  test("bytes sent arrive intact and in order", async () => {
    await using pair = await tcpPair();
    await pair.client.send(text("hello, "));
    await pair.client.send(text("world"));
    assert.equal(str(await receiveExactly(pair.server, 12)), "hello, world");
  });

  test("receive returns at most maxBytes and keeps the rest for later", async () => {
    await using pair = await tcpPair();
    await pair.client.send(pattern(10));
    const parts: Uint8Array[] = [];
    let got = 0;
    while (got < 10) {
      const chunk = await pair.server.receive(3);
      assert.ok(chunk.byteLength >= 1 && chunk.byteLength <= 3, `chunk of ${chunk.byteLength}`);
      parts.push(chunk);
      got += chunk.byteLength;
    }
    assertBytes(concat(parts), pattern(10));
  });

  test("8 MiB each way at once arrive byte for byte", async () => {
    await using pair = await tcpPair();
    const up = pattern(8 << 20, 1);
    const down = pattern(8 << 20, 2);
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => {
        await pair.client.send(up);
        await pair.client.sendEof();
      });
      tg.startSoon(async () => {
        await pair.server.send(down);
        await pair.server.sendEof();
      });
      tg.startSoon(async () => assertBytes(await receiveAll(pair.server), up, "upstream"));
      tg.startSoon(async () => assertBytes(await receiveAll(pair.client), down, "downstream"));
    });
  });

  test("many small sends keep their order", async () => {
    await using pair = await tcpPair();
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => {
        for (let i = 0; i < 1000; i++) await pair.client.send(new Uint8Array([i & 255, i >> 8]));
        await pair.client.sendEof();
      });
      const all = await receiveAll(pair.server);
      assert.equal(all.byteLength, 2000);
      for (let i = 0; i < 1000; i++) assert.equal(all[2 * i] | (all[2 * i + 1] << 8), i);
    });
  });

  test("chunks received earlier stay intact while many small messages follow", async () => {
    // One small read per message (each is answered before the next is sent), more of
    // them than fit in one of the buffers a backend may copy small reads into.
    await using pair = await tcpPair();
    const kept: Uint8Array[] = [];
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => {
        for await (const chunk of pair.server) {
          kept.push(chunk);
          await pair.server.send(chunk);
        }
      });
      for (let i = 0; i < 3000; i++) {
        await pair.client.send(new Uint8Array([i & 255, i >> 8, 7]));
        await receiveExactly(pair.client, 3);
      }
      await pair.client.sendEof();
    });
    const all = concat(kept);
    assert.equal(all.byteLength, 9000);
    for (let i = 0; i < 3000; i++) assert.deepEqual([...all.subarray(3 * i, 3 * i + 3)], [i & 255, i >> 8, 7]);
  });

  test("sendEof ends the peer's stream while this side still receives", async () => {
    await using pair = await tcpPair();
    await pair.client.send(text("request"));
    await pair.client.sendEof();
    assert.equal(str(await receiveAll(pair.server)), "request");
    await pair.server.send(text("reply"));
    await pair.server.sendEof();
    assert.equal(str(await receiveAll(pair.client)), "reply");
  });

  test("sendEof is idempotent and sending afterwards raises ClosedResourceError", async () => {
    await using pair = await tcpPair();
    await pair.client.sendEof();
    await pair.client.sendEof();
    assert.ok((await thrownBy(() => pair.client.send(text("x")))) instanceof ClosedResourceError);
  });

  test("receive keeps raising EndOfStream after the end", async () => {
    await using pair = await tcpPair();
    await pair.client.sendEof();
    assert.ok((await thrownBy(() => pair.server.receive())) instanceof EndOfStream);
    assert.ok((await thrownBy(() => pair.server.receive())) instanceof EndOfStream);
  });

  test("the peer closing ends the stream after its data", async () => {
    await using pair = await tcpPair();
    await pair.client.send(text("last words"));
    await pair.client.aclose();
    assert.equal(str(await receiveAll(pair.server)), "last words");
  });

  test("aclose flushes everything sent before it", async () => {
    await using pair = await tcpPair();
    const data = pattern(4 << 20, 3);
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => assertBytes(await receiveAll(pair.server), data));
      await pair.client.send(data);
      await pair.client.aclose();
    });
  });

  test("for await ends quietly at end of stream", async () => {
    await using pair = await tcpPair();
    await pair.client.send(text("abc"));
    await pair.client.sendEof();
    const chunks: string[] = [];
    for await (const chunk of pair.server) chunks.push(str(chunk));
    assert.equal(chunks.join(""), "abc");
  });

  test("two concurrent receives raise BusyResourceError", async () => {
    await using pair = await tcpPair();
    await withTaskGroup(async (tg) => {
      tg.startSoon(() => pair.server.receive());
      await checkpoint();
      const err = await thrownBy(() => pair.server.receive());
      assert.ok(err instanceof BusyResourceError, String(err));
      await pair.client.send(text("x"));
    });
  });

  test("two concurrent sends raise BusyResourceError", async () => {
    await using pair = await tcpPair();
    const big = pattern(32 << 20);
    await withTaskGroup(async (tg) => {
      await pair.client.send(big); // fills the send buffer: the next send must wait
      tg.startSoon(() => pair.client.send(text("more")));
      await checkpoint();
      const err = await thrownBy(() => pair.client.send(text("x")));
      assert.ok(err instanceof BusyResourceError, String(err));
      const received = await receiveExactly(pair.server, big.byteLength + 4);
      assert.equal(str(received.subarray(big.byteLength)), "more");
    });
  });

  test("send is a checkpoint even when the socket takes the bytes at once", async () => {
    await using pair = await tcpPair();
    await withTaskGroup(async (tg) => {
      let ran = false;
      tg.startSoon(() => {
        ran = true;
      });
      await pair.client.send(text("x"));
      assert.equal(ran, true);
    });
    assert.equal(str(await pair.server.receive()), "x");
  });

  test("receive is a checkpoint even when bytes are ready", async () => {
    await using pair = await tcpPair();
    await pair.client.send(text("ab"));
    const first = await pair.server.receive(1); // waits; the rest stays with the stream
    await withTaskGroup(async (tg) => {
      let ran = false;
      tg.startSoon(() => {
        ran = true;
      });
      const second = await pair.server.receive(1);
      assert.equal(ran, true);
      assert.equal(str(first) + str(second), "ab");
    });
  });

  test("bad maxBytes and data are refused at the call", async () => {
    await using pair = await tcpPair();
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      assert.ok((await thrownBy(() => pair.server.receive(bad))) instanceof RangeError, `maxBytes ${bad}`);
    }
    assert.ok((await thrownBy(() => pair.server.receive("1" as unknown as number))) instanceof TypeError);
    assert.ok((await thrownBy(() => pair.client.send("text" as unknown as Uint8Array))) instanceof TypeError);
    assert.ok((await thrownBy(() => pair.client.send(null as unknown as Uint8Array))) instanceof TypeError);
  });

  test("receive and send report every error as a rejection, never a synchronous throw", async () => {
    await using pair = await tcpPair();
    // A caller may use .catch() on the returned promise; a synchronous throw would skip it.
    await rejectsWithoutThrowing(() => pair.server.receive(0), RangeError);
    await rejectsWithoutThrowing(() => pair.client.send(null as unknown as Uint8Array), TypeError);
    await withTaskGroup(async (tg) => {
      tg.startSoon(() => pair.server.receive());
      await checkpoint();
      await rejectsWithoutThrowing(() => pair.server.receive(), BusyResourceError);
      await pair.client.send(text("x"));
    });
    await pair.client.aclose();
    await rejectsWithoutThrowing(() => pair.client.send(text("x")), ClosedResourceError);
    await rejectsWithoutThrowing(() => pair.client.receive(), ClosedResourceError);
  });

  test("using a closed stream raises ClosedResourceError; closing again does nothing", async () => {
    await using pair = await tcpPair();
    await pair.client.aclose();
    await pair.client.aclose();
    for (const op of [() => pair.client.receive(), () => pair.client.send(text("x")), () => pair.client.sendEof()]) {
      assert.ok((await thrownBy(op)) instanceof ClosedResourceError);
    }
  });

  test("a receive waiting when the stream closes raises ClosedResourceError", async () => {
    await using pair = await tcpPair();
    const errors: unknown[] = [];
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => errors.push(await thrownBy(() => pair.server.receive())));
      await checkpoint();
      await pair.server.aclose();
    });
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof ClosedResourceError, String(errors[0]));
  });

  test("a cancelled receive takes nothing: the next receive gets every byte", async () => {
    await using pair = await tcpPair();
    await withTaskGroup(async (tg) => {
      const scope = new CancelScope();
      tg.startSoon(() => scope.run(() => pair.server.receive()));
      await checkpoint();
      scope.cancel();
    });
    await pair.client.send(text("kept"));
    await pair.client.sendEof();
    assert.equal(str(await receiveAll(pair.server)), "kept");
  });

  test("a receive in a cancelled scope raises Cancelled and takes nothing", async () => {
    await using pair = await tcpPair();
    await pair.client.send(text("data"));
    await pair.client.sendEof();
    const scope = new CancelScope();
    scope.cancel();
    let raised: unknown;
    await scope.run(async () => {
      try {
        await pair.server.receive();
      } catch (err) {
        raised = err;
        throw err;
      }
    });
    assert.ok(isCancelled(raised));
    assert.equal(str(await receiveAll(pair.server)), "data");
  });

  test("a cancelled send sends nothing", async () => {
    await using pair = await tcpPair();
    const big = pattern(32 << 20, 5);
    await pair.client.send(big); // the buffer is now full: the next send waits
    await moveOnAfter(0, () => pair.client.send(text("never")));
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => assertBytes(await receiveAll(pair.server), big));
      await pair.client.aclose(); // flushes while the peer reads
    });
  });

  test("a reset connection raises BrokenResourceError with the runtime's error as cause", async () => {
    await using pair = await tcpPair();
    await resetByServer(pair);
    const err = await thrownBy(async () => {
      for (;;) await pair.client.receive();
    });
    assert.ok(err instanceof BrokenResourceError, String(err));
    assert.ok((err as Error).cause !== undefined);
  });

  test("attributes give both ends' addresses and ports", async () => {
    await using pair = await tcpPair();
    const { client, server, listener } = pair;
    assert.equal(client.extra(SocketAttribute.family), "IPv4");
    assert.equal(client.extra(SocketAttribute.remoteAddress), "127.0.0.1");
    assert.equal(client.extra(SocketAttribute.remotePort), listener.extra(SocketAttribute.localPort));
    assert.equal(server.extra(SocketAttribute.localPort), listener.extra(SocketAttribute.localPort));
    assert.equal(server.extra(SocketAttribute.remotePort), client.extra(SocketAttribute.localPort));
    assert.equal(server.extra(SocketAttribute.remoteAddress), client.extra(SocketAttribute.localAddress));
    assert.ok(client instanceof SocketStream);
  });

  test("attributes first asked for after a reset, or after aclose, are still right", async () => {
    // Nothing asks the client for its attributes before the end: a backend that read
    // them only on demand would find the socket gone.
    await using pair = await tcpPair();
    const { client, server, listener } = pair;
    const clientPort = server.extra(SocketAttribute.remotePort);
    await resetByServer(pair);
    const err = await thrownBy(async () => {
      for (;;) await client.receive();
    });
    assert.ok(err instanceof BrokenResourceError, String(err));
    assert.equal(client.extra(SocketAttribute.localAddress), "127.0.0.1");
    assert.equal(client.extra(SocketAttribute.localPort), clientPort);
    assert.equal(client.extra(SocketAttribute.remoteAddress), "127.0.0.1");
    assert.equal(client.extra(SocketAttribute.remotePort), listener.extra(SocketAttribute.localPort));
    await client.aclose();
    assert.equal(client.extra(SocketAttribute.localPort), clientPort);
    assert.equal(server.extra(SocketAttribute.localPort), listener.extra(SocketAttribute.localPort));
  });

  test("IPv6 loopback works and reports its family", async () => {
    await using pair = await tcpPair("::1");
    assert.equal(pair.client.extra(SocketAttribute.family), "IPv6");
    assert.equal(pair.server.extra(SocketAttribute.localAddress), "::1");
    await pair.client.send(text("six"));
    assert.equal(str(await receiveExactly(pair.server, 3)), "six");
  });

  test("an empty send is allowed and sends nothing", async () => {
    await using pair = await tcpPair();
    await pair.client.send(new Uint8Array(0));
    await pair.client.send(text("after"));
    await pair.client.sendEof();
    assert.equal(str(await receiveAll(pair.server)), "after");
  });

  test("closing a listener that is serving ends serve with ClosedResourceError", async () => {
    const pair = await tcpPair();
    await pair.client.aclose();
    await pair.server.aclose();
    const errors: unknown[] = [];
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => errors.push(await thrownBy(() => pair.listener.serve(() => {}))));
      await checkpoint();
      await pair.listener.aclose();
    });
    const [err] = errors;
    const inner = err instanceof Error && "errors" in err ? (err as AggregateError).errors[0] : err;
    assert.ok(inner instanceof ClosedResourceError, String(err));
  });

  test("a close waiting on a peer that stopped reading can be cancelled, and releases the socket", async () => {
    await using pair = await tcpPair();
    await pair.client.send(pattern(32 << 20, 6)); // more than the buffers hold: the flush must wait
    let returned = false;
    await withTaskGroup(async (tg) => {
      const scope = new CancelScope();
      tg.startSoon(() =>
        scope.run(async () => {
          await pair.client.aclose();
          returned = true; // aclose returns (without raising) once cancelled
        })
      );
      for (let i = 0; i < 3; i++) await checkpoint();
      assert.equal(returned, false, "the flush waits for the peer");
      scope.cancel();
    });
    assert.equal(returned, true);
    assert.ok((await thrownBy(() => pair.client.send(text("x")))) instanceof ClosedResourceError);
  });
});
