/**
 * Checkpoints: checkpoint, checkpointIfCancelled and cancelShieldedCheckpoint, and the
 * fairness of busy loops towards timers.
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { assertBusyLoopLetsTimerFire, MAX_SPINS, thrownBy } from "../harness/helpers.ts";
import {
  CancelScope,
  cancelShieldedCheckpoint,
  checkpoint,
  checkpointIfCancelled,
  currentTime,
  isCancelled,
  moveOnAfter,
  sleep,
  withTaskGroup,
} from "../../src/index.ts";

/** Asserts that awaiting `step` lets a task spawned just before it run. */
async function assertYieldsToOtherTasks(step: () => Promise<void>): Promise<void> {
  await withTaskGroup(async (tg) => {
    let ran = false;
    tg.startSoon(() => {
      ran = true;
    });
    assert.equal(ran, false);
    await step();
    assert.equal(ran, true);
  });
}

describe("checkpoint", () => {
  describe("checkpoint()", () => {
    test("returns normally when not cancelled", async () => {
      for (let i = 0; i < 10; i++) await checkpoint();
      await new CancelScope().run(() => checkpoint());
    });

    test("raises Cancelled inside a cancelled scope, every time", async () => {
      const scope = new CancelScope();
      let raised = 0;
      await scope.run(async () => {
        scope.cancel("halt");
        for (let i = 0; i < 3; i++) {
          const err = await thrownBy(() => checkpoint());
          assert.ok(isCancelled(err));
          assert.equal(err.reason, "halt");
          raised++;
        }
      });
      assert.equal(raised, 3);
    });

    test("yields to other tasks", async () => {
      await assertYieldsToOtherTasks(() => checkpoint());
    });

    test("tasks looping on checkpoint() take turns", async () => {
      const log: string[] = [];
      await withTaskGroup(async (tg) => {
        for (const name of ["a", "b"]) {
          tg.startSoon(async () => {
            for (let i = 0; i < 5; i++) {
              log.push(name);
              await checkpoint();
            }
          });
        }
      });
      assert.equal(log.length, 10);
      // b ran before a finished: neither loop ran to completion without yielding.
      assert.ok(log.indexOf("b") < log.lastIndexOf("a"), log.join(""));
      assert.ok(log.indexOf("a") < log.lastIndexOf("b"), log.join(""));
    });

    test("raises when the scope is cancelled by another task while it yields", async () => {
      const scope = new CancelScope();
      let err: unknown;
      await withTaskGroup(async (tg) => {
        tg.startSoon(() => scope.cancel("from another task"));
        await scope.run(async () => {
          try {
            // The other task runs during this checkpoint.
            await checkpoint();
          } catch (e) {
            err = e;
            throw e;
          }
        });
      });
      assert.ok(isCancelled(err));
      assert.equal(scope.cancelledCaught, true);
    });

    test("works outside run()", async () => {
      await checkpoint();
      await checkpointIfCancelled();
      await cancelShieldedCheckpoint();
    }, { outsideRun: true });
  });

  describe("checkpointIfCancelled()", () => {
    test("raises Cancelled inside a cancelled scope", async () => {
      const scope = new CancelScope();
      await scope.run(async () => {
        await checkpointIfCancelled();
        scope.cancel("now");
        const err = await thrownBy(() => checkpointIfCancelled());
        assert.ok(isCancelled(err));
        assert.equal(err.reason, "now");
        throw err;
      });
      assert.equal(scope.cancelledCaught, true);
    });

    test("never yields: a deadline cannot expire during a loop of them", async () => {
      let spins = 0;
      let cancelledDuringSpin = false;
      const scope = new CancelScope();
      await scope.run(async () => {
        // Set here, not at construction, so no macrotask can pass before the spin starts.
        scope.deadline = currentTime() + 1;
        const until = scope.deadline + 2;
        // Only microtasks run here, so the deadline's timer cannot fire.
        do {
          await checkpointIfCancelled();
          spins++;
        } while (currentTime() < until);
        cancelledDuringSpin = scope.cancelCalled;
        for (let i = 0; i < MAX_SPINS; i++) await checkpoint();
      });
      assert.ok(spins > 0);
      assert.equal(cancelledDuringSpin, false);
      assert.equal(scope.cancelledCaught, true);
    });
  });

  describe("cancelShieldedCheckpoint()", () => {
    test("never raises, even in a cancelled scope", async () => {
      const scope = new CancelScope();
      let passed = 0;
      await scope.run(async () => {
        scope.cancel();
        for (let i = 0; i < 3; i++) {
          await cancelShieldedCheckpoint();
          passed++;
        }
        await checkpoint();
      });
      assert.equal(passed, 3);
      assert.equal(scope.cancelledCaught, true);
    });

    test("yields to other tasks", async () => {
      await assertYieldsToOtherTasks(() => cancelShieldedCheckpoint());
    });
  });

  describe("fairness", () => {
    test("a busy loop of checkpoint() does not starve another task's timer", async () => {
      await assertBusyLoopLetsTimerFire(() => checkpoint(), "checkpoints");
    });

    test("a busy loop of cancelShieldedCheckpoint() does not starve another task's timer", async () => {
      await assertBusyLoopLetsTimerFire(() => cancelShieldedCheckpoint(), "checkpoints");
    });

    test("a busy loop of checkpoint() is ended by its scope's deadline", async () => {
      let spins = 0;
      const result = await moveOnAfter(Infinity, async (scope) => {
        while (spins < MAX_SPINS) {
          await checkpoint();
          spins++;
          // Set once the loop runs: a deadline set before could expire during a long GC
          // pause before the first checkpoint, and then the loop would never have run.
          if (spins === 1) scope.deadline = currentTime() + 2;
        }
        return "the deadline never fired";
      });
      assert.equal(result, undefined);
      assert.ok(spins > 0);
    });

    test("two busy tasks do not starve a third task's timer", async () => {
      let done = false;
      const doneInLoop: boolean[] = [];
      await withTaskGroup(async (tg) => {
        for (let i = 0; i < 2; i++) {
          tg.startSoon(async () => {
            for (let spins = 0; !done && spins < MAX_SPINS; spins++) await checkpoint();
            doneInLoop.push(done);
          });
        }
        tg.startSoon(async () => {
          await sleep(3);
          done = true;
        });
      });
      assert.deepEqual(doneInLoop, [true, true]);
    });
  });
});
