/**
 * TCP listeners on every backend: every interface on one port, accept and serve,
 * closing, cancellation of accept, reusePort, bad arguments. In the spirit of AnyIO's
 * test_sockets.py (TestTCPListener).
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { thrownBy } from "../harness/helpers.ts";
import {
  BusyResourceError,
  CancelScope,
  checkpoint,
  ClosedResourceError,
  connectTcp,
  createTcpListener,
  EndOfStream,
  ExceptionGroup,
  getBackend,
  MultiListener,
  SocketAttribute,
  type SocketListener,
  type SocketStream,
  TypedAttributeLookupError,
  withTaskGroup,
} from "../../src/index.ts";
import { codeOf, receiveAll, str, text } from "./helpers.ts";

function only(listener: MultiListener<SocketStream>): SocketListener {
  assert.equal(listener.listeners.length, 1);
  return listener.listeners[0] as SocketListener;
}

describe("net/tcp listener", () => {
  test("with no host it listens on IPv4 and IPv6 on one port", async () => {
    await using listener = await createTcpListener();
    const ports = listener.listeners.map((l) => l.extra(SocketAttribute.localPort));
    assert.ok(ports.every((p) => p === ports[0]), `ports ${ports}`);
    const families = listener.listeners.map((l) => l.extra(SocketAttribute.family)).sort();
    // One IPv6-only listener per family, or one dual-stack listener where the backend
    // cannot make IPv6-only ones.
    const expected = getBackend().net.ipv6OnlyListeners ? ["IPv4", "IPv6"] : ["IPv6"];
    assert.deepEqual(families, expected);
    const received: string[] = [];
    await withTaskGroup(async (tg) => {
      tg.startSoon(() => listener.serve(async (stream) => void received.push(str(await receiveAll(stream)))));
      for (const host of ["127.0.0.1", "::1"]) {
        await using client = await connectTcp(host, ports[0]);
        await client.send(text(host));
        await client.sendEof();
        await receiveAll(client); // the handler closes its end when done
      }
      tg.cancelScope.cancel();
    });
    assert.deepEqual(received.sort(), ["127.0.0.1", "::1"]);
  });

  test("family restricts the addresses", async () => {
    await using listener = await createTcpListener({ family: "IPv6" });
    assert.deepEqual(listener.listeners.map((l) => l.extra(SocketAttribute.family)), ["IPv6"]);
    assert.equal(listener.extra(SocketAttribute.localAddress), "::");
  });

  test("a listener's attributes are its local end only", async () => {
    await using multi = await createTcpListener({ host: "127.0.0.1" });
    const listener = only(multi);
    assert.equal(listener.extra(SocketAttribute.family), "IPv4");
    assert.equal(listener.extra(SocketAttribute.localAddress), "127.0.0.1");
    assert.ok(listener.extra(SocketAttribute.localPort) > 0);
    assert.ok((await thrownBy(() => listener.extra(SocketAttribute.remotePort))) instanceof TypedAttributeLookupError);
  });

  test("an explicit port is used, and a taken one raises EADDRINUSE", async () => {
    await using first = await createTcpListener({ host: "127.0.0.1" });
    const port = first.extra(SocketAttribute.localPort);
    const err = await thrownBy(() => createTcpListener({ host: "127.0.0.1", port }));
    assert.equal(codeOf(err), "EADDRINUSE", String(err));
  });

  test("reusePort lets two listeners share a port", async () => {
    await using first = await createTcpListener({ host: "127.0.0.1", reusePort: true });
    const port = first.extra(SocketAttribute.localPort);
    await using second = await createTcpListener({ host: "127.0.0.1", port, reusePort: true });
    assert.equal(second.extra(SocketAttribute.localPort), port);
  });

  test("accept returns connections in the order they arrive", async () => {
    await using multi = await createTcpListener({ host: "127.0.0.1" });
    const listener = only(multi);
    const port = listener.extra(SocketAttribute.localPort);
    await using a = await connectTcp("127.0.0.1", port);
    await using b = await connectTcp("127.0.0.1", port);
    await using first = await listener.accept();
    await using second = await listener.accept();
    assert.equal(first.extra(SocketAttribute.remotePort), a.extra(SocketAttribute.localPort));
    assert.equal(second.extra(SocketAttribute.remotePort), b.extra(SocketAttribute.localPort));
  });

  test("two concurrent accepts raise BusyResourceError", async () => {
    await using multi = await createTcpListener({ host: "127.0.0.1" });
    const listener = only(multi);
    await withTaskGroup(async (tg) => {
      tg.startSoon(() => listener.accept().then((s) => s.aclose()));
      await checkpoint();
      assert.ok((await thrownBy(() => listener.accept())) instanceof BusyResourceError);
      await using _client = await connectTcp("127.0.0.1", listener.extra(SocketAttribute.localPort));
    });
  });

  test("closing the listener wakes a waiting accept with ClosedResourceError", async () => {
    const multi = await createTcpListener({ host: "127.0.0.1" });
    const listener = only(multi);
    const errors: unknown[] = [];
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => errors.push(await thrownBy(() => listener.accept())));
      await checkpoint();
      await multi.aclose();
    });
    assert.ok(errors[0] instanceof ClosedResourceError, String(errors[0]));
    assert.ok((await thrownBy(() => listener.accept())) instanceof ClosedResourceError);
    await multi.aclose(); // idempotent
  });

  test("a cancelled accept takes no connection", async () => {
    await using multi = await createTcpListener({ host: "127.0.0.1" });
    const listener = only(multi);
    await withTaskGroup(async (tg) => {
      const scope = new CancelScope();
      tg.startSoon(() => scope.run(() => listener.accept()));
      await checkpoint();
      scope.cancel();
    });
    await using client = await connectTcp("127.0.0.1", listener.extra(SocketAttribute.localPort));
    await using server = await listener.accept();
    await client.send(text("found"));
    assert.equal(str(await server.receive()), "found");
  });

  test("closing the listener closes connections not yet accepted", async () => {
    const multi = await createTcpListener({ host: "127.0.0.1" });
    await using client = await connectTcp("127.0.0.1", multi.extra(SocketAttribute.localPort));
    await multi.aclose();
    const err = await thrownBy(() => client.receive());
    // The peer's end was closed unaccepted: an end of stream, or a reset.
    assert.ok(err instanceof EndOfStream || (err as Error).name === "BrokenResourceError", String(err));
  });

  test("serve runs the handler for each connection and closes it afterwards", async () => {
    await using listener = await createTcpListener({ host: "127.0.0.1" });
    const port = listener.extra(SocketAttribute.localPort);
    await withTaskGroup(async (tg) => {
      tg.startSoon(() => listener.serve(async (stream) => await stream.send(text("welcome"))));
      for (let i = 0; i < 3; i++) {
        await using client = await connectTcp("127.0.0.1", port);
        assert.equal(str(await receiveAll(client)), "welcome"); // ends: the handler's end was closed
      }
      tg.cancelScope.cancel();
    });
  });

  test("serve can start handlers in a given task group", async () => {
    await using listener = await createTcpListener({ host: "127.0.0.1" });
    const port = listener.extra(SocketAttribute.localPort);
    const seen: string[] = [];
    await withTaskGroup(async (handlers) => {
      await withTaskGroup(async (tg) => {
        tg.startSoon(() => listener.serve(async (stream) => void seen.push(str(await receiveAll(stream))), handlers));
        await using client = await connectTcp("127.0.0.1", port);
        await client.send(text("in the outer group"));
        await client.sendEof();
        await receiveAll(client);
        tg.cancelScope.cancel();
      });
    });
    assert.deepEqual(seen, ["in the outer group"]);
  });

  test("a handler's error stops serve and propagates", async () => {
    await using listener = await createTcpListener({ host: "127.0.0.1" });
    const port = listener.extra(SocketAttribute.localPort);
    const err = await thrownBy(() =>
      withTaskGroup(async (tg) => {
        tg.startSoon(() => listener.serve(() => { throw new Error("handler failed"); }));
        await using client = await connectTcp("127.0.0.1", port);
        await receiveAll(client).catch(() => {});
      })
    );
    assert.ok(err instanceof ExceptionGroup, String(err));
    assert.match(String((err as ExceptionGroup).errors[0]), /handler failed|ExceptionGroup/);
  });

  test("serve refuses a handler that is not a function", async () => {
    await using listener = await createTcpListener({ host: "127.0.0.1" });
    assert.ok((await thrownBy(() => listener.serve(42 as unknown as () => void))) instanceof TypeError);
    assert.ok((await thrownBy(() => only(listener).serve(null as unknown as () => void))) instanceof TypeError);
  });

  test("bad options are refused at the call, naming the option", async () => {
    const cases: Array<[unknown, ErrorConstructor | RangeErrorConstructor, RegExp]> = [
      [{ port: -1 }, RangeError, /port/],
      [{ port: 65536 }, RangeError, /port/],
      [{ host: "" }, TypeError, /host/],
      [{ backlog: 0 }, RangeError, /backlog/],
      [{ family: "IPv5" }, TypeError, /family/],
      [{ reusePort: "yes" }, TypeError, /reusePort/],
      ["options", TypeError, /options/],
    ];
    for (const [options, type, message] of cases) {
      const err = await thrownBy(() => createTcpListener(options as never));
      assert.ok(err instanceof type, `${JSON.stringify(options)}: ${err}`);
      assert.match((err as Error).message, message);
    }
  });

  test("MultiListener flattens nested multi-listeners and refuses non-listeners", async () => {
    const a = await createTcpListener({ host: "127.0.0.1" });
    const b = await createTcpListener({ host: "127.0.0.1" });
    await using both = new MultiListener([a, b]);
    assert.equal(both.listeners.length, 2);
    assert.ok((await thrownBy(() => new MultiListener([{} as never]))) instanceof TypeError);
    assert.ok((await thrownBy(() => new MultiListener("x" as never))) instanceof TypeError);
  });
});
