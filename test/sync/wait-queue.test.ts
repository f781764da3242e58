/**
 * The wait queue under the fairness yield: parkUntil() now and then yields a macrotask
 * before it parks. A waiter must keep the place it took at the call, a hand-over made
 * during that yield must not be lost, and a cancellation during it must take the waiter
 * out of the queue. forceYieldAtNextWait() makes the yield happen on purpose; tasks
 * started together run one after another in the same microtask, before any macrotask,
 * so "during the yield" is deterministic here.
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { forceYieldAtNextWait, until } from "./helpers.ts";
import { CapacityLimiter, Condition, Event, Lock, Semaphore } from "../../src/sync/index.ts";
import { checkpoint, getCurrentTask, isCancelled, type TaskHandle, withTaskGroup } from "../../src/index.ts";

describe("sync/wait-queue", () => {
  test("a waiter whose wait yields first keeps its place in the queue", async () => {
    const lock = new Lock();
    const log: string[] = [];
    await lock.acquire();
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => {
        forceYieldAtNextWait();
        await lock.withLock(() => log.push("a"));
      });
      tg.startSoon(() => lock.withLock(() => log.push("b")));
      await until(() => lock.statistics().tasksWaiting === 2, "both to queue");
      lock.release();
    });
    assert.deepEqual(log, ["a", "b"]);
  });

  test("a hand-over made during the yield is not lost", async () => {
    const semaphore = new Semaphore(0);
    const log: string[] = [];
    await withTaskGroup((tg) => {
      tg.startSoon(async () => {
        forceYieldAtNextWait();
        await semaphore.withPermit(() => log.push("got the permit"));
      });
      tg.startSoon(() => semaphore.release()); // runs while the first task yields
    });
    assert.deepEqual(log, ["got the permit"]);
    assert.equal(semaphore.value, 1);
  });

  test("a cancellation during the yield takes the waiter out; the next waiter gets the hand-over", async () => {
    const semaphore = new Semaphore(0);
    const log: string[] = [];
    await withTaskGroup(async (tg) => {
      const first = tg.startSoon(async () => {
        forceYieldAtNextWait();
        try {
          await semaphore.withPermit(() => log.push("first"));
        } catch (err) {
          if (isCancelled(err)) log.push("first cancelled");
          throw err;
        }
      });
      tg.startSoon(() => semaphore.withPermit(() => log.push("second")));
      tg.startSoon(() => first.cancel()); // runs while the first task yields
      await until(() => first.status === "cancelled", "the first task to end");
      assert.equal(semaphore.statistics().tasksWaiting, 1);
      semaphore.release();
    });
    assert.deepEqual(log, ["first cancelled", "second"]);
    assert.equal(semaphore.value, 1);
  });

  test("a hand-over and then a cancellation, both during the yield: the hand-over wins", async () => {
    const semaphore = new Semaphore(0);
    const log: string[] = [];
    await withTaskGroup((tg) => {
      const first: TaskHandle<void> = tg.startSoon(async () => {
        forceYieldAtNextWait();
        await semaphore.acquire();
        log.push("acquired");
        try {
          await checkpoint();
        } finally {
          semaphore.release();
        }
      });
      tg.startSoon(() => {
        semaphore.release();
        first.cancel();
      });
    });
    assert.deepEqual(log, ["acquired"]);
    assert.equal(semaphore.value, 1);
    assert.equal(semaphore.statistics().tasksWaiting, 0);
  });

  test("a limiter borrower cancelled during the yield may borrow again", async () => {
    const limiter = new CapacityLimiter(0);
    await withTaskGroup((tg) => {
      const waiter: TaskHandle<void> = tg.startSoon(async () => {
        forceYieldAtNextWait();
        await limiter.acquireOnBehalfOf("job");
      });
      tg.startSoon(() => waiter.cancel());
    });
    assert.equal(limiter.statistics().tasksWaiting, 0);
    limiter.totalTokens = 1;
    limiter.acquireOnBehalfOfNowait("job");
    limiter.releaseOnBehalfOf("job");
  });

  test("an event set during the yield wakes the waiter", async () => {
    const event = new Event();
    let woke = false;
    await withTaskGroup((tg) => {
      tg.startSoon(async () => {
        forceYieldAtNextWait();
        await event.wait();
        woke = true;
      });
      tg.startSoon(() => event.set());
    });
    assert.equal(woke, true);
  });

  test("a condition waiter notified during the yield wakes holding the lock", async () => {
    const condition = new Condition();
    let holds = false;
    await withTaskGroup(async (tg) => {
      tg.startSoon(() =>
        condition.withLock(async () => {
          forceYieldAtNextWait();
          await condition.wait();
          holds = condition.statistics().lockStatistics.owner?.id === getCurrentTask().id;
        })
      );
      await until(() => condition.statistics().tasksWaiting === 1, "the waiter to queue");
      condition.acquireNowait();
      condition.notify();
      condition.release();
    });
    assert.equal(holds, true);
    assert.equal(condition.locked(), false);
  });
});
