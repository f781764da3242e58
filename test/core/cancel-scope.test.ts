/**
 * CancelScope: entering, cancelling, absorbing, shielding, deadlines and misuse.
 * Behaviour follows DESIGN.md section 2 and AnyIO's cancel-scope tests.
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { deferred, makeSleeper, thrownBy, throwsOrRejects } from "../harness/helpers.ts";
import {
  CancelScope,
  Cancelled,
  cancelShieldedCheckpoint,
  checkpoint,
  currentTime,
  getCancelledErrorClass,
  isCancelled,
  sleep,
  sleepForever,
  withTaskGroup,
} from "../../src/index.ts";

describe("CancelScope", () => {
  describe("run", () => {
    test("returns the body's result and passes the scope to the body", async () => {
      const scope = new CancelScope();
      let seen: CancelScope | undefined;
      const result = await scope.run(async (s) => {
        seen = s;
        await checkpoint();
        return 42;
      });
      assert.equal(result, 42);
      assert.equal(seen, scope);
      assert.equal(scope.cancelCalled, false);
      assert.equal(scope.cancelledCaught, false);
      assert.equal(scope.cancelReason, undefined);
    });

    test("accepts a synchronous body and returns its value", async () => {
      const result = await new CancelScope().run(() => "sync");
      assert.equal(result, "sync");
    });

    test("lets a non-cancellation error out, even from a cancelled scope", async () => {
      const scope = new CancelScope();
      const boom = new Error("boom");
      const err = await thrownBy(() =>
        scope.run(async () => {
          scope.cancel();
          throw boom;
        })
      );
      assert.equal(err, boom);
      assert.equal(scope.cancelCalled, true);
      assert.equal(scope.cancelledCaught, false);
    });

    test("defaults: no deadline, no shield", () => {
      const scope = new CancelScope();
      assert.equal(scope.deadline, Infinity);
      assert.equal(scope.shield, false);
      const other = new CancelScope({ deadline: 123, shield: true });
      assert.equal(other.deadline, 123);
      assert.equal(other.shield, true);
    });
  });

  describe("cancel", () => {
    test("cancel() before entering cancels at the first checkpoint and is absorbed", async () => {
      const scope = new CancelScope();
      scope.cancel();
      assert.equal(scope.cancelCalled, true);
      let reached = false;
      const result = await scope.run(async () => {
        await sleepForever();
        reached = true;
        return "never";
      });
      assert.equal(result, undefined);
      assert.equal(reached, false);
      assert.equal(scope.cancelledCaught, true);
    });

    test("cancel() inside the body raises at the next checkpoint and the scope absorbs it", async () => {
      const scope = new CancelScope();
      const steps: string[] = [];
      const result = await scope.run(async () => {
        steps.push("before");
        scope.cancel();
        await checkpoint();
        steps.push("after");
        return 1;
      });
      assert.equal(result, undefined);
      assert.deepEqual(steps, ["before"]);
      assert.equal(scope.cancelCalled, true);
      assert.equal(scope.cancelledCaught, true);
      // The absorbed cancellation does not leak out: checkpoints here do not raise.
      await checkpoint();
      await sleep(0);
    });

    test("cancel() after exit does nothing to code outside and does not throw", async () => {
      const scope = new CancelScope();
      const result = await scope.run(async () => {
        await checkpoint();
        return "done";
      });
      assert.equal(result, "done");
      scope.cancel("late");
      assert.equal(scope.cancelCalled, true);
      assert.equal(scope.cancelledCaught, false);
      await checkpoint();
      await sleep(1);
    });

    test("a cancelled body that reaches no checkpoint completes; cancelledCaught stays false", async () => {
      const scope = new CancelScope();
      const result = await scope.run(() => {
        scope.cancel();
        return "finished";
      });
      assert.equal(result, "finished");
      assert.equal(scope.cancelCalled, true);
      assert.equal(scope.cancelledCaught, false);
    });

    test("cancelReason keeps the first reason; a second cancel() does nothing", async () => {
      const scope = new CancelScope();
      assert.equal(scope.cancelReason, undefined);
      await scope.run(async () => {
        scope.cancel("first");
        scope.cancel("second");
        const err = await thrownBy(() => checkpoint());
        assert.ok(isCancelled(err));
        assert.equal(err.reason, "first");
        assert.match(err.message, /first/);
        throw err;
      });
      assert.equal(scope.cancelReason, "first");
      assert.equal(scope.cancelledCaught, true);
    });

    test("cancel() without a reason leaves cancelReason undefined", async () => {
      const scope = new CancelScope();
      await scope.run(async () => {
        scope.cancel();
        await checkpoint();
      });
      assert.equal(scope.cancelCalled, true);
      assert.equal(scope.cancelReason, undefined);
      assert.equal(scope.cancelledCaught, true);
    });

    test("cancelling a scope from another task wakes the task parked in sleepForever", async () => {
      const scope = new CancelScope();
      const sleeper = makeSleeper();
      await withTaskGroup(async (tg) => {
        tg.startSoon(async () => {
          await scope.run(sleeper.body);
        });
        await sleeper.parked;
        scope.cancel("wake up");
      });
      assert.ok(isCancelled(sleeper.wokeWith));
      assert.equal(sleeper.wokeWith.reason, "wake up");
      assert.equal(scope.cancelledCaught, true);
    });

    test("cancellation is delivered only at checkpoints", async () => {
      const scope = new CancelScope();
      const steps: string[] = [];
      await scope.run(async () => {
        scope.cancel();
        steps.push("sync code after cancel()");
        await Promise.resolve();
        steps.push("after awaiting a plain promise");
        await new Promise<void>((resolve) => queueMicrotask(resolve));
        steps.push("after a microtask");
        await checkpoint();
        steps.push("after a checkpoint");
      });
      assert.deepEqual(steps, [
        "sync code after cancel()",
        "after awaiting a plain promise",
        "after a microtask",
      ]);
      assert.equal(scope.cancelledCaught, true);
    });
  });

  describe("level-triggered cancellation", () => {
    test("a swallowed Cancelled is raised again at the next checkpoint", async () => {
      const scope = new CancelScope();
      let swallowed = 0;
      await scope.run(async () => {
        scope.cancel();
        try {
          await checkpoint();
        } catch (err) {
          assert.ok(isCancelled(err));
          swallowed++;
        }
        try {
          await sleepForever();
        } catch (err) {
          assert.ok(isCancelled(err));
          swallowed++;
        }
        await sleep(60_000);
        assert.fail("the third checkpoint must raise too");
      });
      assert.equal(swallowed, 2);
      assert.equal(scope.cancelledCaught, true);
    });

    test("a task that swallows Cancelled cannot hang its group", async () => {
      let swallowed = false;
      const parked = deferred();
      await withTaskGroup(async (tg) => {
        tg.startSoon(async () => {
          try {
            parked.resolve();
            await sleepForever();
          } catch {
            swallowed = true; // swallowed on purpose
          }
          await sleepForever(); // raises again at once
          assert.fail("unreachable");
        });
        await parked.promise;
        tg.cancel();
      });
      assert.equal(swallowed, true);
    });
  });

  describe("nesting", () => {
    test("a scope absorbs only its own cancellation", async () => {
      const outer = new CancelScope();
      const inner = new CancelScope();
      let afterInner = false;
      await outer.run(async () => {
        await inner.run(async () => {
          outer.cancel();
          await checkpoint();
        });
        afterInner = true;
      });
      assert.equal(afterInner, false);
      assert.equal(inner.cancelCalled, false);
      assert.equal(inner.cancelledCaught, false);
      assert.equal(outer.cancelledCaught, true);
    });

    test("cancelling an inner scope leaves the outer one running", async () => {
      const outer = new CancelScope();
      const inner = new CancelScope();
      const result = await outer.run(async () => {
        const innerResult = await inner.run(async () => {
          inner.cancel();
          await sleepForever();
        });
        assert.equal(innerResult, undefined);
        await checkpoint();
        await sleep(1);
        return "outer finished";
      });
      assert.equal(result, "outer finished");
      assert.equal(inner.cancelledCaught, true);
      assert.equal(outer.cancelCalled, false);
      assert.equal(outer.cancelledCaught, false);
    });

    test("an inner cancelled scope does not absorb when an outer visible scope is cancelled too", async () => {
      const outer = new CancelScope();
      const inner = new CancelScope();
      let afterInner = false;
      await outer.run(async () => {
        await inner.run(async () => {
          inner.cancel();
          try {
            await checkpoint();
          } finally {
            outer.cancel();
          }
        });
        afterInner = true;
      });
      assert.equal(afterInner, false);
      assert.equal(inner.cancelCalled, true);
      assert.equal(inner.cancelledCaught, false);
      assert.equal(outer.cancelledCaught, true);
    });

    test("cancelling an outer scope wakes a task parked in an inner scope at once", async () => {
      const outer = new CancelScope();
      const inner = new CancelScope();
      const sleeper = makeSleeper();
      await withTaskGroup(async (tg) => {
        tg.startSoon(() => outer.run(() => inner.run(sleeper.body)));
        await sleeper.parked;
        outer.cancel("from outside");
      });
      assert.ok(isCancelled(sleeper.wokeWith));
      assert.equal(sleeper.wokeWith.reason, "from outside");
      assert.equal(inner.cancelledCaught, false);
      assert.equal(outer.cancelledCaught, true);
    });

    test("both scopes cancelled before the checkpoint: the outer one absorbs", async () => {
      const outer = new CancelScope();
      const inner = new CancelScope();
      await outer.run(async () => {
        outer.cancel();
        await inner.run(async () => {
          inner.cancel();
          await sleepForever();
        });
        assert.fail("the inner scope must not absorb the cancellation");
      });
      assert.equal(inner.cancelledCaught, false);
      assert.equal(outer.cancelledCaught, true);
    });

    test("cancelling the middle of three nested scopes is absorbed by the middle one", async () => {
      const outer = new CancelScope();
      const middle = new CancelScope();
      const inner = new CancelScope();
      const steps: string[] = [];
      await outer.run(async () => {
        await middle.run(async () => {
          await inner.run(async () => {
            middle.cancel("middle");
            const err = await thrownBy(() => sleepForever());
            assert.ok(isCancelled(err));
            assert.equal(err.reason, "middle");
            throw err;
          });
          steps.push("after inner");
        });
        steps.push("after middle");
        await checkpoint();
      });
      assert.deepEqual(steps, ["after middle"]);
      assert.equal(inner.cancelledCaught, false);
      assert.equal(middle.cancelledCaught, true);
      assert.equal(outer.cancelCalled, false);
    });

    test("the Cancelled raised inside a nested scope carries the cancelled outer scope's reason", async () => {
      const outer = new CancelScope();
      await outer.run(async () => {
        await new CancelScope().run(async () => {
          outer.cancel("outer reason");
          const err = await thrownBy(() => checkpoint());
          assert.ok(isCancelled(err));
          assert.equal(err.reason, "outer reason");
          throw err;
        });
      });
      assert.equal(outer.cancelledCaught, true);
    });
  });

  describe("shield", () => {
    test("a shield keeps an outer cancellation out, and it applies again after the shield", async () => {
      const outer = new CancelScope();
      const shielded = new CancelScope({ shield: true });
      const steps: string[] = [];
      await outer.run(async () => {
        await shielded.run(async () => {
          outer.cancel();
          await checkpoint();
          await sleep(1);
          steps.push("shielded work done");
        });
        steps.push("after the shield");
        await checkpoint();
        steps.push("unreachable");
      });
      assert.deepEqual(steps, ["shielded work done", "after the shield"]);
      assert.equal(shielded.cancelCalled, false);
      assert.equal(outer.cancelledCaught, true);
    });

    test("a shielded sleep survives a task group being cancelled by another task", async () => {
      const shielded = new CancelScope({ shield: true });
      let completed = false;
      let afterShield = false;
      const parked = deferred();
      let tgScope: CancelScope | undefined;
      await withTaskGroup(async (tg) => {
        tgScope = tg.cancelScope;
        tg.startSoon(async () => {
          await parked.promise;
          tg.cancel();
        });
        await shielded.run(async () => {
          parked.resolve();
          await sleep(3);
          completed = true;
        });
        afterShield = true;
        await sleepForever();
      });
      assert.equal(completed, true);
      assert.equal(afterShield, true);
      assert.equal(shielded.cancelCalled, false);
      assert.equal(tgScope!.cancelCalled, true);
    });

    test("a shield does not block the scope's own cancellation", async () => {
      const shielded = new CancelScope({ shield: true });
      const result = await shielded.run(async () => {
        shielded.cancel();
        await checkpoint();
        return "unreachable";
      });
      assert.equal(result, undefined);
      assert.equal(shielded.cancelledCaught, true);
    });

    test("a cancelled shielded scope absorbs its own cancellation even when the outer one is cancelled", async () => {
      const outer = new CancelScope();
      const shielded = new CancelScope({ shield: true });
      let between = false;
      await outer.run(async () => {
        await shielded.run(async () => {
          shielded.cancel();
          try {
            await checkpoint();
          } finally {
            outer.cancel();
          }
        });
        between = true;
        await checkpoint();
      });
      assert.equal(between, true);
      assert.equal(shielded.cancelledCaught, true);
      assert.equal(outer.cancelledCaught, true);
    });

    test("setting shield while active keeps an outer cancellation out", async () => {
      const outer = new CancelScope();
      const inner = new CancelScope();
      let done = false;
      await outer.run(async () => {
        await inner.run(async () => {
          outer.cancel();
          inner.shield = true;
          await checkpoint();
          await sleep(1);
          done = true;
        });
      });
      assert.equal(done, true);
    });

    test("removing the shield while active lets the outer cancellation in at the next checkpoint", async () => {
      const outer = new CancelScope();
      const inner = new CancelScope({ shield: true });
      const steps: string[] = [];
      await outer.run(async () => {
        await inner.run(async () => {
          outer.cancel();
          await checkpoint();
          steps.push("shielded");
          inner.shield = false;
          assert.equal(inner.shield, false);
          await checkpoint();
          steps.push("unreachable");
        });
      });
      assert.deepEqual(steps, ["shielded"]);
      assert.equal(inner.cancelledCaught, false);
      assert.equal(outer.cancelledCaught, true);
    });

    test("removing the shield wakes a task parked inside it when the outer scope is cancelled", async () => {
      const outer = new CancelScope();
      const inner = new CancelScope({ shield: true });
      const sleeper = makeSleeper();
      let stillParked = false;
      await outer.run(async () => {
        await withTaskGroup(async (tg) => {
          tg.startSoon(async () => {
            await inner.run(sleeper.body);
          });
          await sleeper.parked;
          outer.cancel("outer");
          await cancelShieldedCheckpoint();
          await cancelShieldedCheckpoint();
          stillParked = sleeper.wokeWith === undefined;
          inner.shield = false;
        });
      });
      assert.equal(stillParked, true);
      assert.ok(isCancelled(sleeper.wokeWith));
      assert.equal(inner.cancelledCaught, false);
      assert.equal(outer.cancelledCaught, true);
    });

    test("a shield between scopes: a checkpoint in the middle scope still raises", async () => {
      const outer = new CancelScope();
      const middle = new CancelScope();
      let gotPast = false;
      await outer.run(async () => {
        await middle.run(async () => {
          await new CancelScope({ shield: true }).run(async () => {
            outer.cancel();
            await checkpoint();
          });
          await checkpoint();
          gotPast = true;
        });
      });
      assert.equal(gotPast, false);
      assert.equal(middle.cancelledCaught, false);
      assert.equal(outer.cancelledCaught, true);
    });
  });

  describe("deadline", () => {
    test("a deadline option cancels the scope when it passes, with a reason naming the deadline", async () => {
      const scope = new CancelScope({ deadline: currentTime() + 3 });
      let seen: unknown;
      await scope.run(async () => {
        try {
          await sleepForever();
        } catch (err) {
          seen = err;
          throw err;
        }
      });
      assert.ok(isCancelled(seen));
      assert.match(seen.message, /deadline/);
      assert.equal(scope.cancelCalled, true);
      assert.equal(scope.cancelledCaught, true);
      assert.match(scope.cancelReason ?? "", /deadline/);
    });

    test("setting a past deadline while active cancels at once and wakes the parked task", async () => {
      const scope = new CancelScope();
      const parked = deferred();
      let cancelCalledAtOnce = false;
      await withTaskGroup(async (tg) => {
        tg.startSoon(async () => {
          await scope.run(async () => {
            parked.resolve();
            await sleepForever();
          });
        });
        await parked.promise;
        scope.deadline = currentTime() - 1;
        cancelCalledAtOnce = scope.cancelCalled;
      });
      assert.equal(cancelCalledAtOnce, true);
      assert.equal(scope.cancelledCaught, true);
    });

    test("setting an earlier finite deadline while active cancels when it passes", async () => {
      const scope = new CancelScope();
      await scope.run(async () => {
        scope.deadline = currentTime() + 2;
        await sleepForever();
      });
      assert.equal(scope.cancelledCaught, true);
    });

    test("moving a deadline later keeps the scope running", async () => {
      const scope = new CancelScope();
      const result = await scope.run(async () => {
        scope.deadline = currentTime() + 2;
        scope.deadline = currentTime() + 60_000;
        await sleep(6);
        return "kept running";
      });
      assert.equal(result, "kept running");
      assert.equal(scope.cancelCalled, false);
    });

    test("removing the deadline (Infinity) keeps the scope running", async () => {
      const scope = new CancelScope();
      const result = await scope.run(async () => {
        scope.deadline = currentTime() + 2;
        scope.deadline = Infinity;
        await sleep(5);
        return "no deadline";
      });
      assert.equal(result, "no deadline");
      assert.equal(scope.deadline, Infinity);
      assert.equal(scope.cancelCalled, false);
    });

    test("a deadline already in the past cancels at the first checkpoint, not before", async () => {
      const scope = new CancelScope({ deadline: currentTime() - 10 });
      let beforeCheckpoint = false;
      await scope.run(async () => {
        beforeCheckpoint = true;
        await checkpoint();
        assert.fail("unreachable");
      });
      assert.equal(beforeCheckpoint, true);
      assert.equal(scope.cancelledCaught, true);
    });
  });

  describe("misuse", () => {
    test("entering a scope while it is active is an error", async () => {
      const scope = new CancelScope();
      let innerRan = false;
      await scope.run(async () => {
        await throwsOrRejects(() => scope.run(() => (innerRan = true)), Error);
        // The scope stays usable.
        scope.cancel();
        await checkpoint();
      });
      assert.equal(innerRan, false);
      assert.equal(scope.cancelledCaught, true);
    });

    test("entering a scope again after it exited is an error", async () => {
      const scope = new CancelScope();
      await scope.run(() => undefined);
      let ran = false;
      await throwsOrRejects(() => scope.run(() => (ran = true)), Error);
      assert.equal(ran, false);
    });

    test("a scope entered in one task cannot be entered in another at the same time", async () => {
      const scope = new CancelScope();
      const parked = deferred();
      let error: unknown;
      await withTaskGroup(async (tg) => {
        tg.startSoon(() =>
          scope.run(async () => {
            parked.resolve();
            await sleepForever();
          })
        );
        await parked.promise;
        error = await thrownBy(() => scope.run(() => "second"));
        scope.cancel();
      });
      assert.ok(error instanceof Error);
      assert.ok(!isCancelled(error));
    });

    test("a NaN deadline is a RangeError naming the deadline", () => {
      assert.throws(() => new CancelScope({ deadline: NaN }), (err: unknown) => {
        assert.ok(err instanceof RangeError);
        assert.match(err.message, /deadline/);
        return true;
      });
    });

    test("a non-number deadline is a TypeError", () => {
      assert.throws(() => new CancelScope({ deadline: "10" as unknown as number }), TypeError);
    });

    test("setting deadline to NaN or a non-number while active is rejected and changes nothing", async () => {
      const scope = new CancelScope();
      await scope.run(() => {
        assert.throws(() => (scope.deadline = NaN), RangeError);
        assert.throws(() => (scope.deadline = "soon" as unknown as number), TypeError);
        assert.equal(scope.deadline, Infinity);
      });
      assert.equal(scope.cancelCalled, false);
    });

    test("a non-boolean shield is a TypeError naming shield", async () => {
      assert.throws(() => new CancelScope({ shield: "yes" as unknown as boolean }), (err: unknown) => {
        assert.ok(err instanceof TypeError);
        assert.match(err.message, /shield/);
        return true;
      });
      const scope = new CancelScope();
      assert.throws(() => (scope.shield = 1 as unknown as boolean), TypeError);
      assert.equal(scope.shield, false);
    });

    test("a non-string reason is a TypeError and does not cancel", () => {
      const scope = new CancelScope();
      assert.throws(() => scope.cancel(42 as unknown as string), (err: unknown) => {
        assert.ok(err instanceof TypeError);
        assert.match(err.message, /reason/);
        return true;
      });
      assert.equal(scope.cancelCalled, false);
    });

    test("run() with something that is not a function is a TypeError", async () => {
      await throwsOrRejects(
        () => new CancelScope().run("not a function" as unknown as () => void),
        TypeError,
        /fn/,
      );
    });

    test("options that are not an object are a TypeError", () => {
      assert.throws(() => new CancelScope(null as unknown as object), TypeError);
    });
  });

  describe("Cancelled", () => {
    test("isCancelled and getCancelledErrorClass recognise Cancelled and nothing else", () => {
      const CancelledClass = getCancelledErrorClass();
      assert.equal(CancelledClass, Cancelled);
      const err = new CancelledClass("shutting down");
      assert.ok(err instanceof Error);
      assert.ok(err instanceof Cancelled);
      assert.ok(isCancelled(err));
      assert.equal(err.name, "Cancelled");
      assert.equal(err.reason, "shutting down");
      assert.match(err.message, /shutting down/);
      assert.equal(isCancelled(new Error("cancelled")), false);
      assert.equal(isCancelled(undefined), false);
      assert.equal(isCancelled("Cancelled"), false);
      assert.equal(new Cancelled().reason, undefined);
    });

    test("a checkpoint in a cancelled scope raises an instance of getCancelledErrorClass()", async () => {
      const scope = new CancelScope();
      let err: unknown;
      await scope.run(async () => {
        scope.cancel("because");
        err = await thrownBy(() => checkpoint());
        throw err;
      });
      assert.ok(err instanceof getCancelledErrorClass());
      assert.ok(isCancelled(err));
      assert.equal(err.reason, "because");
      assert.match(err.message, /because/);
    });
  });
});
