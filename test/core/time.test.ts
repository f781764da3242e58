/**
 * Time: currentTime, sleep, sleepUntil and sleepForever.
 * Only lower bounds of a sleep against its own deadline are asserted, never elapsed time.
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { thrownBy, throwsOrRejects } from "../harness/helpers.ts";
import {
  CancelScope,
  checkpoint,
  currentTime,
  isCancelled,
  moveOnAfter,
  sleep,
  sleepForever,
  sleepUntil,
  withTaskGroup,
} from "../../src/index.ts";

/** Starts 20 tasks that each await `sleepOnce()`; asserts that they wake in the order they slept. */
async function assertSleepersWakeInFifoOrder(sleepOnce: () => Promise<void>): Promise<void> {
  const registered: number[] = [];
  const woke: number[] = [];
  await withTaskGroup(async (tg) => {
    for (let i = 0; i < 20; i++) {
      tg.startSoon(async () => {
        registered.push(i);
        await sleepOnce();
        woke.push(i);
      });
    }
  });
  assert.equal(woke.length, 20);
  assert.deepEqual(woke, registered);
}

describe("time", () => {
  describe("currentTime", () => {
    test("is a finite number that never goes backwards", async () => {
      let last = currentTime();
      assert.equal(typeof last, "number");
      assert.ok(Number.isFinite(last));
      for (let i = 0; i < 1000; i++) {
        const now = currentTime();
        assert.ok(now >= last, `${now} < ${last}`);
        last = now;
      }
      await sleep(1);
      assert.ok(currentTime() >= last);
    });

    test("works outside run()", async () => {
      const a = currentTime();
      await sleep(1);
      const b = currentTime();
      assert.ok(Number.isFinite(a));
      assert.ok(b >= a + 1);
    }, { outsideRun: true });
  });

  describe("sleep", () => {
    test("returns no earlier than its deadline", async () => {
      for (const ms of [0.5, 1, 2, 5]) {
        const start = currentTime();
        await sleep(ms);
        const end = currentTime();
        assert.ok(end >= start + ms, `sleep(${ms}) returned after ${end - start} ms`);
      }
    });

    test("sleep(0) and negative sleeps are checkpoints: they let other tasks run", async () => {
      for (const ms of [0, -5]) {
        await withTaskGroup(async (tg) => {
          let ran = false;
          tg.startSoon(() => {
            ran = true;
          });
          assert.equal(ran, false);
          await sleep(ms);
          assert.equal(ran, true, `sleep(${ms})`);
        });
      }
    });

    test("sleep(0) raises Cancelled in a cancelled scope", async () => {
      const scope = new CancelScope();
      await scope.run(async () => {
        scope.cancel("stop");
        const err = await thrownBy(() => sleep(0));
        assert.ok(isCancelled(err));
        assert.equal(err.reason, "stop");
        throw err;
      });
      assert.equal(scope.cancelledCaught, true);
    });

    test("a long sleep in a cancelled scope raises at once, and is woken by a cancellation", async () => {
      const scope = new CancelScope();
      await scope.run(async () => {
        scope.cancel();
        assert.ok(isCancelled(await thrownBy(() => sleep(60_000))));
      });
      const parked = Promise.withResolvers<void>();
      const other = new CancelScope();
      await withTaskGroup(async (tg) => {
        tg.startSoon(() =>
          other.run(async () => {
            parked.resolve();
            await sleep(60_000);
          })
        );
        await parked.promise;
        other.cancel();
      });
      assert.equal(other.cancelledCaught, true);
    });

    test("sleep(Infinity) waits until cancelled", async () => {
      const scope = new CancelScope();
      await scope.run(async () => {
        scope.deadline = currentTime() + 2;
        await sleep(Infinity);
        assert.fail("sleep(Infinity) returned");
      });
      assert.equal(scope.cancelledCaught, true);
    });

    test("completion wins: a sleep woken in the same timer tick as its scope's deadline returns", async () => {
      const scope = new CancelScope();
      const steps: string[] = [];
      await scope.run(async () => {
        const deadline = currentTime() + 3;
        const sleeping = sleepUntil(deadline);
        // The same deadline, set after the sleep began: both expire together, the sleep
        // first (FIFO), so its wake-up is delivered before the scope is cancelled.
        scope.deadline = deadline;
        await sleeping;
        steps.push("sleep returned");
        await checkpoint();
        steps.push("unreachable");
      });
      assert.deepEqual(steps, ["sleep returned"]);
      assert.equal(scope.cancelledCaught, true);
    });

    test("validates its argument: non-number TypeError, NaN RangeError", async () => {
      await throwsOrRejects(() => sleep("5" as unknown as number), TypeError, /ms/);
      await throwsOrRejects(() => sleep(undefined as unknown as number), TypeError, /ms/);
      await throwsOrRejects(() => sleep(NaN), RangeError, /ms/);
    });

    test("sleepers of equal duration wake in FIFO order", async () => {
      await assertSleepersWakeInFifoOrder(() => sleep(2));
    });
  });

  describe("sleepUntil", () => {
    test("returns no earlier than its deadline", async () => {
      const deadline = currentTime() + 3;
      await sleepUntil(deadline);
      assert.ok(currentTime() >= deadline);
    });

    test("sleepers on the same deadline wake in FIFO order", async () => {
      const deadline = currentTime() + 3;
      await assertSleepersWakeInFifoOrder(() => sleepUntil(deadline));
    });

    test("a deadline in the past is a checkpoint: it yields, and raises when cancelled", async () => {
      await withTaskGroup(async (tg) => {
        let ran = false;
        tg.startSoon(() => {
          ran = true;
        });
        await sleepUntil(currentTime() - 100);
        assert.equal(ran, true);
      });
      const scope = new CancelScope();
      await scope.run(async () => {
        scope.cancel();
        assert.ok(isCancelled(await thrownBy(() => sleepUntil(-Infinity))));
        assert.ok(isCancelled(await thrownBy(() => sleepUntil(currentTime()))));
      });
    });

    test("sleepUntil(Infinity) waits until cancelled", async () => {
      let err: unknown;
      const result = await moveOnAfter(2, async () => {
        try {
          await sleepUntil(Infinity);
        } catch (e) {
          err = e;
          throw e;
        }
        return "returned";
      });
      assert.equal(result, undefined);
      assert.ok(isCancelled(err));
    });

    test("validates its argument: non-number TypeError, NaN RangeError", async () => {
      await throwsOrRejects(() => sleepUntil("later" as unknown as number), TypeError, /deadline/);
      await throwsOrRejects(() => sleepUntil(NaN), RangeError, /deadline/);
    });
  });

  describe("sleepForever", () => {
    test("waits until cancelled, then raises Cancelled", async () => {
      const scope = new CancelScope();
      const parked = Promise.withResolvers<void>();
      let outcome: unknown = "still sleeping";
      await withTaskGroup(async (tg) => {
        tg.startSoon(() =>
          scope.run(async () => {
            try {
              parked.resolve();
              await sleepForever();
              outcome = "returned";
            } catch (err) {
              outcome = err;
              throw err;
            }
          })
        );
        await parked.promise;
        await sleep(1);
        assert.equal(outcome, "still sleeping");
        scope.cancel("enough");
      });
      assert.ok(isCancelled(outcome));
      assert.equal(outcome.reason, "enough");
      assert.equal(scope.cancelledCaught, true);
    });

    test("raises at once in an already cancelled scope", async () => {
      const scope = new CancelScope();
      scope.cancel();
      const result = await scope.run(async () => {
        await sleepForever();
        return "returned";
      });
      assert.equal(result, undefined);
      assert.equal(scope.cancelledCaught, true);
    });
  });
});
