/**
 * TLS on every backend: verification on by default, server names, client certificates,
 * ALPN and the other TLS attributes, STARTTLS in both roles, half-close, handshake
 * failures and timeouts that do not stop a server, and cancellation. In the spirit of
 * AnyIO's streams/test_tls.py.
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { thrownBy } from "../harness/helpers.ts";
import {
  BrokenResourceError,
  checkpoint,
  ClosedResourceError,
  connectTcp,
  createTcpListener,
  EndOfStream,
  type SocketListener,
  SocketAttribute,
  type TaskGroup,
  TimeoutError,
  TLSAttribute,
  TLSListener,
  type TlsClientOptions,
  type TlsListenerOptions,
  type TlsServerOptions,
  TLSStream,
  withTaskGroup,
} from "../../src/index.ts";
import { assertBytes, certs, clientTls, pattern, receiveAll, str, tcpPair, text, until } from "./helpers.ts";

/**
 * Serves TLS on 127.0.0.1 with `handler` in `tg`; returns the port and the handshake
 * errors reported so far.
 */
async function tlsServer(
  tg: TaskGroup,
  handler: (stream: TLSStream) => unknown,
  options: Partial<TlsServerOptions> = {},
  listenerOptions: TlsListenerOptions = {},
) {
  const handshakeErrors: unknown[] = [];
  const plain = await createTcpListener({ host: "127.0.0.1" });
  const listener = new TLSListener(plain, { cert: certs.serverCert, key: certs.serverKey, ...options }, {
    onHandshakeError: (err) => handshakeErrors.push(err),
    ...listenerOptions,
  });
  tg.startSoon(async () => {
    await using _ = listener;
    await listener.serve(handler);
  });
  return { port: plain.extra(SocketAttribute.localPort), handshakeErrors };
}

const echo = async (stream: TLSStream) => {
  for await (const chunk of stream) await stream.send(chunk);
};

