/**
 * amap(): results in input order, the concurrency limit, lazy pulling from sync and
 * async iterables (at most `concurrency` inputs held), closing the input when stopped
 * early, failures of calls and of the input, cancellation of the caller, and bad
 * arguments.
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { thrownBy, throwsOrRejects } from "../harness/helpers.ts";
import { until } from "../sync/helpers.ts";
import { asGroup, countingSource, countingSyncSource, Gauge, makeParker, taskCount } from "./helpers.ts";
import {
  CancelScope,
  checkpoint,
  createMemoryObjectStream,
  Event,
  getRunningTasks,
  isCancelled,
  sleepForever,
  withTaskGroup,
} from "../../src/index.ts";
import { amap } from "../../src/concurrency/index.ts";

describe("concurrency/amap", () => {
  describe("results", () => {
    test("come in input order, and fn gets each item with its index", async () => {
      const gates = new Map(["a", "b", "c"].map((item) => [item, new Event()]));
      const finished: string[] = [];
      let results: string[] = [];
      await withTaskGroup(async (tg) => {
        tg.startSoon(async () => {
          results = await amap(gates.keys(), async (item, index) => {
            await gates.get(item)!.wait();
            finished.push(item);
            return `${item}${index}`;
          });
        });
        for (const item of ["c", "a", "b"]) {
          const gate = gates.get(item)!;
          await until(() => gate.statistics().tasksWaiting === 1, `the call for ${item} waits`);
          gate.set();
          await until(() => finished.includes(item), `the call for ${item} finished`);
        }
      });
      assert.deepEqual(finished, ["c", "a", "b"]);
      assert.deepEqual(results, ["a0", "b1", "c2"]);
    });

    test("keep every position, values of synchronous calls and undefined included", async () => {
      const results = await amap([1, 2, 3], (n) => (n % 2 === 0 ? n : undefined));
      assert.equal(results.length, 3);
      assert.ok(0 in results && 2 in results, "no holes");
      assert.deepEqual(results, [undefined, 2, undefined]);
    });

    test("of empty inputs are an empty array, and fn is never called", async () => {
      let calls = 0;
      const fn = () => calls++;
      assert.deepEqual(await amap([], fn), []);
      assert.deepEqual(await amap(countingSyncSource(0).items, fn, { concurrency: 2 }), []);
      assert.deepEqual(await amap(countingSource(0).items, fn), []);
      assert.deepEqual(await amap(countingSource(0).items, fn, { concurrency: 3 }), []);
      assert.equal(calls, 0);
    });

    test("each call's task is named after fn", async () => {
      let names: string[] = [];
      await amap([1], async function double() {
        names = getRunningTasks().map((task) => task.name);
        await checkpoint();
      });
      assert.ok(names.includes("double"), `tasks: ${names.join(", ")}`);
    });
  });

  describe("concurrency and lazy pulling", () => {
    test("a limit of 3 bounds the calls in flight over 10 inputs", async () => {
      const gauge = new Gauge();
      const release = new Event();
      let results: number[] = [];
      await withTaskGroup(async (tg) => {
        tg.startSoon(async () => {
          results = await amap(
            Array.from({ length: 10 }, (_, i) => i),
            (i) => gauge.track(async () => (await release.wait(), i * i)),
            { concurrency: 3 },
          );
        });
        await until(() => gauge.current === 3, "three calls running");
        for (let turn = 0; turn < 10; turn++) await checkpoint();
        assert.equal(gauge.entered, 3);
        release.set();
      });
      assert.equal(gauge.most, 3);
      assert.deepEqual(results, [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]);
    });

    test("an async iterable is pulled only when a call may start", async () => {
      const source = countingSource(6);
      const gates = Array.from({ length: 6 }, () => new Event());
      let finished = 0;
      await withTaskGroup(async (tg) => {
        tg.startSoon(() =>
          amap(source.items, async (i) => {
            await gates[i]!.wait();
            finished++;
          }, { concurrency: 2 })
        );
        for (let i = 0; i < 6; i++) {
          const expected = Math.min(i + 2, 6);
          await until(() => gates[i]!.statistics().tasksWaiting === 1 && source.pulled === expected, `call ${i} waits`);
          for (let turn = 0; turn < 10; turn++) await checkpoint(); // a third input would be pulled now
          // Pulled but not finished: never more than the limit.
          assert.equal(source.pulled, expected);
          assert.ok(source.pulled - finished <= 2);
          gates[i]!.set();
        }
      });
      assert.equal(source.closed, true);
    });

    test("a sync iterable is pulled lazily too", async () => {
      const source = countingSyncSource(5);
      const release = new Event();
      const gauge = new Gauge();
      await withTaskGroup(async (tg) => {
        tg.startSoon(() => amap(source.items, () => gauge.track(() => release.wait()), { concurrency: 2 }));
        await until(() => gauge.current === 2, "two calls running");
        for (let turn = 0; turn < 10; turn++) await checkpoint();
        assert.equal(source.pulled, 2);
        release.set();
      });
      assert.equal(source.pulled, 5);
      assert.equal(gauge.most, 2);
    });

    test("with no limit, every input pulled from an async iterable starts at once", async () => {
      const source = countingSource(4);
      const gauge = new Gauge();
      const release = new Event();
      await withTaskGroup(async (tg) => {
        tg.startSoon(() => amap(source.items, () => gauge.track(() => release.wait())));
        await until(() => gauge.current === 4, "four calls running");
        release.set();
      });
      assert.equal(gauge.most, 4);
    });

    test("a memory object stream works as input: pulled as calls finish, ends at end of stream", async () => {
      const [send, receive] = createMemoryObjectStream<number>();
      const gauge = new Gauge();
      let results: number[] = [];
      await withTaskGroup(async (tg) => {
        tg.startSoon(async () => {
          results = await amap(receive, (n) => gauge.track(async () => (await checkpoint(), n + 1)), {
            concurrency: 2,
          });
        });
        for (let i = 0; i < 5; i++) await send.send(i);
        send.close();
      });
      receive.close();
      assert.deepEqual(results, [1, 2, 3, 4, 5]);
      assert.ok(gauge.most <= 2);
    });
  });

  describe("failures", () => {
    test("a failed call cancels the rest, closes the input and throws one ExceptionGroup", async () => {
      const boom = new Error("item 2");
      const source = countingSource();
      const gauge = new Gauge();
      const parker = makeParker(gauge);
      const before = taskCount();
      const err = await thrownBy(() =>
        amap(source.items, async (i) => {
          if (i < 2) return await parker.park();
          await until(() => gauge.current === 2, "two calls parked");
          throw boom;
        }, { concurrency: 3 })
      );
      assert.deepEqual([...asGroup(err).errors], [boom]);
      assert.equal(parker.cancelled, 2);
      assert.equal(source.pulled, 3);
      assert.equal(source.closed, true, "the generator was closed");
      assert.equal(taskCount(), before);
    });

    test("a failing input is a failure too: the calls are cancelled", async () => {
      const broken = new Error("the input broke");
      const gauge = new Gauge();
      const parker = makeParker(gauge);
      async function* items(): AsyncGenerator<number> {
        yield 1;
        yield 2;
        await until(() => gauge.current === 2, "two calls parked");
        throw broken;
      }
      const err = await thrownBy(() => amap(items(), () => parker.park()));
      assert.deepEqual([...asGroup(err).errors], [broken]);
      assert.equal(parker.cancelled, 2);
    });

    test("a synchronous iterable that throws is a failure too", async () => {
      const broken = new Error("sync input broke");
      function* items(): Generator<number> {
        yield 1;
        throw broken;
      }
      for (const concurrency of [1, Infinity]) {
        const err = await thrownBy(() => amap(items(), (n) => n, { concurrency }));
        assert.deepEqual([...asGroup(err).errors], [broken]);
      }
    });

    test("fn throwing synchronously is a failure of its call", async () => {
      const boom = new TypeError("sync");
      const err = await thrownBy(() =>
        amap([1, 2], (n) => {
          if (n === 2) throw boom;
          return n;
        })
      );
      assert.deepEqual([...asGroup(err).errors], [boom]);
    });
  });

  describe("cancellation", () => {
    test("cancelling the caller stops the calls and the pulling, and closes the input", async () => {
      const source = countingSource();
      const gauge = new Gauge();
      const parker = makeParker(gauge);
      const scope = new CancelScope();
      await withTaskGroup(async (tg) => {
        tg.startSoon(() => scope.run(() => amap(source.items, () => parker.park(), { concurrency: 3 })));
        await until(() => gauge.current === 3, "three calls parked");
        scope.cancel();
      });
      assert.equal(scope.cancelledCaught, true);
      assert.equal(parker.cancelled, 3);
      assert.equal(source.pulled, 3);
      assert.equal(source.closed, true);
    });

    test("a caller cancelled while waiting for input from a stream is released", async () => {
      const [send, receive] = createMemoryObjectStream<number>();
      const scope = new CancelScope();
      let calls = 0;
      await withTaskGroup(async (tg) => {
        tg.startSoon(() =>
          scope.run(() =>
            amap(receive, () => {
              calls++;
            })
          )
        );
        await until(() => receive.statistics().tasksWaitingReceive === 1, "amap waits for input");
        scope.cancel();
      });
      assert.equal(scope.cancelledCaught, true);
      assert.equal(calls, 0);
      send.close();
      receive.close();
    });

    test("Cancelled raised in a call by a cancelled caller is not a failure", async () => {
      const scope = new CancelScope();
      const err = await scope.run(async () => {
        scope.cancel();
        return await thrownBy(() => amap([1, 2], () => sleepForever()));
      });
      assert.ok(isCancelled(err), `expected Cancelled, got ${String(err)}`);
    });
  });

  describe("arguments", () => {
    test("items that are not iterable are a TypeError naming items", async () => {
      for (const bad of [42, null, undefined, {}]) {
        await throwsOrRejects(() => amap(bad as unknown as number[], (n) => n), TypeError, /items/);
      }
    });

    test("fn that is not a function is a TypeError naming fn, and nothing is pulled", async () => {
      const source = countingSource();
      await throwsOrRejects(() => amap(source.items, "nope" as unknown as () => void), TypeError, /fn/);
      assert.equal(source.pulled, 0);
    });

    test("a bad concurrency is a RangeError naming it, and nothing is pulled", async () => {
      const source = countingSource();
      for (const bad of [0, -2, 2.5, NaN]) {
        await throwsOrRejects(() => amap(source.items, (n) => n, { concurrency: bad }), RangeError, /concurrency/);
      }
      await throwsOrRejects(
        () => amap(source.items, (n) => n, { concurrency: null as unknown as number }),
        TypeError,
        /concurrency/,
      );
      assert.equal(source.pulled, 0);
    });
  });
});
