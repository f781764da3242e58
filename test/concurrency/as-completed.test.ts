/**
 * asCompleted(): results in completion order, both forms (functions; items and fn),
 * leaving the loop early (break, return, throw) cancelling the rest and waiting for it,
 * failures, cancellation of the loop's scope, back-pressure and lazy pulling, manual
 * iteration (next/return, await using), and bad arguments.
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { thrownBy } from "../harness/helpers.ts";
import { until } from "../sync/helpers.ts";
import { asGroup, countingSource, Gauge, makeParker, taskCount } from "./helpers.ts";
import {
  CancelScope,
  checkpoint,
  Event,
  getRunningTasks,
  isCancelled,
  sleepForever,
  withTaskGroup,
} from "../../src/index.ts";
import { asCompleted } from "../../src/concurrency/index.ts";

/** A call that waits for its gate, then returns `value`. */
function gated<T>(gate: Event, value: T): () => Promise<T> {
  return async () => {
    await gate.wait();
    return value;
  };
}

/** How many withSlowCleanup() calls are parked, and how many finished their cleanup. */
interface Cleanups {
  parked: number;
  count: number;
}

/** A call that parks until cancelled, then finishes a cleanup that must wait (shielded). */
function withSlowCleanup(done: Cleanups): () => Promise<void> {
  return async () => {
    try {
      done.parked++;
      return await sleepForever();
    } finally {
      await new CancelScope({ shield: true }).run(async () => {
        for (let i = 0; i < 5; i++) await checkpoint();
      });
      done.count++;
    }
  };
}

