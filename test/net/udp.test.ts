/**
 * UDP sockets on every backend, and Unix datagram sockets where a backend has them.
 * In the spirit of AnyIO's test_sockets.py (TestUDPSocket, TestConnectedUDPSocket,
 * TestUNIXDatagramSocket).
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { thrownBy } from "../harness/helpers.ts";
import {
  BusyResourceError,
  CancelScope,
  checkpoint,
  ClosedResourceError,
  createConnectedUdpSocket,
  createConnectedUnixDatagramSocket,
  createUdpSocket,
  createUnixDatagramSocket,
  getBackend,
  SocketAttribute,
  TypedAttributeLookupError,
  type UNIXDatagramSocket,
  withTaskGroup,
} from "../../src/index.ts";
import { assertBytes, pattern, socketPath, str, text } from "./helpers.ts";

describe("net/udp", () => {
  test("a datagram arrives whole, with its sender's address", async () => {
    await using a = await createUdpSocket({ localHost: "127.0.0.1" });
    await using b = await createUdpSocket({ localHost: "127.0.0.1" });
    await a.sendto(text("hello"), "127.0.0.1", b.extra(SocketAttribute.localPort));
    const { data, host, port } = await b.receive();
    assert.equal(str(data), "hello");
    assert.equal(host, "127.0.0.1");
    assert.equal(port, a.extra(SocketAttribute.localPort));
  });

  test("send takes a datagram object; replies reach the sender", async () => {
    await using server = await createUdpSocket({ localHost: "127.0.0.1" });
    await using client = await createUdpSocket({ localHost: "127.0.0.1" });
    await client.send({ data: text("ping"), host: "127.0.0.1", port: server.extra(SocketAttribute.localPort) });
    const request = await server.receive();
    await server.send({ ...request, data: text("pong") });
    assert.equal(str((await client.receive()).data), "pong");
  });

  test("a large datagram (60000 bytes) keeps its bytes", async () => {
    await using a = await createUdpSocket({ localHost: "127.0.0.1" });
    await using b = await createUdpSocket({ localHost: "127.0.0.1" });
    const data = pattern(60000, 4);
    await a.sendto(data, "127.0.0.1", b.extra(SocketAttribute.localPort));
    assertBytes((await b.receive()).data, data);
  });

  test("a host name is resolved when sending", async () => {
    await using a = await createUdpSocket({ localHost: "127.0.0.1" });
    await using b = await createUdpSocket({ localHost: "127.0.0.1" });
    await a.sendto(text("by name"), "localhost", b.extra(SocketAttribute.localPort));
    assert.equal(str((await b.receive()).data), "by name");
  });

  test("IPv6 sockets work and report their family", async () => {
    await using a = await createUdpSocket({ localHost: "::1" });
    await using b = await createUdpSocket({ localHost: "::1" });
    assert.equal(a.extra(SocketAttribute.family), "IPv6");
    await a.sendto(text("six"), "::1", b.extra(SocketAttribute.localPort));
    const { data, host } = await b.receive();
    assert.equal(str(data), "six");
    assert.equal(host, "::1");
  });

  test("attributes: local address and port, no remote end", async () => {
    await using socket = await createUdpSocket({ localHost: "127.0.0.1" });
    assert.equal(socket.extra(SocketAttribute.family), "IPv4");
    assert.equal(socket.extra(SocketAttribute.localAddress), "127.0.0.1");
    assert.ok(socket.extra(SocketAttribute.localPort) > 0);
    assert.ok((await thrownBy(() => socket.extra(SocketAttribute.remotePort))) instanceof TypedAttributeLookupError);
  });

  test("a connected socket exchanges payloads with its peer", async () => {
    await using server = await createUdpSocket({ localHost: "127.0.0.1" });
    await using client = await createConnectedUdpSocket("127.0.0.1", server.extra(SocketAttribute.localPort));
    assert.equal(client.extra(SocketAttribute.remotePort), server.extra(SocketAttribute.localPort));
    assert.equal(client.extra(SocketAttribute.remoteAddress), "127.0.0.1");
    await client.send(text("ping"));
    const { data, host, port } = await server.receive();
    assert.equal(port, client.extra(SocketAttribute.localPort));
    await server.sendto(text(str(data) + "/pong"), host, port);
    assert.equal(str(await client.receive()), "ping/pong");
  });

  test("a cancelled receive takes nothing", async () => {
    await using a = await createUdpSocket({ localHost: "127.0.0.1" });
    await using b = await createUdpSocket({ localHost: "127.0.0.1" });
    await withTaskGroup(async (tg) => {
      const scope = new CancelScope();
      tg.startSoon(() => scope.run(() => b.receive()));
      await checkpoint();
      scope.cancel();
    });
    await a.sendto(text("kept"), "127.0.0.1", b.extra(SocketAttribute.localPort));
    assert.equal(str((await b.receive()).data), "kept");
  });

  test("datagrams received while nobody waits are kept in order", async () => {
    await using a = await createUdpSocket({ localHost: "127.0.0.1" });
    await using b = await createUdpSocket({ localHost: "127.0.0.1" });
    const port = b.extra(SocketAttribute.localPort);
    for (let i = 0; i < 10; i++) await a.sendto(new Uint8Array([i]), "127.0.0.1", port);
    for (let i = 0; i < 10; i++) assert.equal((await b.receive()).data[0], i);
  });

  test("two concurrent receives raise BusyResourceError", async () => {
    await using a = await createUdpSocket({ localHost: "127.0.0.1" });
    await using b = await createUdpSocket({ localHost: "127.0.0.1" });
    await withTaskGroup(async (tg) => {
      tg.startSoon(() => b.receive());
      await checkpoint();
      assert.ok((await thrownBy(() => b.receive())) instanceof BusyResourceError);
      await a.sendto(text("x"), "127.0.0.1", b.extra(SocketAttribute.localPort));
    });
  });

  test("closing wakes a waiting receive with ClosedResourceError; later use raises it too", async () => {
    const socket = await createUdpSocket({ localHost: "127.0.0.1" });
    const errors: unknown[] = [];
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => errors.push(await thrownBy(() => socket.receive())));
      await checkpoint();
      await socket.aclose();
    });
    assert.ok(errors[0] instanceof ClosedResourceError, String(errors[0]));
    assert.ok((await thrownBy(() => socket.sendto(text("x"), "127.0.0.1", 9))) instanceof ClosedResourceError);
    await socket.aclose();
  });

  test("sendEof does nothing on datagram sockets", async () => {
    await using a = await createUdpSocket({ localHost: "127.0.0.1" });
    await using b = await createUdpSocket({ localHost: "127.0.0.1" });
    await a.sendEof();
    await a.sendto(text("still open"), "127.0.0.1", b.extra(SocketAttribute.localPort));
    assert.equal(str((await b.receive()).data), "still open");
  });

  test("bad arguments are refused at the call", async () => {
    await using socket = await createUdpSocket({ localHost: "127.0.0.1" });
    for (const [call, type] of [
      [() => createUdpSocket({ localPort: 70000 }), RangeError],
      [() => createUdpSocket({ family: "IPv7" as "IPv4" }), TypeError],
      [() => createUdpSocket({ localHost: "" }), TypeError],
      [() => createConnectedUdpSocket("127.0.0.1", 0), RangeError],
      [() => createConnectedUdpSocket("", 9), TypeError],
      [() => socket.sendto("x" as unknown as Uint8Array, "127.0.0.1", 9), TypeError],
      [() => socket.sendto(text("x"), "127.0.0.1", 0), RangeError],
      [() => socket.send(null as never), TypeError],
    ] as const) {
      const err = await thrownBy(call);
      assert.ok(err instanceof type, `${call}: ${err}`);
    }
  });

  test("Unix datagram sockets work, or fail with an error saying the backend lacks them", async () => {
    const path = socketPath();
    const made: UNIXDatagramSocket | Error = await createUnixDatagramSocket({ localPath: path }).catch((err: Error) => err);
    if (made instanceof Error) {
      assert.notEqual(getBackend().name, "deno", `the deno backend has Unix datagram sockets: ${made}`);
      assert.match(made.message, /no Unix datagram sockets/);
      return;
    }
    await using server = made;
    await using client = await createConnectedUnixDatagramSocket(path);
    await client.send(text("over a path"));
    const { data } = await server.receive();
    assert.equal(str(data), "over a path");
  });
});
