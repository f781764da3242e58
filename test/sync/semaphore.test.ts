/**
 * Semaphore: permits, FIFO hand-over, nowait, maxValue, checkpoints, cancellation of
 * waiters before and after the hand-over, statistics and withPermit().
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { assertBusyLoopLetsTimerFire, throwsOrRejects, thrownBy } from "../harness/helpers.ts";
import { checkpointCount, until } from "./helpers.ts";
import { Event, Semaphore } from "../../src/sync/index.ts";
import { CancelScope, checkpoint, isCancelled, type TaskHandle, withTaskGroup, WouldBlock } from "../../src/index.ts";

// Made at module load, outside any run().
const madeOutside = new Semaphore(1, { maxValue: 3 });

/** Starts tasks that each take a permit with withPermit(), log their name and checkpoint. */
function contenders(
  tg: { startSoon(fn: () => Promise<void>): TaskHandle<void> },
  semaphore: Semaphore,
  names: string[],
  log: string[],
): TaskHandle<void>[] {
  return names.map((name) =>
    tg.startSoon(() =>
      semaphore.withPermit(async () => {
        log.push(name);
        await checkpoint();
      })
    )
  );
}

describe("sync/semaphore", () => {
  describe("permits and order", () => {
    test("withPermit() lets at most `initialValue` tasks in at once", async () => {
      const semaphore = new Semaphore(2);
      let inside = 0;
      let most = 0;
      await withTaskGroup(async (tg) => {
        for (let i = 0; i < 6; i++) {
          tg.startSoon(() =>
            semaphore.withPermit(async () => {
              most = Math.max(most, ++inside);
              assert.ok(semaphore.value <= 1);
              for (let j = 0; j < 3; j++) await checkpoint();
              inside--;
            })
          );
        }
      });
      assert.equal(most, 2);
      assert.equal(semaphore.value, 2);
    });

    test("acquire() and release() by hand change the value", async () => {
      const semaphore = new Semaphore(2);
      await semaphore.acquire();
      assert.equal(semaphore.value, 1);
      await semaphore.acquire();
      assert.equal(semaphore.value, 0);
      semaphore.release();
      semaphore.release();
      assert.equal(semaphore.value, 2);
    });

    test("waiters get permits strictly in arrival order", async () => {
      const semaphore = new Semaphore(0);
      const log: string[] = [];
      await withTaskGroup(async (tg) => {
        contenders(tg, semaphore, ["a", "b", "c", "d"], log);
        await until(() => semaphore.statistics().tasksWaiting === 4, "four waiters");
        semaphore.release();
      });
      assert.deepEqual(log, ["a", "b", "c", "d"]);
      assert.equal(semaphore.value, 1);
    });

    test("release() hands the permit straight to the first waiter: the value stays 0", async () => {
      const semaphore = new Semaphore(1);
      semaphore.acquireNowait();
      await withTaskGroup(async (tg) => {
        const [waiter] = contenders(tg, semaphore, ["waiter"], []);
        await until(() => semaphore.statistics().tasksWaiting === 1, "the waiter to park");
        semaphore.release();
        assert.equal(semaphore.value, 0);
        assert.throws(() => semaphore.acquireNowait(), WouldBlock);
        await until(() => waiter.status === "finished", "the waiter to finish");
      });
      assert.equal(semaphore.value, 1);
    });

    test("any task may release a permit", async () => {
      const semaphore = new Semaphore(1);
      await semaphore.acquire();
      await withTaskGroup((tg) => {
        tg.startSoon(() => semaphore.release());
      });
      assert.equal(semaphore.value, 1);
    });
  });

  describe("acquireNowait()", () => {
    test("takes a free permit, then raises WouldBlock at 0", async () => {
      const semaphore = new Semaphore(1);
      semaphore.acquireNowait();
      assert.equal(semaphore.value, 0);
      assert.throws(() => semaphore.acquireNowait(), WouldBlock);
      assert.equal(semaphore.value, 0);
    });
  });

  describe("maxValue", () => {
    test("is Infinity by default, or what was given", async () => {
      assert.equal(new Semaphore(0).maxValue, Infinity);
      assert.equal(new Semaphore(0, { maxValue: 2 }).maxValue, 2);
      assert.equal(new Semaphore(2, { maxValue: 2 }).maxValue, 2);
    });

    test("releasing beyond it is a RangeError and changes nothing", async () => {
      const semaphore = new Semaphore(1, { maxValue: 2 });
      semaphore.release();
      assert.equal(semaphore.value, 2);
      assert.throws(() => semaphore.release(), { name: "RangeError", message: /released too many times/ });
      assert.equal(semaphore.value, 2);
    });
  });

  describe("checkpoints", () => {
    test("acquire() of a free permit yields to other tasks; with fastAcquire it is no yield point", async () => {
      const semaphore = new Semaphore(1);
      await withTaskGroup(async (tg) => {
        let ran = false;
        tg.startSoon(() => {
          ran = true;
        });
        await semaphore.acquire();
        assert.equal(ran, true);
        semaphore.release();
      });
      const fast = new Semaphore(1, { fastAcquire: true });
      const before = checkpointCount();
      await fast.acquire();
      assert.equal(checkpointCount(), before);
      assert.equal(fast.value, 0);
    });

    for (const fastAcquire of [false, true]) {
      test(`acquire() in a cancelled scope raises and takes no permit (fastAcquire ${fastAcquire})`, async () => {
        const semaphore = new Semaphore(1, { fastAcquire });
        const scope = new CancelScope();
        await scope.run(async () => {
          scope.cancel();
          const err = await thrownBy(() => semaphore.acquire());
          assert.ok(isCancelled(err));
          throw err;
        });
        assert.equal(semaphore.value, 1);
      });
    }

    test("a busy loop of uncontended withPermit() does not starve a timer", async () => {
      const semaphore = new Semaphore(3);
      await assertBusyLoopLetsTimerFire(() => semaphore.withPermit(() => {}), "withPermit() calls");
    });
  });

  describe("cancelling a waiter", () => {
    test("cancelled, then released: the waiter gets nothing and the permit is free", async () => {
      const semaphore = new Semaphore(1);
      const log: string[] = [];
      await semaphore.acquire();
      await withTaskGroup(async (tg) => {
        const [a] = contenders(tg, semaphore, ["a"], log);
        await until(() => semaphore.statistics().tasksWaiting === 1, "a to wait");
        a.cancel();
        assert.equal(semaphore.statistics().tasksWaiting, 0);
        semaphore.release();
        assert.equal(semaphore.value, 1);
      });
      assert.deepEqual(log, []);
      assert.equal(semaphore.value, 1);
    });

    test("released, then cancelled (completion wins): the waiter runs with the permit and gives it back", async () => {
      const semaphore = new Semaphore(1);
      const log: string[] = [];
      await semaphore.acquire();
      await withTaskGroup(async (tg) => {
        const [a] = contenders(tg, semaphore, ["a"], log);
        await until(() => semaphore.statistics().tasksWaiting === 1, "a to wait");
        semaphore.release();
        a.cancel();
        assert.equal(semaphore.value, 0);
      });
      assert.deepEqual(log, ["a"]);
      assert.equal(semaphore.value, 1);
    });

    test("the next waiter gets the permit a cancelled one gave up", async () => {
      const semaphore = new Semaphore(0);
      const log: string[] = [];
      await withTaskGroup(async (tg) => {
        const handles = contenders(tg, semaphore, ["a", "b", "c"], log);
        await until(() => semaphore.statistics().tasksWaiting === 3, "three waiters");
        handles[0].cancel();
        handles[1].cancel();
        semaphore.release();
      });
      assert.deepEqual(log, ["c"]);
      assert.equal(semaphore.value, 1);
    });

    test("cancelling a waiter right after another task got the permit does not lose it", async () => {
      const semaphore = new Semaphore(0);
      await withTaskGroup(async (tg) => {
        const waiter = tg.startSoon(() => semaphore.acquire());
        const other = tg.startSoon(() => semaphore.acquire());
        await until(() => semaphore.statistics().tasksWaiting === 2, "two waiters");
        semaphore.release(); // to waiter
        waiter.cancel();
        other.cancel();
        await until(() => waiter.status !== "running" && other.status !== "running", "both to end");
        assert.equal(waiter.status, "finished");
        assert.equal(other.status, "cancelled");
      });
      // The waiter's acquire() returned with the permit (completion wins); it kept it.
      assert.equal(semaphore.value, 0);
      assert.equal(semaphore.statistics().tasksWaiting, 0);
    });
  });

  describe("statistics()", () => {
    test("counts the waiting tasks", async () => {
      const semaphore = new Semaphore(1);
      await withTaskGroup(async (tg) => {
        assert.deepEqual(semaphore.statistics(), { tasksWaiting: 0 });
        await semaphore.withPermit(async () => {
          for (let i = 1; i <= 2; i++) {
            tg.startSoon(() => semaphore.withPermit(() => {}));
            await until(() => semaphore.statistics().tasksWaiting === i, `${i} waiters`);
          }
        });
      });
      assert.deepEqual(semaphore.statistics(), { tasksWaiting: 0 });
    });
  });

  describe("withPermit()", () => {
    test("returns the function's value and gives the permit back when it throws", async () => {
      const semaphore = new Semaphore(1);
      assert.equal(await semaphore.withPermit(() => "value"), "value");
      await throwsOrRejects(() =>
        semaphore.withPermit(() => {
          throw new Error("boom");
        }), Error, /boom/);
      assert.equal(semaphore.value, 1);
    });

    test("gives the permit back when the holder is cancelled", async () => {
      const semaphore = new Semaphore(1);
      await withTaskGroup(async (tg) => {
        const holder = tg.startSoon(() => semaphore.withPermit(() => new Event().wait()));
        await until(() => semaphore.value === 0, "the holder to take the permit");
        holder.cancel();
      });
      assert.equal(semaphore.value, 1);
    });

    test("a function that is not a function is a TypeError", async () => {
      const semaphore = new Semaphore(1);
      await throwsOrRejects(() => semaphore.withPermit(null as never), TypeError, /fn/);
      assert.equal(semaphore.value, 1);
    });
  });

  describe("construction", () => {
    test("bad arguments are a TypeError or RangeError naming them", async () => {
      assert.throws(() => new Semaphore("1" as never), { name: "TypeError", message: /initialValue/ });
      assert.throws(() => new Semaphore(-1), { name: "RangeError", message: /initialValue/ });
      assert.throws(() => new Semaphore(1.5), { name: "RangeError", message: /initialValue/ });
      assert.throws(() => new Semaphore(NaN), { name: "RangeError", message: /initialValue/ });
      assert.throws(() => new Semaphore(Infinity), { name: "RangeError", message: /initialValue/ });
      assert.throws(() => new Semaphore(3, { maxValue: 2 }), { name: "RangeError", message: /maxValue/ });
      assert.throws(() => new Semaphore(1, { maxValue: "2" as never }), { name: "TypeError", message: /maxValue/ });
      assert.throws(() => new Semaphore(1, { fastAcquire: 1 as never }), { name: "TypeError", message: /fastAcquire/ });
    });

    test("a semaphore made outside run() keeps its settings and works inside it", async () => {
      assert.equal(madeOutside.value, 1);
      assert.equal(madeOutside.maxValue, 3);
      assert.equal(madeOutside.statistics().tasksWaiting, 0);
      await madeOutside.withPermit(() => assert.equal(madeOutside.value, 0));
      assert.equal(madeOutside.value, 1);
    });

    test("works outside run()", async () => {
      const semaphore = new Semaphore(1);
      const log: string[] = [];
      await withTaskGroup((tg) => {
        contenders(tg, semaphore, ["a", "b"], log);
      });
      assert.deepEqual(log, ["a", "b"]);
    }, { outsideRun: true });
  });
});
