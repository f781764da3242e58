/**
 * connectTcp on every backend: refused and failed connections, Happy Eyeballs over
 * several addresses, local addresses, bad arguments, and cancellation that leaves no
 * socket behind (the harness checks for leftover handles after each test).
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { thrownBy } from "../harness/helpers.ts";
import {
  CancelScope,
  checkpoint,
  ConnectionFailed,
  connectTcp,
  createTcpListener,
  isCancelled,
  SocketAttribute,
  type SocketListener,
  SocketStream,
  withTaskGroup,
} from "../../src/index.ts";
import { closedPort, codeOf, str, text } from "./helpers.ts";

describe("net/tcp connect", () => {
  test("a refused connection raises ConnectionFailed carrying the attempt's error", async () => {
    const port = await closedPort();
    const err = await thrownBy(() => connectTcp("127.0.0.1", port));
    assert.ok(err instanceof ConnectionFailed, String(err));
    assert.equal(err.attempts.length, 1);
    assert.equal(err.attempts[0].address, "127.0.0.1");
    assert.equal(err.attempts[0].port, port);
    assert.equal(codeOf(err.attempts[0].error), "ECONNREFUSED");
    assert.equal(err.cause, err.attempts[0].error);
    assert.match(err.message, /127\.0\.0\.1/);
  });

  test("a host name is resolved before connecting", async () => {
    await using listener = await createTcpListener({ host: "127.0.0.1" });
    const port = listener.extra(SocketAttribute.localPort);
    await using stream = await connectTcp("localhost", port);
    assert.equal(stream.extra(SocketAttribute.remotePort), port);
  });

  test("Happy Eyeballs: a refused address is followed at once by the next", async () => {
    // Only IPv4 listens; "::1" refuses. With a huge delay, only the failure of the
    // first attempt can start the second.
    await using listener = await createTcpListener({ host: "127.0.0.1" });
    const port = listener.extra(SocketAttribute.localPort);
    const v6 = await createTcpListener({ host: "::1", port }).catch(() => null);
    await v6?.aclose(); // the port is now closed on ::1 (or was taken there by another program)
    await using stream = await connectTcpAddresses(["::1", "127.0.0.1"], port);
    assert.equal(stream.extra(SocketAttribute.remoteAddress), "127.0.0.1");
  });

  test("Happy Eyeballs: when every address fails, each attempt's error is carried in order", async () => {
    const port = await closedPort();
    const err = await thrownBy(() => connectTcpAddresses(["::1", "127.0.0.1"], port));
    assert.ok(err instanceof ConnectionFailed, String(err));
    assert.deepEqual(err.attempts.map((a) => a.address), ["::1", "127.0.0.1"]);
    for (const attempt of err.attempts) assert.ok(codeOf(attempt.error) !== undefined);
  });

  test("Happy Eyeballs: the first connection made wins and the others are closed", async () => {
    await using v4 = await createTcpListener({ host: "127.0.0.1" });
    const port = v4.extra(SocketAttribute.localPort);
    await using v6 = await createTcpListener({ host: "::1", port });
    await using stream = await connectTcpAddresses(["::1", "127.0.0.1"], port, 0);
    const winner = stream.extra(SocketAttribute.remoteAddress);
    assert.ok(winner === "::1" || winner === "127.0.0.1");
    await stream.send(text("hi"));
    await stream.sendEof();
    const listener = (winner === "::1" ? v6 : v4).listeners[0] as SocketListener;
    await using server = await listener.accept();
    assert.equal(str(await server.receive()), "hi");
  });

  test("connecting from a given local host and port", async () => {
    await using listener = await createTcpListener({ host: "127.0.0.1" });
    const localPort = await closedPort();
    await using stream = await connectTcp("127.0.0.1", listener.extra(SocketAttribute.localPort), {
      localHost: "127.0.0.1",
      localPort,
    });
    assert.equal(stream.extra(SocketAttribute.localAddress), "127.0.0.1");
    assert.equal(stream.extra(SocketAttribute.localPort), localPort);
  });

  test("bad arguments are refused at the call, naming the argument", async () => {
    const cases: Array<[() => Promise<unknown>, ErrorConstructor | RangeErrorConstructor, RegExp]> = [
      [() => connectTcp("", 80), TypeError, /host/],
      [() => connectTcp(1 as unknown as string, 80), TypeError, /host/],
      [() => connectTcp("127.0.0.1", 0), RangeError, /port/],
      [() => connectTcp("127.0.0.1", 65536), RangeError, /port/],
      [() => connectTcp("127.0.0.1", 8.5), RangeError, /port/],
      [() => connectTcp("127.0.0.1", "80" as unknown as number), TypeError, /port/],
      [() => connectTcp("127.0.0.1", 80, { happyEyeballsDelay: -1 }), RangeError, /happyEyeballsDelay/],
      [() => connectTcp("127.0.0.1", 80, { localPort: 70000 }), RangeError, /localPort/],
      [() => connectTcp("127.0.0.1", 80, { localHost: "" }), TypeError, /localHost/],
      [() => connectTcp("127.0.0.1", 80, { tls: "yes" as unknown as boolean }), TypeError, /tls/],
      [() => connectTcp("127.0.0.1", 80, 5 as unknown as object), TypeError, /options/],
    ];
    for (const [call, type, message] of cases) {
      const err = await thrownBy(call);
      assert.ok(err instanceof type, `${call}: ${err}`);
      assert.match((err as Error).message, message);
    }
  });

  test("a connect in a cancelled scope raises Cancelled and opens nothing", async () => {
    await using listener = await createTcpListener({ host: "127.0.0.1" });
    const port = listener.extra(SocketAttribute.localPort);
    const scope = new CancelScope();
    scope.cancel();
    let raised: unknown;
    await scope.run(async () => {
      try {
        await connectTcp("127.0.0.1", port);
      } catch (err) {
        raised = err;
        throw err;
      }
    });
    assert.ok(isCancelled(raised));
  });

  test("cancelling connects at every step leaves no socket behind", async () => {
    await using listener = await createTcpListener({ host: "127.0.0.1" });
    const port = listener.extra(SocketAttribute.localPort);
    // Cancel after 0, 1, 2, ... checkpoints, so that the cancellation lands before,
    // during and after the connect; whatever the outcome, nothing may stay open.
    let completed = 0;
    for (let steps = 0; steps < 12; steps++) {
      await withTaskGroup(async (tg) => {
        tg.startSoon(async () => {
          const stream = await connectTcp("127.0.0.1", port);
          completed++;
          await stream.aclose();
        });
        for (let i = 0; i < steps; i++) await checkpoint();
        tg.cancelScope.cancel();
      });
    }
    assert.ok(completed <= 12);
  });

  test("cancelling a Happy Eyeballs race leaves no socket behind", async () => {
    await using v4 = await createTcpListener({ host: "127.0.0.1" });
    const port = v4.extra(SocketAttribute.localPort);
    await using _v6 = await createTcpListener({ host: "::1", port });
    for (let steps = 0; steps < 12; steps++) {
      await withTaskGroup(async (tg) => {
        tg.startSoon(async () => {
          const stream = await connectTcpAddresses(["::1", "127.0.0.1"], port, 0);
          await stream.aclose();
        });
        for (let i = 0; i < steps; i++) await checkpoint();
        tg.cancelScope.cancel();
      });
    }
  });
});

/**
 * Happy Eyeballs over an explicit address list, through the racer connectTcp uses: test
 * machines seldom have a name that resolves to both families.
 */
async function connectTcpAddresses(addresses: string[], port: number, delay = 60_000) {
  const { happyEyeballs } = await import("../../src/net/tcp.ts");
  const raw = await happyEyeballs(addresses, port, undefined, undefined, delay, `${addresses.join(",")}:${port}`);
  return new SocketStream(raw);
}