describe("concurrency/asCompleted", () => {
  describe("results", () => {
    test("come in completion order", async () => {
      const gates = [new Event(), new Event(), new Event()];
      const order = [2, 0, 1];
      gates[order[0]!]!.set();
      const seen: number[] = [];
      for await (const value of asCompleted(gates.map((gate, i) => gated(gate, i)))) {
        seen.push(value);
        const next = order[seen.length];
        if (next !== undefined) gates[next]!.set();
      }
      assert.deepEqual(seen, [2, 0, 1]);
    });

    test("asCompleted(items, fn) calls fn with each item and its index", async () => {
      const seen: string[] = [];
      for await (const value of asCompleted(["a", "b", "c"], async (item, index) => `${item}${index}`)) {
        seen.push(value);
      }
      assert.deepEqual(seen.sort(), ["a0", "b1", "c2"]);
    });

    test("empty inputs end the loop at once", async () => {
      let rounds = 0;
      for await (const _ of asCompleted([])) rounds++;
      for await (const _ of asCompleted(countingSource(0).items, (n) => n, { concurrency: 2 })) rounds++;
      assert.equal(rounds, 0);
    });

    test("the calls run in tasks named after fn, under the loop's task", async () => {
      let names: string[] = [];
      for await (
        const _ of asCompleted([1], async function probe() {
          names = getRunningTasks().map((task) => task.name);
        })
      ) {
        // just drain
      }
      assert.ok(names.includes("probe"), `tasks: ${names.join(", ")}`);
    });
  });

  describe("leaving the loop early", () => {
    test("break cancels the remaining calls and waits until they have stopped", async () => {
      const cleaned: Cleanups = { parked: 0, count: 0 };
      const before = taskCount();
      const first = new Event();
      first.set();
      for await (const value of asCompleted([withSlowCleanup(cleaned), gated(first, "first"), withSlowCleanup(cleaned)])) {
        assert.equal(value, "first");
        break;
      }
      assert.equal(cleaned.count, 2, "both cleanups finished before the loop was left");
      assert.equal(taskCount(), before);
    });

    test("return from inside the loop does the same", async () => {
      const cleaned: Cleanups = { parked: 0, count: 0 };
      const firstOf = async () => {
        for await (const value of asCompleted([withSlowCleanup(cleaned), async () => "fast"])) return value;
        return "none";
      };
      assert.equal(await firstOf(), "fast");
      assert.equal(cleaned.count, 1);
    });

    test("an error thrown in the loop body stops the work and is what propagates", async () => {
      const cleaned: Cleanups = { parked: 0, count: 0 };
      const mine = new Error("loop body");
      const err = await thrownBy(async () => {
        for await (const _ of asCompleted([withSlowCleanup(cleaned), async () => 1])) throw mine;
      });
      assert.equal(err, mine);
      assert.equal(cleaned.count, 1);
    });

    test("a break after a call failed throws the ExceptionGroup", async () => {
      const boom = new Error("boom");
      const gauge = new Gauge();
      const parker = makeParker(gauge);
      const err = await thrownBy(async () => {
        for await (
          const _ of asCompleted([async () => "first", parker.park, async () => {
            await until(() => gauge.current === 1, "the sibling is parked");
            throw boom;
          }])
        ) {
          // The failure cancels the sibling while the loop body runs.
          await until(() => parker.cancelled === 1, "the sibling was cancelled");
          break;
        }
      });
      assert.deepEqual([...asGroup(err).errors], [boom]);
    });
  });

  describe("failures and cancellation", () => {
    test("a failed call cancels the rest; the loop throws one ExceptionGroup", async () => {
      const boom = new Error("boom");
      const gauge = new Gauge();
      const parker = makeParker(gauge);
      const before = taskCount();
      const seen: unknown[] = [];
      const err = await thrownBy(async () => {
        for await (
          const value of asCompleted([parker.park, async () => 1, parker.park, async () => {
            await until(() => gauge.current === 2, "two calls parked");
            throw boom;
          }])
        ) {
          seen.push(value);
        }
      });
      assert.deepEqual([...asGroup(err).errors], [boom]);
      assert.deepEqual(seen, [1]);
      assert.equal(parker.cancelled, 2);
      assert.equal(taskCount(), before);
    });

    test("cancelling the loop's scope cancels the calls and waits until they have stopped", async () => {
      const cleaned: Cleanups = { parked: 0, count: 0 };
      const scope = new CancelScope();
      let seen = 0;
      let cleanedAtExit = -1;
      await withTaskGroup(async (tg) => {
        tg.startSoon(() =>
          scope.run(async () => {
            try {
              for await (const _ of asCompleted([withSlowCleanup(cleaned), async () => 1, withSlowCleanup(cleaned)])) {
                seen++;
              }
            } finally {
              cleanedAtExit = cleaned.count;
            }
          })
        );
        await until(() => cleaned.parked === 2 && seen === 1, "two calls parked, one result taken");
        scope.cancel();
      });
      assert.equal(scope.cancelledCaught, true);
      assert.equal(cleanedAtExit, 2, "the loop was left only once both calls had stopped");
    });

    test("a call failing while the loop's scope is cancelled makes the loop throw the group", async () => {
      const inCleanup = new Error("failed while being cancelled");
      const scope = new CancelScope();
      let parked = false;
      let err: unknown;
      await withTaskGroup(async (tg) => {
        tg.startSoon(() =>
          scope.run(async () => {
            err = await thrownBy(async () => {
              for await (
                const _ of asCompleted([async () => {
                  try {
                    parked = true;
                    await sleepForever();
                  } catch {
                    throw inCleanup;
                  }
                }])
              ) {
                // nothing comes
              }
            });
          })
        );
        await until(() => parked, "the call is parked");
        scope.cancel();
      });
      // A failure wins over the cancellation, as in a task group.
      assert.deepEqual([...asGroup(err).errors], [inCleanup]);
    });

    test("a loop in an already cancelled scope raises Cancelled and starts nothing", async () => {
      let calls = 0;
      const results = asCompleted([async () => ++calls]);
      const scope = new CancelScope();
      scope.cancel();
      const err = await scope.run(() => thrownBy(() => results.next()));
      assert.ok(isCancelled(err));
      await checkpoint();
      assert.equal(calls, 0);
      // Nothing was started, so the iterator can still be used.
      assert.deepEqual(await results.next(), { done: false, value: 1 });
      assert.deepEqual(await results.next(), { done: true, value: undefined });
    });

    test("a cancelled next() that does not reach the work leaves it running", async () => {
      const gate = new Event();
      const results = asCompleted([async () => 1, gated(gate, 2)]);
      assert.deepEqual(await results.next(), { done: false, value: 1 });
      const inner = new CancelScope();
      await inner.run(async () => {
        inner.cancel(); // as a timeout around this one next() would
        await results.next();
      });
      assert.equal(inner.cancelledCaught, true);
      gate.set();
      assert.deepEqual(await results.next(), { done: false, value: 2 });
      assert.deepEqual(await results.next(), { done: true, value: undefined });
    });
  });

  describe("back-pressure and lazy pulling", () => {
    test("a result waits in its task, which keeps its slot: at most `concurrency` are held", async () => {
      let started = 0;
      let taken = 0;
      const results = asCompleted(
        Array.from({ length: 6 }, (_, i) => i),
        (i) => {
          started++;
          return i;
        },
        { concurrency: 2 },
      );
      for await (const _ of results) {
        taken++;
        // The slot freed by the result just taken goes to the next input...
        await until(() => started === Math.min(taken + 2, 6), `call ${taken + 1} started`);
        // ...and no other: the results that wait keep theirs while this slow body runs.
        for (let turn = 0; turn < 10; turn++) await checkpoint();
        assert.equal(started, Math.min(taken + 2, 6), `started ${started}, taken ${taken}`);
      }
      assert.equal(taken, 6);
    });

    test("an async iterable is pulled only as results are taken", async () => {
      const source = countingSource();
      const seen: number[] = [];
      for await (const value of asCompleted(source.items, (n) => n * 10, { concurrency: 3 })) {
        seen.push(value);
        for (let turn = 0; turn < 10; turn++) await checkpoint();
        assert.ok(source.pulled <= seen.length + 3, `pulled ${source.pulled} after ${seen.length} results`);
        if (seen.length === 4) break;
      }
      assert.deepEqual(seen, [0, 10, 20, 30]);
      assert.equal(source.closed, true, "breaking closed the endless input");
    });

    test("with no limit, every call runs at once", async () => {
      const gauge = new Gauge();
      const release = new Event();
      const seen: number[] = [];
      await withTaskGroup(async (tg) => {
        tg.startSoon(async () => {
          for await (const value of asCompleted([1, 2, 3, 4], (n) => gauge.track(async () => (await release.wait(), n)))) {
            seen.push(value);
          }
        });
        await until(() => gauge.current === 4, "four calls running");
        release.set();
      });
      assert.equal(seen.length, 4);
    });
  });

  describe("manual iteration", () => {
    test("nothing starts before the first next(); return() first ends it with nothing run", async () => {
      let calls = 0;
      const results = asCompleted([async () => ++calls]);
      for (let turn = 0; turn < 5; turn++) await checkpoint();
      assert.equal(calls, 0);
      assert.deepEqual(await results.return(), { done: true, value: undefined });
      assert.deepEqual(await results.next(), { done: true, value: undefined });
      assert.equal(calls, 0);
    });

    test("next() then return() stops the work; later calls report the end", async () => {
      const cleaned: Cleanups = { parked: 0, count: 0 };
      const results = asCompleted([async () => "now", withSlowCleanup(cleaned)]);
      assert.deepEqual(await results.next(), { done: false, value: "now" });
      assert.deepEqual(await results.return(), { done: true, value: undefined });
      assert.equal(cleaned.count, 1);
      assert.deepEqual(await results.next(), { done: true, value: undefined });
      assert.deepEqual(await results.return(), { done: true, value: undefined });
    });

    test("await using stops the work at the end of the block", async () => {
      const cleaned: Cleanups = { parked: 0, count: 0 };
      {
        await using results = asCompleted([withSlowCleanup(cleaned), async () => 7]);
        assert.deepEqual(await results.next(), { done: false, value: 7 });
      }
      assert.equal(cleaned.count, 1);
    });

    test("a failure is thrown once: by next(), not again by return()", async () => {
      const boom = new Error("boom");
      const results = asCompleted([async () => {
        throw boom;
      }]);
      const err = await thrownBy(() => results.next());
      assert.deepEqual([...asGroup(err).errors], [boom]);
      assert.deepEqual(await results.return(), { done: true, value: undefined });
      assert.deepEqual(await results.next(), { done: true, value: undefined });
    });

    test("is its own async iterator", async () => {
      const results = asCompleted([() => 1]);
      assert.equal(results[Symbol.asyncIterator](), results);
      await results.return();
    });
  });

  describe("arguments", () => {
    test("bad arguments throw at the call, before anything runs", () => {
      let calls = 0;
      const fn = () => ++calls;
      assert.throws(() => asCompleted(42 as unknown as []), TypeError);
      assert.throws(() => asCompleted(null as unknown as number[], fn), /items/);
      assert.throws(() => asCompleted([fn, "x" as unknown as () => number]), /fns\[1\]/);
      assert.throws(() => asCompleted([1, 2] as never, "fn" as never), /function \(fn\) or an options object/);
      assert.throws(() => asCompleted([fn], { concurrency: 0 }), RangeError);
      assert.throws(() => asCompleted([1], fn, { concurrency: 1.5 }), /concurrency/);
      assert.throws(() => asCompleted([1], fn, 3 as unknown as { concurrency: number }), /options/);
      assert.equal(calls, 0);
    });
  });
});
