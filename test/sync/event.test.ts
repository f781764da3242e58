/**
 * Event: set, isSet, wait, statistics; cancellation of waiters and completion wins.
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { assertBusyLoopLetsTimerFire, thrownBy } from "../harness/helpers.ts";
import { until } from "./helpers.ts";
import { Event } from "../../src/sync/index.ts";
import { CancelScope, checkpoint, isCancelled, run, withTaskGroup } from "../../src/index.ts";

// Made at module load, outside any run(): one for each backend the test runs with, as an
// event cannot be reset.
const madeOutside = [new Event(), new Event(), new Event()];

describe("sync/event", () => {
  test("wait() returns once another task sets the event", async () => {
    const event = new Event();
    const log: string[] = [];
    await withTaskGroup(async (tg) => {
      tg.startSoon(() => {
        assert.equal(event.isSet(), false);
        log.push("set");
        event.set();
      });
      await event.wait();
      log.push("woke");
    });
    assert.deepEqual(log, ["set", "woke"]);
    assert.equal(event.isSet(), true);
  });

  test("set() wakes every waiter, in the order they started waiting", async () => {
    const event = new Event();
    const woke: number[] = [];
    await withTaskGroup(async (tg) => {
      for (let i = 0; i < 5; i++) {
        tg.startSoon(async () => {
          await event.wait();
          woke.push(i);
        });
      }
      await until(() => event.statistics().tasksWaiting === 5, "five waiters");
      event.set();
      assert.equal(event.statistics().tasksWaiting, 0);
    });
    assert.deepEqual(woke, [0, 1, 2, 3, 4]);
  });

  test("setting a set event does nothing more", async () => {
    const event = new Event();
    event.set();
    event.set();
    assert.equal(event.isSet(), true);
    await event.wait();
  });

  test("wait() on a set event is a checkpoint: it yields to other tasks", async () => {
    const event = new Event();
    event.set();
    await withTaskGroup(async (tg) => {
      let ran = false;
      tg.startSoon(() => {
        ran = true;
      });
      await event.wait();
      assert.equal(ran, true);
    });
  });

  test("wait() on a set event raises Cancelled in a cancelled scope", async () => {
    const event = new Event();
    event.set();
    const scope = new CancelScope();
    let err: unknown;
    await scope.run(async () => {
      scope.cancel("stop");
      err = await thrownBy(() => event.wait());
      throw err;
    });
    assert.ok(isCancelled(err));
    assert.equal(err.reason, "stop");
  });

  test("wait() on an unset event in a cancelled scope raises at once and does not queue", async () => {
    const event = new Event();
    const scope = new CancelScope();
    await scope.run(async () => {
      scope.cancel();
      const err = await thrownBy(() => event.wait());
      assert.ok(isCancelled(err));
      assert.equal(event.statistics().tasksWaiting, 0);
      throw err;
    });
    assert.equal(scope.cancelledCaught, true);
  });

  test("a cancelled waiter leaves at once; a later set() does not reach it", async () => {
    const event = new Event();
    let woke = false;
    let cancelled = false;
    await withTaskGroup(async (tg) => {
      const handle = tg.startSoon(async () => {
        try {
          await event.wait();
          woke = true;
        } catch (err) {
          cancelled = isCancelled(err);
          throw err;
        }
      });
      await until(() => event.statistics().tasksWaiting === 1, "the waiter to park");
      handle.cancel();
      assert.equal(event.statistics().tasksWaiting, 0);
      event.set();
    });
    assert.equal(woke, false);
    assert.equal(cancelled, true);
  });

  test("completion wins: a waiter woken by set() returns even if cancelled right after", async () => {
    const event = new Event();
    let woke = false;
    let cancelledAfter = false;
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => {
        await event.wait();
        woke = true;
        try {
          await checkpoint();
        } catch (err) {
          cancelledAfter = isCancelled(err);
          throw err;
        }
      });
      await until(() => event.statistics().tasksWaiting === 1, "the waiter to park");
      event.set();
      tg.cancel();
    });
    assert.equal(woke, true);
    assert.equal(cancelledAfter, true);
  });

  test("cancelling one waiter leaves the others waiting", async () => {
    const event = new Event();
    const woke: string[] = [];
    await withTaskGroup(async (tg) => {
      const handles = ["a", "b", "c"].map((name) =>
        tg.startSoon(async () => {
          await event.wait();
          woke.push(name);
        })
      );
      await until(() => event.statistics().tasksWaiting === 3, "three waiters");
      handles[1].cancel();
      assert.equal(event.statistics().tasksWaiting, 2);
      event.set();
    });
    assert.deepEqual(woke, ["a", "c"]);
  });

  test("statistics() counts the waiting tasks", async () => {
    const event = new Event();
    await withTaskGroup(async (tg) => {
      assert.deepEqual(event.statistics(), { tasksWaiting: 0 });
      for (let i = 1; i <= 2; i++) {
        tg.startSoon(() => event.wait());
        await until(() => event.statistics().tasksWaiting === i, `${i} waiters`);
      }
      event.set();
    });
    assert.deepEqual(event.statistics(), { tasksWaiting: 0 });
  });

  test("an event made outside run() works inside it", async () => {
    const event = madeOutside.shift()!;
    assert.equal(event.isSet(), false);
    assert.equal(event.statistics().tasksWaiting, 0);
    await withTaskGroup(async (tg) => {
      tg.startSoon(() => event.set());
      await event.wait();
    });
    assert.equal(event.isSet(), true);
  });

  test("works outside run(), in the implicit root", async () => {
    const event = new Event();
    assert.equal(event.isSet(), false);
    await withTaskGroup(async (tg) => {
      tg.startSoon(() => event.set());
      await event.wait();
    });
    await event.wait();
  }, { outsideRun: true });

  test("an event set outside run() lets a wait inside run() through", async () => {
    const event = new Event();
    event.set();
    await run(() => event.wait());
  }, { outsideRun: true });

  test("a busy loop of wait() on a set event does not starve a timer", async () => {
    const event = new Event();
    event.set();
    await assertBusyLoopLetsTimerFire(() => event.wait(), "waits on a set event");
  });
});
