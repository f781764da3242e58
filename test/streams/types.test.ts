/**
 * The stream interfaces: memory object streams satisfy them, code written against the
 * interfaces works with them, and the ends have the variance a TypeScript user expects
 * (the assignments below are checked by tsc; the bodies check the same at run time).
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { withTaskGroup } from "../../src/index.ts";
import {
  type AsyncResource,
  createMemoryObjectStream,
  type Listener,
  type MemoryObjectReceiveStream,
  type MemoryObjectSendStream,
  type ObjectReceiveStream,
  type ObjectSendStream,
  type ObjectStream,
} from "../../src/streams/index.ts";

/** Code written against the interfaces only. */
async function pump<T>(from: ObjectReceiveStream<T>, to: ObjectSendStream<T>): Promise<number> {
  let n = 0;
  for await (const item of from) {
    await to.send(item);
    n++;
  }
  await to.aclose();
  return n;
}

/** A two-way object stream made of two memory streams, for the ObjectStream interface. */
function objectStreamPair<T>(): [ObjectStream<T>, ObjectStream<T>] {
  const [aSend, bReceive] = createMemoryObjectStream<T>(Infinity);
  const [bSend, aReceive] = createMemoryObjectStream<T>(Infinity);
  const make = (send: MemoryObjectSendStream<T>, receive: MemoryObjectReceiveStream<T>): ObjectStream<T> => ({
    send: (item) => send.send(item),
    sendEof: () => send.aclose(),
    receive: () => receive.receive(),
    [Symbol.asyncIterator]: () => receive[Symbol.asyncIterator](),
    // Typed attributes: pass through those of the receive end (memory streams have none).
    extraAttributes: receive.extraAttributes,
    extra: receive.extra.bind(receive),
    aclose: async () => {
      send.close();
      receive.close();
    },
    [Symbol.asyncDispose]: async () => {
      send.close();
      receive.close();
    },
  });
  return [make(aSend, aReceive), make(bSend, bReceive)];
}

describe("streams/types", () => {
  test("memory object streams work through the object stream interfaces", async () => {
    const [inSend, inReceive] = createMemoryObjectStream<string>(Infinity);
    const [outSend, outReceive] = createMemoryObjectStream<string>(Infinity);
    for (const word of ["a", "b", "c"]) inSend.sendNowait(word);
    inSend.close();
    assert.equal(await pump(inReceive, outSend), 3);
    const words: string[] = [];
    for await (const word of outReceive) words.push(word);
    assert.deepEqual(words, ["a", "b", "c"]);
    inReceive.close();
    outReceive.close();
  });

  test("both ends are AsyncResources that await using closes", async () => {
    const [send, receive] = createMemoryObjectStream<number>();
    const resources: AsyncResource[] = [send, receive];
    for (const resource of resources) {
      await using _r = resource;
    }
    assert.equal(send.statistics().openSendStreams, 0);
    assert.equal(send.statistics().openReceiveStreams, 0);
  });

  test("sendEof on an ObjectStream ends the peer's receiving while it can still send", async () => {
    const [client, server] = objectStreamPair<string>();
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => {
        const got: string[] = [];
        for await (const line of server) got.push(line);
        await server.send(`got ${got.join(",")}`);
        await server.sendEof();
      });
      await client.send("x");
      await client.send("y");
      await client.sendEof();
      const replies: string[] = [];
      for await (const reply of client) replies.push(reply);
      assert.deepEqual(replies, ["got x,y"]);
    });
    await client.aclose();
    await server.aclose();
  });

  test("a Listener can be implemented over a memory stream of connections", async () => {
    const [connect, incoming] = createMemoryObjectStream<string>(Infinity);
    const listener: Listener<string> = {
      async serve(handler, taskGroup) {
        const serveIn = async (tg: NonNullable<typeof taskGroup>) => {
          for await (const connection of incoming) tg.startSoon(async () => await handler(connection));
        };
        if (taskGroup !== undefined) await serveIn(taskGroup);
        else await withTaskGroup(serveIn);
      },
      aclose: () => incoming.aclose(),
      extraAttributes: incoming.extraAttributes,
      extra: incoming.extra.bind(incoming),
      [Symbol.asyncDispose]: () => incoming.aclose(),
    };
    const handled: string[] = [];
    connect.sendNowait("first");
    connect.sendNowait("second");
    connect.close();
    await listener.serve((connection) => handled.push(connection));
    assert.deepEqual(handled.sort(), ["first", "second"]);
    await listener.aclose();
  });

  test("the send end is contravariant and the receive end covariant in T", () => {
    const [send, receive] = createMemoryObjectStream<number>();
    // Receiving numbers serves where receiving number | string is expected...
    const wider: MemoryObjectReceiveStream<number | string> = receive;
    const widerInterface: ObjectReceiveStream<number | string> = receive;
    // ...and sending numbers serves where sending only 1 | 2 is expected.
    const narrower: MemoryObjectSendStream<1 | 2> = send;
    const narrowerInterface: ObjectSendStream<1 | 2> = send;
    // @ts-expect-error: a receive end of numbers does not produce strings.
    const _wrongReceive: MemoryObjectReceiveStream<string> = receive;
    // @ts-expect-error: a send end of numbers does not take strings.
    const _wrongSend: MemoryObjectSendStream<number | string> = send;
    assert.equal(wider, receive);
    assert.equal(widerInterface, receive);
    assert.equal(narrower, send);
    assert.equal(narrowerInterface, send);
    send.close();
    receive.close();
  });
});
