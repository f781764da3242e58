/**
 * Unix stream sockets on every backend: data both ways, half-close, attributes, stale
 * socket files, permissions, and the socket file's removal on close. In the spirit of
 * AnyIO's test_sockets.py (TestUNIXStream, TestUNIXListener).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, rmSync, statSync, writeFileSync } from "node:fs";
import { describe, test } from "../harness/registry.ts";
import { runtimeCommand, thrownBy } from "../harness/helpers.ts";
import {
  ConnectionFailed,
  connectUnix,
  createUnixListener,
  checkpoint,
  SocketAttribute,
  TLSStream,
  TypedAttributeLookupError,
  withTaskGroup,
} from "../../src/index.ts";
import { assertBytes, certs, codeOf, pattern, receiveAll, socketPath, str, text, unixPair } from "./helpers.ts";

describe("net/unix", () => {
  test("bytes travel both ways, with half-close", async () => {
    await using pair = await unixPair();
    await pair.client.send(text("question"));
    await pair.client.sendEof();
    assert.equal(str(await receiveAll(pair.server)), "question");
    await pair.server.send(text("answer"));
    await pair.server.aclose();
    assert.equal(str(await receiveAll(pair.client)), "answer");
  });

  test("4 MiB arrive byte for byte", async () => {
    await using pair = await unixPair();
    const data = pattern(4 << 20, 9);
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => {
        await pair.client.send(data);
        await pair.client.sendEof();
      });
      assertBytes(await receiveAll(pair.server), data);
    });
  });

  test("attributes: family unix, the socket path on the listening side, no ports", async () => {
    await using pair = await unixPair();
    assert.equal(pair.client.extra(SocketAttribute.family), "unix");
    assert.equal(pair.client.extra(SocketAttribute.remoteAddress), pair.path);
    assert.equal(pair.server.extra(SocketAttribute.localAddress), pair.path);
    assert.equal(pair.listener.extra(SocketAttribute.localAddress), pair.path);
    assert.ok((await thrownBy(() => pair.client.extra(SocketAttribute.localPort))) instanceof TypedAttributeLookupError);
    assert.ok((await thrownBy(() => pair.listener.extra(SocketAttribute.remoteAddress))) instanceof TypedAttributeLookupError);
  });

  test("closing the listener removes its socket file", async () => {
    const path = socketPath();
    const listener = await createUnixListener(path);
    assert.ok(lstatSync(path).isSocket());
    await listener.aclose();
    assert.equal(existsSync(path), false);
  });

  test("a stale socket file left by a dead server is replaced", async () => {
    const path = socketPath();
    const [command, ...args] = runtimeCommand();
    execFileSync(command, [...args, new URL("../fixtures/stale-unix-socket.ts", import.meta.url).pathname, path]);
    assert.ok(lstatSync(path).isSocket(), "the fixture left its socket file");
    await using listener = await createUnixListener(path);
    await using client = await connectUnix(path);
    await using server = await listener.accept();
    await client.send(text("fresh"));
    assert.equal(str(await server.receive()), "fresh");
  });

  test("a file that is not a socket is never removed", async () => {
    const path = socketPath();
    writeFileSync(path, "precious");
    try {
      const err = await thrownBy(() => createUnixListener(path));
      assert.ok(err instanceof Error);
      assert.equal(codeOf(err), "EADDRINUSE", String(err));
      assert.equal(statSync(path).isFile(), true);
    } finally {
      rmSync(path, { force: true });
    }
  });

  test("mode sets the socket file's permissions", async () => {
    const path = socketPath();
    await using _listener = await createUnixListener(path, { mode: 0o600 });
    assert.equal(lstatSync(path).mode & 0o777, 0o600);
  });

  test("connecting to a missing path raises ConnectionFailed with the runtime's code", async () => {
    const path = socketPath();
    const err = await thrownBy(() => connectUnix(path));
    assert.ok(err instanceof ConnectionFailed, String(err));
    assert.equal(err.attempts[0].address, path);
    assert.equal(codeOf(err), "ENOENT");
  });

  test("bad arguments are refused at the call", async () => {
    for (const [call, type] of [
      [() => connectUnix(""), TypeError],
      [() => connectUnix(3 as unknown as string), TypeError],
      [() => connectUnix("/tmp/a\0b"), TypeError],
      [() => createUnixListener(""), TypeError],
      [() => createUnixListener(socketPath(), { mode: 0o1777 }), RangeError],
      [() => createUnixListener(socketPath(), { mode: "600" as unknown as number }), TypeError],
      [() => createUnixListener(socketPath(), { backlog: -1 }), RangeError],
    ] as const) {
      const err = await thrownBy(call);
      assert.ok(err instanceof type, `${call}: ${err}`);
    }
  });

  test("serve handles several Unix connections at once", async () => {
    const path = socketPath();
    await using listener = await createUnixListener(path);
    await withTaskGroup(async (tg) => {
      tg.startSoon(() => listener.serve(async (stream) => await stream.send(text(`re: ${str(await receiveAll(stream))}`))));
      await withTaskGroup(async (clients) => {
        for (const name of ["a", "b", "c"]) {
          clients.startSoon(async () => {
            await using stream = await connectUnix(path);
            await stream.send(text(name));
            await stream.sendEof();
            assert.equal(str(await receiveAll(stream)), `re: ${name}`);
          });
        }
      });
      tg.cancelScope.cancel();
    });
  });

  test("TLS runs over a Unix socket too", async () => {
    await using pair = await unixPair();
    let server!: TLSStream;
    let client!: TLSStream;
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => {
        server = await TLSStream.wrap(pair.server, { serverSide: true, cert: certs.serverCert, key: certs.serverKey });
      });
      client = await TLSStream.wrap(pair.client, { ca: certs.ca, serverName: "localhost" });
    });
    await using a = client;
    await using b = server;
    await a.send(text("private"));
    await a.sendEof();
    assert.equal(str(await receiveAll(b)), "private");
    assert.equal(b.extra(SocketAttribute.family), "unix");
  });

  test("cancelling a Unix connect at any step leaves no socket behind", async () => {
    const path = socketPath();
    await using _listener = await createUnixListener(path);
    for (let steps = 0; steps < 8; steps++) {
      await withTaskGroup(async (tg) => {
        tg.startSoon(async () => {
          const stream = await connectUnix(path);
          await stream.aclose();
        });
        for (let i = 0; i < steps; i++) await checkpoint();
        tg.cancelScope.cancel();
      });
    }
  });
});
