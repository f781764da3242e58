/**
 * gather(): results in the order of the functions, the concurrency limit, iterables of
 * functions, failures (one ExceptionGroup, siblings cancelled), cancellation of the
 * caller, and bad arguments.
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { thrownBy, throwsOrRejects } from "../harness/helpers.ts";
import { until } from "../sync/helpers.ts";
import { asGroup, Gauge, makeParker, taskCount } from "./helpers.ts";
import {
  CancelScope,
  checkpoint,
  Event,
  getCurrentTask,
  getRunningTasks,
  isCancelled,
  sleepForever,
  withTaskGroup,
} from "../../src/index.ts";
import { gather } from "../../src/concurrency/index.ts";

describe("concurrency/gather", () => {
  describe("results", () => {
    test("come in the order of the functions, although the calls finish in reverse", async () => {
      const gates = [new Event(), new Event(), new Event()];
      const finished: number[] = [];
      let results: string[] = [];
      await withTaskGroup(async (tg) => {
        tg.startSoon(async () => {
          results = await gather(gates.map((gate, i) => async () => {
            await gate.wait();
            finished.push(i);
            return `r${i}`;
          }));
        });
        for (const i of [2, 1, 0]) {
          await until(() => gates[i]!.statistics().tasksWaiting === 1, `call ${i} waits`);
          gates[i]!.set();
          await until(() => finished.includes(i), `call ${i} finished`);
        }
      });
      assert.deepEqual(finished, [2, 1, 0]);
      assert.deepEqual(results, ["r0", "r1", "r2"]);
    });

    test("of a tuple are typed position by position, sync functions and void included", async () => {
      const [n, s, nothing] = await gather([async () => 1, () => "sync", async () => {}]);
      // Compile-time check: each position keeps its own type.
      const typed: [number, string, void] = [n, s, nothing];
      assert.deepEqual(typed, [1, "sync", undefined]);
    });

    test("of an empty list are an empty array", async () => {
      const before = taskCount();
      assert.deepEqual(await gather([]), []);
      assert.equal(taskCount(), before);
    });

    test("come from any iterable or async iterable of functions, in order", async () => {
      function* fns(): Generator<() => number | Promise<number>> {
        yield async () => 1;
        yield () => 2;
      }
      async function* asyncFns(): AsyncGenerator<() => Promise<string>> {
        yield async () => "a";
        await checkpoint();
        yield async () => "b";
      }
      assert.deepEqual(await gather(fns()), [1, 2]);
      assert.deepEqual(await gather(asyncFns(), { concurrency: 1 }), ["a", "b"]);
      assert.deepEqual(await gather(new Set([() => "x"])), ["x"]);
    });

    test("each call runs in a task of its own, under the caller", async () => {
      const caller = getCurrentTask();
      const seen = await gather([0, 1, 2].map(() => async () => {
        const me = getCurrentTask();
        await checkpoint();
        return { id: me.id, parentId: me.parentId, name: me.name };
      }));
      assert.equal(new Set(seen.map((t) => t.id)).size, 3);
      for (const task of seen) {
        assert.equal(task.parentId, caller.id);
        assert.equal(task.name, "gather");
      }
    });
  });

  describe("concurrency", () => {
    test("runs every call at once by default", async () => {
      const gauge = new Gauge();
      const release = new Event();
      await withTaskGroup(async (tg) => {
        tg.startSoon(() => gather(Array.from({ length: 5 }, () => () => gauge.track(() => release.wait()))));
        await until(() => gauge.current === 5, "five calls running");
        release.set();
      });
      assert.equal(gauge.most, 5);
    });

    test("a limit of 2 keeps at most two calls running, and starts the next as one ends", async () => {
      const gauge = new Gauge();
      const gates = Array.from({ length: 6 }, () => new Event());
      let results: number[] = [];
      await withTaskGroup(async (tg) => {
        tg.startSoon(async () => {
          results = await gather(gates.map((gate, i) => () => gauge.track(async () => (await gate.wait(), i))), {
            concurrency: 2,
          });
        });
        for (const [i, gate] of gates.entries()) {
          const expected = Math.min(i + 2, gates.length);
          await until(() => gate.statistics().tasksWaiting === 1 && gauge.entered === expected, `call ${i} waits`);
          for (let turn = 0; turn < 10; turn++) await checkpoint(); // a third call would start now
          assert.equal(gauge.entered, expected);
          assert.equal(gauge.current, Math.min(2, gates.length - i));
          gate.set();
        }
      });
      assert.equal(gauge.most, 2);
      assert.deepEqual(results, [0, 1, 2, 3, 4, 5]);
    });

    test("a limit of 1 runs the calls one after another, in order", async () => {
      const log: string[] = [];
      const results = await gather(
        [0, 1, 2].map((i) => async () => {
          log.push(`start ${i}`);
          await checkpoint();
          log.push(`end ${i}`);
          return i * 10;
        }),
        { concurrency: 1 },
      );
      assert.deepEqual(log, ["start 0", "end 0", "start 1", "end 1", "start 2", "end 2"]);
      assert.deepEqual(results, [0, 10, 20]);
    });
  });

  describe("failures", () => {
    test("the first failure cancels the other calls; one ExceptionGroup is thrown", async () => {
      const boom = new Error("boom");
      const gauge = new Gauge();
      const parker = makeParker(gauge);
      const before = taskCount();
      const err = await thrownBy(() =>
        gather([parker.park, parker.park, async () => {
          await until(() => gauge.current === 2, "both siblings parked");
          throw boom;
        }])
      );
      assert.deepEqual([...asGroup(err).errors], [boom]);
      assert.equal(parker.cancelled, 2);
      assert.equal(gauge.current, 0);
      assert.equal(taskCount(), before, "no task is left when gather throws");
    });

    test("every failure, including those raised while cancelled, is in the group", async () => {
      const first = new RangeError("first");
      const inCleanup = new TypeError("failed while being cancelled");
      const parked = new Event();
      const err = await thrownBy(() =>
        gather([
          async () => {
            try {
              parked.set();
              await sleepForever();
            } catch {
              throw inCleanup;
            }
          },
          async () => {
            await parked.wait();
            throw first;
          },
        ])
      );
      const group = asGroup(err);
      assert.equal(group.errors.length, 2);
      assert.ok(group.errors.includes(first));
      assert.ok(group.errors.includes(inCleanup));
    });

    test("with a limit, a failure keeps the calls that had not started from starting", async () => {
      const boom = new Error("boom");
      const gauge = new Gauge();
      const parker = makeParker(gauge);
      let laterCalls = 0;
      const later = async () => {
        laterCalls++;
      };
      const err = await thrownBy(() =>
        gather([async () => {
          await until(() => gauge.current === 1, "the sibling is parked");
          throw boom;
        }, parker.park, later, later, later], { concurrency: 2 })
      );
      assert.deepEqual([...asGroup(err).errors], [boom]);
      assert.equal(parker.cancelled, 1);
      assert.equal(laterCalls, 0);
    });

    test("a synchronous throw is a failure like any other", async () => {
      const boom = new Error("sync");
      const err = await thrownBy(() =>
        gather([() => {
          throw boom;
        }])
      );
      assert.deepEqual([...asGroup(err).errors], [boom]);
    });
  });

  describe("cancellation", () => {
    test("cancelling the caller cancels every call; nothing is left running", async () => {
      const gauge = new Gauge();
      const parker = makeParker(gauge);
      const scope = new CancelScope();
      let returned = false;
      await withTaskGroup(async (tg) => {
        tg.startSoon(() =>
          scope.run(async () => {
            await gather([parker.park, parker.park, parker.park]);
            returned = true;
          })
        );
        await until(() => gauge.current === 3, "three calls parked");
        scope.cancel("caller cancelled");
      });
      assert.equal(scope.cancelledCaught, true);
      assert.equal(returned, false);
      assert.equal(parker.cancelled, 3);
      assert.equal(gauge.current, 0);
    });

    test("a caller cancelled before the call raises Cancelled, and no call starts", async () => {
      let calls = 0;
      const scope = new CancelScope();
      scope.cancel();
      const err = await scope.run(() =>
        thrownBy(() =>
          gather([async () => {
            calls++;
            await checkpoint();
          }], { concurrency: 1 })
        )
      );
      assert.ok(isCancelled(err), `expected Cancelled, got ${String(err)}`);
      assert.equal(calls, 0);
    });
  });

  describe("arguments", () => {
    test("an array holding a non-function is a TypeError at the call, and nothing runs", async () => {
      let called = false;
      await throwsOrRejects(
        () =>
          gather([async () => {
            called = true;
          }, 42 as unknown as () => void]),
        TypeError,
        /fns\[1\]/,
      );
      await checkpoint();
      assert.equal(called, false);
    });

    test("a non-function pulled from an iterable fails like a call", async () => {
      function* fns(): Generator<() => number> {
        yield () => 1;
        yield "two" as unknown as () => number;
      }
      const group = asGroup(await thrownBy(() => gather(fns())));
      assert.equal(group.errors.length, 1);
      assert.ok(group.errors[0] instanceof TypeError);
      assert.match((group.errors[0] as Error).message, /element 1 of fns/);
    });

    test("fns that is not iterable is a TypeError naming fns", async () => {
      for (const bad of [42, null, undefined, { length: 1 }]) {
        await throwsOrRejects(() => gather(bad as unknown as []), TypeError, /fns/);
      }
    });

    test("a concurrency that is not a whole number >= 1 or Infinity is a RangeError", async () => {
      for (const bad of [0, -1, 1.5, NaN, -Infinity]) {
        await throwsOrRejects(() => gather([() => 1], { concurrency: bad }), RangeError, /concurrency/);
      }
      await throwsOrRejects(() => gather([() => 1], { concurrency: "2" as unknown as number }), TypeError, /concurrency/);
      assert.deepEqual(await gather([() => 1], { concurrency: Infinity }), [1]);
    });

    test("options that are not an object are a TypeError", async () => {
      await throwsOrRejects(() => gather([() => 1], 2 as unknown as { concurrency: number }), TypeError, /options/);
      await throwsOrRejects(() => gather([() => 1], null as unknown as { concurrency: number }), TypeError, /options/);
    });
  });

  test("leaves no task behind after a success (introspection agrees)", async () => {
    const before = getRunningTasks().length;
    await gather([async () => await checkpoint(), () => 1], { concurrency: 1 });
    assert.equal(getRunningTasks().length, before);
  });
});