describe("net/tls", () => {
  test("a verified connection echoes data", async () => {
    await withTaskGroup(async (tg) => {
      const { port } = await tlsServer(tg, echo);
      await using stream = await connectTcp("localhost", port, { tls: clientTls() });
      assert.ok(stream instanceof TLSStream);
      await stream.send(text("secret"));
      await stream.sendEof();
      assert.equal(str(await receiveAll(stream)), "secret");
      tg.cancelScope.cancel();
    });
  });

  test("4 MiB through TLS arrive byte for byte", async () => {
    const data = pattern(4 << 20, 11);
    await withTaskGroup(async (tg) => {
      const { port } = await tlsServer(tg, echo);
      await using stream = await connectTcp("127.0.0.1", port, { tls: clientTls() });
      await withTaskGroup(async (inner) => {
        inner.startSoon(async () => {
          await stream.send(data);
          await stream.sendEof();
        });
        assertBytes(await receiveAll(stream), data);
      });
      tg.cancelScope.cancel();
    });
  });

  /** Sends `size` bytes and ends; the server replies with the count it saw before the end. */
  async function sendAndEnd(tls: TlsClientOptions, size: number): Promise<void> {
    await withTaskGroup(async (tg) => {
      const { port } = await tlsServer(tg, async (stream) => {
        let received = 0;
        for await (const chunk of stream) received += chunk.byteLength;
        await stream.send(text(String(received)));
      });
      await using stream = await connectTcp("127.0.0.1", port, { tls });
      await stream.send(pattern(size, 13));
      await stream.sendEof();
      assert.equal(str(await receiveAll(stream)), String(size), `${size} bytes sent`);
      tg.cancelScope.cancel();
    });
  }

  test("a client that sends and ends at once after the handshake: the server sees all, then the end", async () => {
    // Deno's node:tls lost such an end of stream when it came before the stream on top
    // listened (sizes from 256 KiB to 1.5 MiB did it there); the server then never ended.
    for (const size of [1024, 256 << 10, 1 << 20]) await sendAndEnd(clientTls(), size);
  });

  test("the same through a client on node:tls (insecureSkipVerify), again and again", async () => {
    // On the deno backend this client runs node:tls over a bridge to the native
    // connection, where the same race made the client see an end of stream the server
    // never sent, and the server never see the client's (about 1 run in 9 at 256 KiB).
    for (let i = 0; i < 12; i++) await sendAndEnd({ insecureSkipVerify: true }, 256 << 10);
  });

  test("receiveInto on both ends of TLS moves 1 MiB byte for byte", async () => {
    const data = pattern(1 << 20, 12);
    // An echo server that receives into one buffer, and sends a copy of each chunk (send
    // may still read what it was given after it returns).
    const echoInto = async (stream: TLSStream) => {
      const buffer = new Uint8Array(10_000);
      for (;;) {
        let n: number;
        try {
          n = await stream.receiveInto(buffer);
        } catch (err) {
          if (err instanceof EndOfStream) return await stream.sendEof();
          throw err;
        }
        await stream.send(buffer.slice(0, n));
      }
    };
    await withTaskGroup(async (tg) => {
      const { port } = await tlsServer(tg, echoInto);
      await using stream = await connectTcp("127.0.0.1", port, { tls: clientTls() });
      await withTaskGroup(async (inner) => {
        inner.startSoon(async () => {
          await stream.send(data);
          await stream.sendEof();
        });
        const received = new Uint8Array(data.byteLength);
        let got = 0;
        while (got < received.byteLength) got += await stream.receiveInto(received.subarray(got));
        assertBytes(received, data);
        assert.ok((await thrownBy(() => stream.receiveInto(new Uint8Array(1)))) instanceof EndOfStream);
      });
      tg.cancelScope.cancel();
    });
  });

  test("sendEof ends the peer's stream while the other way stays open", async () => {
    await withTaskGroup(async (tg) => {
      const { port } = await tlsServer(tg, async (stream) => {
        const request = str(await receiveAll(stream));
        await stream.send(text(`got ${request}`));
      });
      await using stream = await connectTcp("127.0.0.1", port, { tls: clientTls() });
      await stream.send(text("all of it"));
      await stream.sendEof();
      assert.equal(str(await receiveAll(stream)), "got all of it");
      assert.ok((await thrownBy(() => stream.receive())) instanceof EndOfStream);
      tg.cancelScope.cancel();
    });
  });

  test("both ends report serverSide, ALPN and the socket attributes", async () => {
    await withTaskGroup(async (tg) => {
      const seen: Array<[boolean, string | null]> = [];
      const { port } = await tlsServer(tg, (stream) => {
        seen.push([stream.extra(TLSAttribute.serverSide), stream.extra(TLSAttribute.alpnProtocol)]);
      }, { alpnProtocols: ["h2", "http/1.1"] });
      await using stream = await connectTcp("127.0.0.1", port, { tls: clientTls({ alpnProtocols: ["http/1.1"] }) });
      assert.equal(stream.extra(TLSAttribute.serverSide), false);
      assert.equal(stream.extra(TLSAttribute.alpnProtocol), "http/1.1");
      assert.equal(stream.extra(SocketAttribute.remotePort), port);
      await receiveAll(stream);
      assert.deepEqual(seen, [[true, "http/1.1"]]);
      tg.cancelScope.cancel();
    });
  });

  test("without ALPN the protocol is null", async () => {
    await withTaskGroup(async (tg) => {
      const { port } = await tlsServer(tg, () => {});
      await using stream = await connectTcp("127.0.0.1", port, { tls: clientTls() });
      assert.equal(stream.extra(TLSAttribute.alpnProtocol), null);
      tg.cancelScope.cancel();
    });
  });

  test("version, cipher and peer certificate are reported where the runtime tells them", async () => {
    await withTaskGroup(async (tg) => {
      const { port } = await tlsServer(tg, () => {});
      await using stream = await connectTcp("127.0.0.1", port, { tls: clientTls() });
      const version = stream.extra(TLSAttribute.tlsVersion, undefined);
      const cipher = stream.extra(TLSAttribute.cipher, undefined);
      const cert = stream.extra(TLSAttribute.peerCertificate, undefined);
      if (version !== undefined) assert.match(version, /^TLSv1\.[23]$/);
      if (cipher !== undefined) assert.ok(cipher.length > 0);
      if (cert !== undefined) {
        assert.ok(cert instanceof Uint8Array && cert.byteLength > 100);
        assert.equal(cert[0], 0x30, "DER starts with a SEQUENCE");
      }
      tg.cancelScope.cancel();
    });
  });

  test("a certificate from an untrusted CA fails the handshake; the server carries on", async () => {
    await withTaskGroup(async (tg) => {
      const { port, handshakeErrors } = await tlsServer(tg, async (stream) => {
        // The rejected client may leave a server-side stream that breaks at once.
        await echo(stream).catch((err) => assert.ok(err instanceof BrokenResourceError, String(err)));
      });
      const err = await thrownBy(() => connectTcp("127.0.0.1", port, { tls: { ca: certs.otherCa } }));
      assert.ok(err instanceof BrokenResourceError, String(err));
      assert.match(String(err), /handshake/);
      assert.ok((err as Error).cause !== undefined);
      // The server reports the failure and keeps serving.
      await using good = await connectTcp("127.0.0.1", port, { tls: clientTls() });
      await good.send(text("still here"));
      await good.sendEof();
      assert.equal(str(await receiveAll(good)), "still here");
      // With TLS 1.3 the server may finish its side before the client rejects the
      // certificate: it then sees the connection end instead of a failed handshake.
      assert.ok(handshakeErrors.length <= 1);
      tg.cancelScope.cancel();
    });
  });

  test("the system's CAs do not trust the test CA: verification is on by default", async () => {
    await withTaskGroup(async (tg) => {
      const { port } = await tlsServer(tg, echo);
      const err = await thrownBy(() => connectTcp("localhost", port, { tls: true }));
      assert.ok(err instanceof BrokenResourceError, String(err));
      tg.cancelScope.cancel();
    });
  });

  test("a server name the certificate does not name fails verification", async () => {
    await withTaskGroup(async (tg) => {
      const { port } = await tlsServer(tg, echo);
      const err = await thrownBy(() => connectTcp("127.0.0.1", port, { tls: clientTls({ serverName: "example.com" }) }));
      assert.ok(err instanceof BrokenResourceError, String(err));
      tg.cancelScope.cancel();
    });
  });

  test("insecureSkipVerify accepts an untrusted certificate", async () => {
    await withTaskGroup(async (tg) => {
      const { port } = await tlsServer(tg, echo);
      await using stream = await connectTcp("127.0.0.1", port, { tls: { insecureSkipVerify: true } });
      await stream.send(text("unverified"));
      await stream.sendEof();
      assert.equal(str(await receiveAll(stream)), "unverified");
      tg.cancelScope.cancel();
    });
  });

  test("a server that requires a client certificate accepts a valid one", async () => {
    await withTaskGroup(async (tg) => {
      const { port } = await tlsServer(tg, echo, { requireClientCert: true, ca: certs.ca });
      const made = await connectTcp("127.0.0.1", port, {
        tls: clientTls({ cert: certs.clientCert, key: certs.clientKey }),
      }).catch((e: unknown) => e);
      if (made instanceof Error && /cannot send a client certificate/.test(String(made))) return tg.cancelScope.cancel();
      await using stream = made as TLSStream;
      await stream.send(text("mutual"));
      await stream.sendEof();
      assert.equal(str(await receiveAll(stream)), "mutual");
      tg.cancelScope.cancel();
    });
  });

  test("a server that requires a client certificate refuses a client without one", async () => {
    await withTaskGroup(async (tg) => {
      const { port, handshakeErrors } = await tlsServer(tg, echo, { requireClientCert: true, ca: certs.ca });
      const result = await (async () => {
        // TLS 1.3 finishes the client's handshake before the server checks; the refusal
        // then arrives as the first read.
        await using stream = await connectTcp("127.0.0.1", port, { tls: clientTls() });
        await stream.send(text("let me in"));
        return await receiveAll(stream);
      })().catch((e: unknown) => e);
      assert.ok(result instanceof BrokenResourceError, String(result));
      await until(() => handshakeErrors.length === 1, "the server reported the failed handshake");
      tg.cancelScope.cancel();
    });
  });

  test("STARTTLS: a plain connection is upgraded on both sides", async () => {
    await using pair = await tcpPair();
    await pair.client.send(text("STARTTLS\n"));
    assert.equal(str(await pair.server.receive()), "STARTTLS\n");
    let serverSide!: TLSStream;
    let clientSide!: TLSStream;
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => {
        serverSide = await TLSStream.wrap(pair.server, { serverSide: true, cert: certs.serverCert, key: certs.serverKey });
      });
      clientSide = await TLSStream.wrap(pair.client, { ca: certs.ca, serverName: "localhost" });
    });
    await using a = clientSide;
    await using b = serverSide;
    assert.equal(b.extra(TLSAttribute.serverSide), true);
    await a.send(text("now secret"));
    await a.sendEof();
    assert.equal(str(await receiveAll(b)), "now secret");
    // The plain streams now belong to the TLS streams.
    assert.ok((await thrownBy(() => pair.client.receive())) instanceof ClosedResourceError);
  });

  test("a handshake that does not finish in time is dropped; the server carries on", async () => {
    await withTaskGroup(async (tg) => {
      const { port, handshakeErrors } = await tlsServer(tg, echo, {}, { handshakeTimeout: 500 });
      await using silent = await connectTcp("127.0.0.1", port); // plain TCP, never says hello
      const end = await thrownBy(() => silent.receive());
      assert.ok(end instanceof EndOfStream || end instanceof BrokenResourceError, String(end));
      assert.equal(handshakeErrors.length, 1);
      assert.ok(handshakeErrors[0] instanceof TimeoutError, String(handshakeErrors[0]));
      await using good = await connectTcp("127.0.0.1", port, { tls: clientTls() });
      await good.send(text("ok"));
      await good.sendEof();
      assert.equal(str(await receiveAll(good)), "ok");
      tg.cancelScope.cancel();
    });
  });

  test("cancelling a TLS connect at any step leaves no socket behind", async () => {
    await withTaskGroup(async (outer) => {
      const { port } = await tlsServer(outer, echo);
      for (let steps = 0; steps < 16; steps++) {
        await withTaskGroup(async (tg) => {
          tg.startSoon(async () => {
            const stream = await connectTcp("127.0.0.1", port, { tls: clientTls() });
            await stream.aclose();
          });
          for (let i = 0; i < steps; i++) await checkpoint();
          tg.cancelScope.cancel();
        });
      }
      outer.cancelScope.cancel();
    });
  });

  test("bad TLS arguments are refused at the call", async () => {
    await using pair = await tcpPair();
    const plain = await createTcpListener({ host: "127.0.0.1" });
    await using _plain = plain;
    for (const [call, type, message] of [
      [() => TLSStream.wrap({} as never), TypeError, /SocketStream/],
      [() => TLSStream.wrap(pair.client, { serverSide: true } as never), TypeError, /cert/],
      [() => TLSStream.wrap(pair.client, { cert: certs.clientCert }), TypeError, /together/],
      [() => TLSStream.wrap(pair.client, { alpnProtocols: "h2" as never }), TypeError, /alpnProtocols/],
      [() => TLSStream.wrap(pair.client, { ca: 5 as never }), TypeError, /ca/],
      [() => new TLSListener(plain, {} as never), TypeError, /cert/],
      [() => new TLSListener({} as never, { cert: "c", key: "k" }), TypeError, /listener/],
      [() => new TLSListener(plain, { cert: "c", key: "k" }, { handshakeTimeout: 0 }), RangeError, /handshakeTimeout/],
      [() => connectTcp("127.0.0.1", 1, { tls: { serverName: "" } }), TypeError, /serverName/],
    ] as const) {
      const err = await thrownBy(call);
      assert.ok(err instanceof type, `${call}: ${err}`);
      assert.match((err as Error).message, message);
    }
    // Nothing was detached by a refused call: the plain stream still works.
    await pair.client.send(text("plain"));
    assert.equal(str(await pair.server.receive()), "plain");
  });

  test("a TLS listener exposes the plain listener's attributes", async () => {
    const plain = await createTcpListener({ host: "127.0.0.1" });
    await using listener = new TLSListener(plain, { cert: certs.serverCert, key: certs.serverKey });
    assert.equal(listener.extra(SocketAttribute.localPort), plain.extra(SocketAttribute.localPort));
    assert.equal((plain.listeners[0] as SocketListener).extra(SocketAttribute.family), "IPv4");
  });
});
