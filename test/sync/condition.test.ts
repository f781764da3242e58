/**
 * Condition: wait/notify under the lock, FIFO wakeups, waitFor(), misuse, cancellation of
 * waiters before and after their notification, statistics.
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { throwsOrRejects, thrownBy } from "../harness/helpers.ts";
import { until } from "./helpers.ts";
import { Condition, Lock } from "../../src/sync/index.ts";
import {
  CancelScope,
  checkpoint,
  getCurrentTask,
  isCancelled,
  type TaskHandle,
  withTaskGroup,
  WouldBlock,
} from "../../src/index.ts";

// Made at module load, outside any run().
const madeOutside = new Condition();

/**
 * Starts tasks that each take the lock, wait() once, and log how the wait ended (and
 * whether they held the lock then).
 */
function waiters(
  tg: { startSoon(fn: () => Promise<void>): TaskHandle<void> },
  condition: Condition,
  names: string[],
  log: string[],
): TaskHandle<void>[] {
  return names.map((name) =>
    tg.startSoon(() =>
      condition.withLock(async () => {
        try {
          await condition.wait();
          const holds = condition.statistics().lockStatistics.owner?.id === getCurrentTask().id;
          log.push(`${name} notified${holds ? "" : " WITHOUT the lock"}`);
        } catch (err) {
          const holds = condition.statistics().lockStatistics.owner?.id === getCurrentTask().id;
          if (isCancelled(err)) log.push(`${name} cancelled${holds ? "" : " WITHOUT the lock"}`);
          throw err;
        }
      })
    )
  );
}

