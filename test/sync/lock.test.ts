/**
 * Lock: mutual exclusion, FIFO hand-over, nowait, ownership, checkpoints, cancellation of
 * waiters before and after the hand-over, statistics and withLock().
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { assertBusyLoopLetsTimerFire, throwsOrRejects, thrownBy } from "../harness/helpers.ts";
import { checkpointCount, until } from "./helpers.ts";
import { Event, Lock } from "../../src/sync/index.ts";
import {
  CancelScope,
  checkpoint,
  getCurrentTask,
  isCancelled,
  run,
  type TaskHandle,
  withTaskGroup,
  WouldBlock,
} from "../../src/index.ts";

// Made at module load, outside any run().
const madeOutside = new Lock();

/** Starts tasks that each take `lock` with withLock(), log their name and checkpoint. */
function contenders(
  tg: { startSoon(fn: () => Promise<void>): TaskHandle<void> },
  lock: Lock,
  names: string[],
  log: string[],
): TaskHandle<void>[] {
  return names.map((name) =>
    tg.startSoon(() =>
      lock.withLock(async () => {
        log.push(name);
        await checkpoint();
      })
    )
  );
}

describe("sync/lock", () => {
  describe("exclusion and order", () => {
    test("withLock() lets one task in at a time", async () => {
      const lock = new Lock();
      let inside = 0;
      let most = 0;
      await withTaskGroup(async (tg) => {
        for (let i = 0; i < 4; i++) {
          tg.startSoon(() =>
            lock.withLock(async () => {
              most = Math.max(most, ++inside);
              for (let j = 0; j < 3; j++) await checkpoint();
              inside--;
            })
          );
        }
      });
      assert.equal(most, 1);
      assert.equal(lock.locked(), false);
    });

    test("acquire() and release() by hand; locked() follows", async () => {
      const lock = new Lock();
      assert.equal(lock.locked(), false);
      await lock.acquire();
      assert.equal(lock.locked(), true);
      lock.release();
      assert.equal(lock.locked(), false);
    });

    test("waiters get the lock strictly in arrival order", async () => {
      const lock = new Lock();
      const log: string[] = [];
      await lock.acquire();
      await withTaskGroup(async (tg) => {
        contenders(tg, lock, ["a", "b", "c", "d", "e"], log);
        await until(() => lock.statistics().tasksWaiting === 5, "five waiters");
        lock.release();
      });
      assert.deepEqual(log, ["a", "b", "c", "d", "e"]);
    });

    test("no barging: release() hands the lock straight to the first waiter", async () => {
      const lock = new Lock();
      await lock.acquire();
      await withTaskGroup(async (tg) => {
        const [first] = contenders(tg, lock, ["first"], []);
        await until(() => lock.statistics().tasksWaiting === 1, "the waiter to park");
        lock.release();
        // Before the waiter has even run, the lock is already its.
        assert.equal(lock.statistics().owner?.id, first.id);
        assert.equal(lock.statistics().tasksWaiting, 0);
        assert.throws(() => lock.acquireNowait(), WouldBlock);
        // A late acquire() queues behind and gets the lock after the waiter.
        await lock.acquire();
        assert.equal(first.status, "finished");
        lock.release();
      });
    });

    test("a task arriving while others wait queues behind them, even right after a release", async () => {
      const lock = new Lock();
      const log: string[] = [];
      await lock.acquire();
      await withTaskGroup(async (tg) => {
        contenders(tg, lock, ["a", "b"], log);
        await until(() => lock.statistics().tasksWaiting === 2, "two waiters");
        lock.release();
        contenders(tg, lock, ["late"], log);
      });
      assert.deepEqual(log, ["a", "b", "late"]);
    });
  });

  describe("acquireNowait()", () => {
    test("takes a free lock", async () => {
      const lock = new Lock();
      lock.acquireNowait();
      assert.equal(lock.locked(), true);
      assert.equal(lock.statistics().owner?.id, getCurrentTask().id);
      lock.release();
    });

    test("raises WouldBlock when another task holds the lock", async () => {
      const lock = new Lock();
      await lock.acquire();
      let raised: unknown;
      await withTaskGroup((tg) => {
        tg.startSoon(async () => {
          raised = await thrownBy(() => lock.acquireNowait());
        });
      });
      assert.ok(raised instanceof WouldBlock);
      assert.equal(lock.statistics().owner?.id, getCurrentTask().id);
      lock.release();
    });

    test("raises WouldBlock while other tasks queue for the lock", async () => {
      const lock = new Lock();
      await lock.acquire();
      await withTaskGroup(async (tg) => {
        contenders(tg, lock, ["a"], []);
        await until(() => lock.statistics().tasksWaiting === 1, "the waiter to park");
        tg.startSoon(() => assert.throws(() => lock.acquireNowait(), WouldBlock));
        await checkpoint();
        lock.release();
      });
    });
  });

  describe("ownership", () => {
    for (const fastAcquire of [false, true]) {
      test(`is not reentrant: acquire() by the holder is an error (fastAcquire ${fastAcquire})`, async () => {
        const lock = new Lock({ fastAcquire });
        await lock.acquire();
        await throwsOrRejects(() => lock.acquire(), Error, /already holds this lock/);
        assert.equal(lock.statistics().tasksWaiting, 0);
        lock.release();
      });
    }

    test("acquireNowait() by the holder is an error, not WouldBlock", async () => {
      const lock = new Lock();
      lock.acquireNowait();
      const err = await thrownBy(() => lock.acquireNowait());
      assert.ok(!(err instanceof WouldBlock));
      assert.match((err as Error).message, /already holds this lock/);
      lock.release();
    });

    test("releasing a lock held by another task is an error", async () => {
      const lock = new Lock();
      await lock.acquire();
      await withTaskGroup((tg) => {
        tg.startSoon(() => assert.throws(() => lock.release(), /not holding this lock/));
      });
      assert.equal(lock.locked(), true);
      lock.release();
    });

    test("releasing a free lock is an error", async () => {
      const lock = new Lock();
      assert.throws(() => lock.release(), /not holding this lock/);
    });

    test("the owner is the task, also inside nested cancel scopes", async () => {
      const lock = new Lock();
      await new CancelScope().run(() => lock.acquire());
      assert.equal(lock.statistics().owner?.id, getCurrentTask().id);
      await new CancelScope().run(() => lock.release());
      assert.equal(lock.locked(), false);
    });
  });

  describe("checkpoints", () => {
    test("acquire() of a free lock yields to other tasks", async () => {
      const lock = new Lock();
      await withTaskGroup(async (tg) => {
        let ran = false;
        tg.startSoon(() => {
          ran = true;
        });
        await lock.acquire();
        assert.equal(ran, true);
        lock.release();
      });
    });

    test("with fastAcquire, acquire() of a free lock is no yield point for the scheduler", async () => {
      const fast = new Lock({ fastAcquire: true });
      let before = checkpointCount();
      await fast.acquire();
      assert.equal(checkpointCount(), before);
      fast.release();
      const normal = new Lock();
      before = checkpointCount();
      await normal.acquire();
      assert.equal(checkpointCount(), before + 1);
      normal.release();
    });

    for (const fastAcquire of [false, true]) {
      test(`acquire() of a free lock in a cancelled scope raises and leaves it free (fastAcquire ${fastAcquire})`, async () => {
        const lock = new Lock({ fastAcquire });
        const scope = new CancelScope();
        await scope.run(async () => {
          scope.cancel();
          const err = await thrownBy(() => lock.acquire());
          assert.ok(isCancelled(err));
          throw err;
        });
        assert.equal(scope.cancelledCaught, true);
        assert.equal(lock.locked(), false);
      });
    }

    test("a cancellation during the yield after taking a free lock does not take it away", async () => {
      const lock = new Lock();
      const scope = new CancelScope();
      let held = false;
      await withTaskGroup(async (tg) => {
        tg.startSoon(() => scope.cancel());
        await scope.run(async () => {
          await lock.acquire(); // the other task cancels the scope during the yield
          held = lock.locked();
          lock.release();
          await checkpoint();
        });
      });
      assert.equal(held, true);
      assert.equal(scope.cancelledCaught, true);
      assert.equal(lock.locked(), false);
    });

    test("a busy loop of uncontended withLock() does not starve a timer", async () => {
      const lock = new Lock();
      await assertBusyLoopLetsTimerFire(() => lock.withLock(() => {}), "withLock() calls");
    });
  });

  describe("cancelling a waiter", () => {
    test("before the hand-over: it leaves the queue, raises Cancelled, and the next waiter gets the lock", async () => {
      const lock = new Lock();
      const log: string[] = [];
      await lock.acquire();
      await withTaskGroup(async (tg) => {
        const [a] = contenders(tg, lock, ["a", "b"], log);
        await until(() => lock.statistics().tasksWaiting === 2, "two waiters");
        a.cancel();
        assert.equal(lock.statistics().tasksWaiting, 1);
        lock.release();
        await until(() => a.status === "cancelled", "a to end");
      });
      assert.deepEqual(log, ["b"]);
      assert.equal(lock.locked(), false);
    });

    test("before the hand-over, when it is the only waiter: the release frees the lock", async () => {
      const lock = new Lock();
      const log: string[] = [];
      await lock.acquire();
      await withTaskGroup(async (tg) => {
        const [a] = contenders(tg, lock, ["a"], log);
        await until(() => lock.statistics().tasksWaiting === 1, "a to wait");
        a.cancel();
        lock.release();
        assert.equal(lock.locked(), false);
      });
      assert.deepEqual(log, []);
      assert.equal(lock.locked(), false);
    });

    test("after the hand-over (completion wins): it holds the lock and is cancelled at its next checkpoint", async () => {
      const lock = new Lock();
      const log: string[] = [];
      await lock.acquire();
      await withTaskGroup(async (tg) => {
        const handles = ["a", "b"].map((name) =>
          tg.startSoon(() =>
            lock.withLock(async () => {
              log.push(`${name} has the lock`);
              try {
                await checkpoint();
              } catch (err) {
                if (isCancelled(err)) log.push(`${name} cancelled holding it`);
                throw err;
              }
            })
          )
        );
        await until(() => lock.statistics().tasksWaiting === 2, "two waiters");
        lock.release(); // hands the lock to a...
        handles[0].cancel(); // ...which is then cancelled: it keeps the lock
        assert.equal(lock.statistics().owner?.id, handles[0].id);
      });
      assert.deepEqual(log, ["a has the lock", "a cancelled holding it", "b has the lock"]);
      assert.equal(lock.locked(), false);
    });

    test("a waiter in the middle of the queue leaves without disturbing the order", async () => {
      const lock = new Lock();
      const log: string[] = [];
      await lock.acquire();
      await withTaskGroup(async (tg) => {
        const handles = contenders(tg, lock, ["a", "b", "c", "d"], log);
        await until(() => lock.statistics().tasksWaiting === 4, "four waiters");
        handles[1].cancel();
        handles[2].cancel();
        lock.release();
      });
      assert.deepEqual(log, ["a", "d"]);
    });

    test("no hand-over is lost or doubled when every other waiter is cancelled", async () => {
      const lock = new Lock();
      const log: string[] = [];
      await lock.acquire();
      await withTaskGroup(async (tg) => {
        const handles = contenders(tg, lock, ["0", "1", "2", "3", "4", "5"], log);
        await until(() => lock.statistics().tasksWaiting === 6, "six waiters");
        for (let i = 0; i < handles.length; i += 2) handles[i].cancel();
        lock.release();
      });
      assert.deepEqual(log, ["1", "3", "5"]);
      assert.equal(lock.locked(), false);
      assert.equal(lock.statistics().tasksWaiting, 0);
    });
  });

  describe("statistics()", () => {
    test("reports locked, the owner's TaskInfo and the waiting tasks", async () => {
      const lock = new Lock();
      assert.deepEqual(lock.statistics(), { locked: false, owner: null, tasksWaiting: 0 });
      await withTaskGroup(async (tg) => {
        await lock.withLock(async () => {
          const stats = lock.statistics();
          assert.equal(stats.locked, true);
          assert.equal(stats.owner?.id, getCurrentTask().id);
          assert.equal(stats.tasksWaiting, 0);
          for (let i = 1; i <= 2; i++) {
            tg.startSoon(() => lock.withLock(() => {}));
            await until(() => lock.statistics().tasksWaiting === i, `${i} waiters`);
          }
        });
      });
      assert.deepEqual(lock.statistics(), { locked: false, owner: null, tasksWaiting: 0 });
    });

    test("the owner is the next task as soon as the holder releases", async () => {
      const lock = new Lock();
      const go = new Event();
      await withTaskGroup(async (tg) => {
        tg.startSoon(async function task1() {
          await lock.acquire();
          assert.equal(lock.statistics().owner?.name, "task1");
          await go.wait();
          lock.release();
          assert.equal(lock.statistics().owner?.name, "task2");
        });
        await until(() => lock.locked(), "task1 to take the lock");
        tg.startSoon(async function task2() {
          await lock.acquire();
          lock.release();
        });
        await until(() => lock.statistics().tasksWaiting === 1, "task2 to wait");
        go.set();
      });
    });
  });

  describe("withLock()", () => {
    test("returns the function's value and releases", async () => {
      const lock = new Lock();
      assert.equal(await lock.withLock(() => 42), 42);
      assert.equal(await lock.withLock(async () => "async"), "async");
      assert.equal(lock.locked(), false);
    });

    test("releases when the function throws", async () => {
      const lock = new Lock();
      await throwsOrRejects(() =>
        lock.withLock(() => {
          throw new TypeError("boom");
        }), TypeError, /boom/);
      assert.equal(lock.locked(), false);
      await throwsOrRejects(() =>
        lock.withLock(async () => {
          await checkpoint();
          throw new RangeError("later");
        }), RangeError, /later/);
      assert.equal(lock.locked(), false);
    });

    test("releases when the holder is cancelled, and the next waiter gets the lock", async () => {
      const lock = new Lock();
      const log: string[] = [];
      await withTaskGroup(async (tg) => {
        const holder = tg.startSoon(() =>
          lock.withLock(async () => {
            log.push("holder in");
            await new Event().wait(); // until cancelled
          })
        );
        await until(() => lock.locked(), "the holder to take the lock");
        contenders(tg, lock, ["next"], log);
        await until(() => lock.statistics().tasksWaiting === 1, "the next task to wait");
        holder.cancel();
      });
      assert.deepEqual(log, ["holder in", "next"]);
      assert.equal(lock.locked(), false);
    });

    test("does not call the function when cancelled while waiting, and releases nothing", async () => {
      const lock = new Lock();
      await lock.acquire();
      let called = false;
      await withTaskGroup(async (tg) => {
        const waiter = tg.startSoon(() =>
          lock.withLock(() => {
            called = true;
          })
        );
        await until(() => lock.statistics().tasksWaiting === 1, "the waiter to park");
        waiter.cancel();
      });
      assert.equal(called, false);
      assert.equal(lock.statistics().owner?.id, getCurrentTask().id);
      lock.release();
    });

    test("a function that is not a function is a TypeError", async () => {
      const lock = new Lock();
      await throwsOrRejects(() => lock.withLock(42 as never), TypeError, /fn must be a function/);
      assert.equal(lock.locked(), false);
    });
  });

  describe("construction", () => {
    test("bad options are a TypeError naming them", async () => {
      assert.throws(() => new Lock({ fastAcquire: "yes" as never }), { name: "TypeError", message: /fastAcquire/ });
      assert.throws(() => new Lock(7 as never), { name: "TypeError", message: /options/ });
    });

    test("a lock made outside run() starts free and works inside it", async () => {
      assert.deepEqual(madeOutside.statistics(), { locked: false, owner: null, tasksWaiting: 0 });
      await madeOutside.withLock(() => assert.equal(madeOutside.locked(), true));
      assert.equal(madeOutside.locked(), false);
    });

    test("works outside run(), and in a run() afterwards", async () => {
      const lock = new Lock();
      await lock.withLock(() => {});
      const log: string[] = [];
      await withTaskGroup(async (tg) => {
        await lock.acquire();
        contenders(tg, lock, ["x"], log);
        await until(() => lock.statistics().tasksWaiting === 1, "x to wait");
        lock.release();
      });
      await run(() => lock.withLock(() => log.push("in run")));
      assert.deepEqual(log, ["x", "in run"]);
    }, { outsideRun: true });
  });
});