describe("sync/condition", () => {
  describe("wait() and notify()", () => {
    test("a waiter wakes on notify() and holds the lock again", async () => {
      const condition = new Condition();
      const log: string[] = [];
      await withTaskGroup(async (tg) => {
        waiters(tg, condition, ["a"], log);
        await until(() => condition.statistics().tasksWaiting === 1, "a to wait");
        await condition.withLock(() => condition.notify());
      });
      assert.deepEqual(log, ["a notified"]);
      assert.equal(condition.locked(), false);
    });

    test("wait() releases the lock while it waits", async () => {
      const condition = new Condition();
      await withTaskGroup(async (tg) => {
        waiters(tg, condition, ["a"], []);
        await until(() => condition.statistics().tasksWaiting === 1, "a to wait");
        assert.equal(condition.locked(), false);
        condition.acquireNowait();
        condition.notifyAll();
        condition.release();
      });
    });

    test("notify() wakes the longest waiter; repeated notify(1) wakes them in order", async () => {
      const condition = new Condition();
      const log: string[] = [];
      await withTaskGroup(async (tg) => {
        waiters(tg, condition, ["a", "b", "c"], log);
        await until(() => condition.statistics().tasksWaiting === 3, "three waiters");
        for (const expected of [2, 1, 0]) {
          await condition.withLock(() => condition.notify(1));
          assert.equal(condition.statistics().tasksWaiting, expected);
          await until(() => log.length === 3 - expected, "the notified waiter to run");
        }
      });
      assert.deepEqual(log, ["a notified", "b notified", "c notified"]);
    });

    test("notify(n) wakes the n longest waiters; notify(0) and a notify with no waiters do nothing", async () => {
      const condition = new Condition();
      const log: string[] = [];
      await withTaskGroup(async (tg) => {
        await condition.withLock(() => condition.notify(5));
        waiters(tg, condition, ["a", "b", "c", "d"], log);
        await until(() => condition.statistics().tasksWaiting === 4, "four waiters");
        await condition.withLock(() => {
          condition.notify(0);
          assert.equal(condition.statistics().tasksWaiting, 4);
          condition.notify(2);
          assert.equal(condition.statistics().tasksWaiting, 2);
        });
        await until(() => log.length === 2, "two waiters to run");
        await condition.withLock(() => condition.notify(Infinity));
      });
      assert.deepEqual(log, ["a notified", "b notified", "c notified", "d notified"]);
    });

    test("notifyAll() wakes everyone; they get the lock one at a time, in order", async () => {
      const condition = new Condition();
      const log: string[] = [];
      let inside = 0;
      await withTaskGroup(async (tg) => {
        for (const name of ["a", "b", "c"]) {
          tg.startSoon(() =>
            condition.withLock(async () => {
              await condition.wait();
              assert.equal(++inside, 1);
              log.push(name);
              await checkpoint();
              inside--;
            })
          );
        }
        await until(() => condition.statistics().tasksWaiting === 3, "three waiters");
        await condition.withLock(() => {
          condition.notifyAll();
          assert.equal(condition.statistics().tasksWaiting, 0);
          // Notified waiters now queue for the lock, behind the notifier.
          assert.equal(condition.statistics().lockStatistics.tasksWaiting, 3);
        });
      });
      assert.deepEqual(log, ["a", "b", "c"]);
    });

    test("a notified waiter goes before a task that asks for the lock later", async () => {
      const condition = new Condition();
      const log: string[] = [];
      await withTaskGroup(async (tg) => {
        waiters(tg, condition, ["waiter"], log);
        await until(() => condition.statistics().tasksWaiting === 1, "the waiter to wait");
        await condition.withLock(async () => {
          condition.notify();
          tg.startSoon(() => condition.withLock(() => log.push("latecomer")));
          await until(() => condition.statistics().lockStatistics.tasksWaiting === 2, "the latecomer to queue");
        });
      });
      assert.deepEqual(log, ["waiter notified", "latecomer"]);
    });
  });

  describe("misuse", () => {
    test("wait() without holding the lock is an error", async () => {
      const condition = new Condition();
      await throwsOrRejects(() => condition.wait(), Error, /not holding the condition's lock/);
      assert.equal(condition.statistics().tasksWaiting, 0);
    });

    test("wait() while another task holds the lock is an error", async () => {
      const condition = new Condition();
      await condition.acquire();
      await withTaskGroup((tg) => {
        tg.startSoon(() => throwsOrRejects(() => condition.wait(), Error, /not holding/));
      });
      condition.release();
    });

    test("notify() and notifyAll() without holding the lock are errors", async () => {
      const condition = new Condition();
      assert.throws(() => condition.notify(), /not holding the condition's lock/);
      assert.throws(() => condition.notifyAll(), /not holding the condition's lock/);
    });

    test("a bad count for notify() is a TypeError or RangeError", async () => {
      const condition = new Condition();
      await condition.withLock(() => {
        assert.throws(() => condition.notify(-1), { name: "RangeError", message: /\bn\b/ });
        assert.throws(() => condition.notify(1.5), { name: "RangeError", message: /\bn\b/ });
        assert.throws(() => condition.notify("2" as never), { name: "TypeError", message: /\bn\b/ });
      });
    });

    test("the lock argument must be a Lock", async () => {
      assert.throws(() => new Condition({} as never), { name: "TypeError", message: /lock/ });
    });
  });

  describe("cancelling a waiter", () => {
    test("before its notification: it raises Cancelled holding the lock, and the notification goes to the next", async () => {
      const condition = new Condition();
      const log: string[] = [];
      await withTaskGroup(async (tg) => {
        const [a] = waiters(tg, condition, ["a", "b"], log);
        await until(() => condition.statistics().tasksWaiting === 2, "two waiters");
        await condition.withLock(() => {
          a.cancel();
          assert.equal(condition.statistics().tasksWaiting, 1);
          condition.notify(1);
        });
      });
      assert.deepEqual(log.sort(), ["a cancelled", "b notified"]);
    });

    test("after its notification, before it got the lock back: it passes the notification on", async () => {
      const condition = new Condition();
      const log: string[] = [];
      await withTaskGroup(async (tg) => {
        const [a] = waiters(tg, condition, ["a", "b"], log);
        await until(() => condition.statistics().tasksWaiting === 2, "two waiters");
        await condition.withLock(async () => {
          condition.notify(1); // a is notified and queues for the lock, held here
          a.cancel(); // a gives up: b must be notified instead
          assert.equal(condition.statistics().tasksWaiting, 0);
          await until(() => condition.statistics().lockStatistics.tasksWaiting === 2, "a to queue again");
        });
      });
      // b was notified first and got the lock first; a then took the lock back to raise.
      assert.deepEqual(log, ["b notified", "a cancelled"]);
    });

    test("after it got the lock back (completion wins): wait() returns and the next checkpoint raises", async () => {
      const condition = new Condition();
      const log: string[] = [];
      await withTaskGroup(async (tg) => {
        const a = tg.startSoon(() =>
          condition.withLock(async () => {
            await condition.wait();
            log.push("a notified");
            try {
              await checkpoint();
            } catch (err) {
              if (isCancelled(err)) log.push("a cancelled afterwards");
              throw err;
            }
          })
        );
        waiters(tg, condition, ["b"], log);
        await until(() => condition.statistics().tasksWaiting === 2, "two waiters");
        condition.acquireNowait();
        condition.notify(1);
        condition.release(); // the lock is now a's
        a.cancel();
        await until(() => a.status === "cancelled", "a to end");
        assert.equal(condition.statistics().tasksWaiting, 1);
        await condition.withLock(() => condition.notify());
      });
      assert.deepEqual(log, ["a notified", "a cancelled afterwards", "b notified"]);
    });

    test("a cancelled waiter does not release the lock twice or leave it held", async () => {
      const condition = new Condition();
      const log: string[] = [];
      await withTaskGroup(async (tg) => {
        const handles = waiters(tg, condition, ["a", "b", "c"], log);
        await until(() => condition.statistics().tasksWaiting === 3, "three waiters");
        await condition.withLock(() => {
          condition.notifyAll();
          for (const handle of handles) handle.cancel();
        });
      });
      assert.deepEqual(log.sort(), ["a cancelled", "b cancelled", "c cancelled"]);
      assert.deepEqual(condition.statistics().lockStatistics, { locked: false, owner: null, tasksWaiting: 0 });
    });

    test("wait() in a cancelled scope raises at once and keeps the lock", async () => {
      const condition = new Condition();
      await condition.withLock(async () => {
        const scope = new CancelScope();
        await scope.run(async () => {
          scope.cancel();
          const err = await thrownBy(() => condition.wait());
          assert.ok(isCancelled(err));
          throw err;
        });
        assert.equal(condition.statistics().lockStatistics.owner?.id, getCurrentTask().id);
        assert.equal(condition.statistics().tasksWaiting, 0);
      });
    });
  });

  describe("waitFor()", () => {
    test("waits until the predicate is truthy and returns its value; other wakeups do not end it", async () => {
      const condition = new Condition();
      let value: string | null = null;
      let result: string | undefined;
      let checks = 0;
      await withTaskGroup(async (tg) => {
        tg.startSoon(() =>
          condition.withLock(async () => {
            result = await condition.waitFor(() => {
              checks++;
              return value;
            });
          })
        );
        await until(() => condition.statistics().tasksWaiting === 1, "the waiter to wait");
        await condition.withLock(() => condition.notifyAll());
        await until(() => checks === 2 && condition.statistics().tasksWaiting === 1, "a spurious wakeup");
        assert.equal(result, undefined);
        await condition.withLock(() => {
          value = "ready";
          condition.notifyAll();
        });
      });
      assert.equal(result, "ready");
      assert.equal(checks, 3);
    });

    test("a predicate true at once returns after a checkpoint", async () => {
      const condition = new Condition();
      await condition.withLock(async () => {
        await withTaskGroup(async (tg) => {
          let ran = false;
          tg.startSoon(() => {
            ran = true;
          });
          assert.equal(await condition.waitFor(() => 7), 7);
          assert.equal(ran, true);
        });
        const scope = new CancelScope();
        await scope.run(async () => {
          scope.cancel();
          const err = await thrownBy(() => condition.waitFor(() => true));
          assert.ok(isCancelled(err));
          throw err;
        });
        assert.equal(condition.locked(), true);
      });
    });

    test("needs the lock and a function", async () => {
      const condition = new Condition();
      await throwsOrRejects(() => condition.waitFor(() => true), Error, /not holding/);
      await condition.withLock(async () => {
        await throwsOrRejects(() => condition.waitFor("x" as never), TypeError, /predicate/);
      });
    });
  });

  describe("the lock", () => {
    test("acquire(), acquireNowait(), release() and locked() act on the lock", async () => {
      const condition = new Condition();
      condition.acquireNowait();
      assert.equal(condition.locked(), true);
      await withTaskGroup((tg) => {
        tg.startSoon(() => assert.throws(() => condition.acquireNowait(), WouldBlock));
      });
      condition.release();
      await condition.acquire();
      assert.equal(condition.locked(), true);
      condition.release();
      assert.equal(condition.locked(), false);
    });

    test("a lock given to the constructor is the one used", async () => {
      const lock = new Lock();
      const condition = new Condition(lock);
      await condition.acquire();
      assert.equal(lock.locked(), true);
      assert.equal(lock.statistics().owner?.id, getCurrentTask().id);
      lock.release();
      assert.equal(condition.locked(), false);
      // Holding the lock directly is holding the condition's lock.
      await lock.withLock(() => condition.notifyAll());
    });
  });

  describe("statistics()", () => {
    test("counts waiters and reports the lock", async () => {
      const condition = new Condition();
      await withTaskGroup(async (tg) => {
        assert.deepEqual(condition.statistics(), {
          tasksWaiting: 0,
          lockStatistics: { locked: false, owner: null, tasksWaiting: 0 },
        });
        await condition.withLock(() => {
          assert.equal(condition.statistics().lockStatistics.locked, true);
          assert.equal(condition.statistics().tasksWaiting, 0);
        });
        for (let i = 1; i <= 2; i++) {
          waiters(tg, condition, [`w${i}`], []);
          await until(() => condition.statistics().tasksWaiting === i, `${i} waiters`);
        }
        for (const left of [1, 0]) {
          await condition.withLock(() => condition.notify(1));
          assert.equal(condition.statistics().tasksWaiting, left);
        }
      });
      assert.equal(condition.statistics().lockStatistics.locked, false);
      assert.equal(condition.statistics().tasksWaiting, 0);
    });
  });

  describe("construction", () => {
    test("a condition made outside run() works inside it", async () => {
      assert.equal(madeOutside.statistics().tasksWaiting, 0);
      assert.equal(madeOutside.locked(), false);
      const log: string[] = [];
      await withTaskGroup(async (tg) => {
        waiters(tg, madeOutside, ["a"], log);
        await until(() => madeOutside.statistics().tasksWaiting === 1, "a to wait");
        await madeOutside.withLock(() => madeOutside.notify());
      });
      assert.deepEqual(log, ["a notified"]);
    });

    test("works outside run()", async () => {
      const condition = new Condition();
      const log: string[] = [];
      await withTaskGroup(async (tg) => {
        waiters(tg, condition, ["a"], log);
        await until(() => condition.statistics().tasksWaiting === 1, "a to wait");
        await condition.withLock(() => condition.notify());
      });
      assert.deepEqual(log, ["a notified"]);
    }, { outsideRun: true });
  });
});
