/**
 * Timeouts: moveOnAfter, moveOnAt, failAfter, failAt and currentEffectiveDeadline.
 * Behaviour follows DESIGN.md section 2 and AnyIO's timeout tests.
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { thrownBy, throwsOrRejects } from "../harness/helpers.ts";
import {
  CancelScope,
  checkpoint,
  currentEffectiveDeadline,
  currentTime,
  failAfter,
  failAt,
  isCancelled,
  moveOnAfter,
  moveOnAt,
  sleep,
  sleepForever,
  TimeoutError,
  withTaskGroup,
} from "../../src/index.ts";

describe("timeouts", () => {
  describe("moveOnAfter / moveOnAt", () => {
    test("moveOnAfter cuts the body short and returns undefined", async () => {
      let scope: CancelScope | undefined;
      let reached = false;
      const result = await moveOnAfter(3, async (s) => {
        scope = s;
        await sleepForever();
        reached = true;
        return "never";
      });
      assert.equal(result, undefined);
      assert.equal(reached, false);
      assert.equal(scope!.cancelCalled, true);
      assert.equal(scope!.cancelledCaught, true);
    });

    test("moveOnAfter returns the body's value when it finishes in time", async () => {
      let scope: CancelScope | undefined;
      const result = await moveOnAfter(60_000, async (s) => {
        scope = s;
        await sleep(1);
        return "in time";
      });
      assert.equal(result, "in time");
      assert.equal(scope!.cancelCalled, false);
      assert.equal(scope!.cancelledCaught, false);
    });

    test("moveOnAfter gives its scope a deadline ms from now", async () => {
      const before = currentTime();
      await moveOnAfter(60_000, (scope) => {
        assert.ok(scope.deadline >= before + 60_000);
        assert.ok(scope.deadline <= currentTime() + 60_000);
      });
    });

    test("moveOnAt cancels at the given clock value", async () => {
      const deadline = currentTime() + 3;
      let scope: CancelScope | undefined;
      const result = await moveOnAt(deadline, async (s) => {
        scope = s;
        assert.equal(s.deadline, deadline);
        await sleepForever();
      });
      assert.equal(result, undefined);
      assert.ok(currentTime() >= deadline);
      assert.equal(scope!.cancelledCaught, true);
    });

    test("moveOnAt with a deadline in the past cancels at the first checkpoint", async () => {
      const steps: string[] = [];
      const result = await moveOnAt(currentTime() - 5, async () => {
        steps.push("runs until the first checkpoint");
        await checkpoint();
        steps.push("unreachable");
      });
      assert.equal(result, undefined);
      assert.deepEqual(steps, ["runs until the first checkpoint"]);
    });

    test("moveOnAfter(0) and a negative timeout cancel at the first checkpoint", async () => {
      for (const ms of [0, -1, -1000]) {
        let scope: CancelScope | undefined;
        let reached = false;
        await moveOnAfter(ms, async (s) => {
          scope = s;
          await sleep(60_000);
          reached = true;
        });
        assert.equal(reached, false, `ms=${ms}`);
        assert.equal(scope!.cancelledCaught, true, `ms=${ms}`);
      }
    });

    test("an error from the body propagates out of moveOnAfter", async () => {
      const boom = new Error("boom");
      const err = await thrownBy(() =>
        moveOnAfter(60_000, async () => {
          await checkpoint();
          throw boom;
        })
      );
      assert.equal(err, boom);
    });

    test("nested moveOnAfter: the earlier outer deadline cancels both, the outer one absorbs", async () => {
      let outerScope: CancelScope | undefined;
      let innerScope: CancelScope | undefined;
      let innerCompleted = false;
      await moveOnAfter(3, async (outer) => {
        outerScope = outer;
        await moveOnAfter(60_000, async (inner) => {
          innerScope = inner;
          await sleepForever();
        });
        innerCompleted = true;
      });
      assert.equal(innerCompleted, false);
      assert.equal(outerScope!.cancelledCaught, true);
      assert.equal(innerScope!.cancelCalled, false);
      assert.equal(innerScope!.cancelledCaught, false);
    });
  });

  describe("failAfter / failAt", () => {
    test("failAfter raises TimeoutError when the deadline expires; the body sees Cancelled", async () => {
      let scope: CancelScope | undefined;
      let inner: unknown;
      const err = await thrownBy(() =>
        failAfter(3, async (s) => {
          scope = s;
          try {
            await sleepForever();
          } catch (e) {
            inner = e;
            throw e;
          }
        })
      );
      assert.ok(err instanceof TimeoutError);
      assert.ok(!isCancelled(err));
      assert.ok(isCancelled(inner));
      assert.match(inner.message, /deadline/);
      assert.equal(scope!.cancelCalled, true);
      assert.equal(scope!.cancelledCaught, true);
    });

    test("failAt raises TimeoutError when its deadline passes", async () => {
      const deadline = currentTime() + 3;
      const err = await thrownBy(() => failAt(deadline, () => sleepForever()));
      assert.ok(err instanceof TimeoutError);
      assert.ok(currentTime() >= deadline);
    });

    test("failAfter(0) and failAt(past) raise TimeoutError at the first checkpoint", async () => {
      let reached = false;
      assert.ok(
        await thrownBy(() =>
          failAfter(0, async () => {
            await checkpoint();
            reached = true;
          })
        ) instanceof TimeoutError,
      );
      assert.ok(
        await thrownBy(() =>
          failAt(currentTime() - 1, async () => {
            await sleep(60_000);
            reached = true;
          })
        ) instanceof TimeoutError,
      );
      assert.equal(reached, false);
    });

    test("failAfter with a completed body returns its value", async () => {
      let scope: CancelScope | undefined;
      const value = await failAfter(60_000, async (s) => {
        scope = s;
        await sleep(1);
        return { answer: 42 };
      });
      assert.deepEqual(value, { answer: 42 });
      assert.equal(scope!.cancelCalled, false);
      const atValue = await failAt(currentTime() + 60_000, () => "sync value");
      assert.equal(atValue, "sync value");
    });

    test("an explicit cancel inside failAfter returns normally, without TimeoutError", async () => {
      let scope: CancelScope | undefined;
      const result = await failAfter(60_000, async (s) => {
        scope = s;
        s.cancel("not a timeout");
        await checkpoint();
        return "unreachable";
      });
      assert.equal(result, undefined);
      assert.equal(scope!.cancelledCaught, true);
      assert.equal(scope!.cancelReason, "not a timeout");
    });

    test("an explicit cancel inside failAt returns normally, without TimeoutError", async () => {
      const result = await failAt(currentTime() + 60_000, async (s) => {
        s.cancel();
        await sleepForever();
      });
      assert.equal(result, undefined);
    });

    test("a nested inner scope's timeout does not make the outer failAfter raise", async () => {
      let innerScope: CancelScope | undefined;
      const result = await failAfter(60_000, async () => {
        await moveOnAfter(2, async (s) => {
          innerScope = s;
          await sleepForever();
        });
        await checkpoint();
        return "outer done";
      });
      assert.equal(result, "outer done");
      assert.equal(innerScope!.cancelledCaught, true);
    });

    test("an outer cancellation through failAfter is Cancelled, not TimeoutError", async () => {
      const outer = new CancelScope();
      let seen: unknown;
      await outer.run(async () => {
        try {
          await failAfter(60_000, async () => {
            outer.cancel("outer");
            await sleepForever();
          });
        } catch (err) {
          seen = err;
          throw err;
        }
      });
      assert.ok(isCancelled(seen));
      assert.ok(!(seen instanceof TimeoutError));
      assert.equal(outer.cancelledCaught, true);
    });

    test("failAfter raises TimeoutError when its deadline cancels a task group inside it", async () => {
      const err = await thrownBy(() =>
        failAfter(3, () =>
          withTaskGroup(async (tg) => {
            tg.startSoon(sleepForever);
            await sleepForever();
          }))
      );
      assert.ok(err instanceof TimeoutError);
    });

    test("a body that swallows the timeout's Cancelled and returns gets no TimeoutError", async () => {
      const result = await failAfter(2, async () => {
        try {
          await sleepForever();
        } catch (err) {
          assert.ok(isCancelled(err));
        }
        return "swallowed";
      });
      assert.equal(result, "swallowed");
    });

    test("TimeoutError is an Error and not a cancellation", () => {
      const err = new TimeoutError();
      assert.ok(err instanceof Error);
      assert.equal(err.name, "TimeoutError");
      assert.equal(isCancelled(err), false);
    });
  });

  describe("outside run()", () => {
    test("moveOnAfter and failAfter work in the implicit root", async () => {
      assert.equal(await moveOnAfter(2, () => sleepForever()), undefined);
      assert.ok(await thrownBy(() => failAfter(2, () => sleepForever())) instanceof TimeoutError);
      assert.equal(await failAfter(60_000, () => "fine"), "fine");
    }, { outsideRun: true });
  });

  describe("shield option", () => {
    test("moveOnAfter with shield keeps an outer cancellation out, but its own deadline applies", async () => {
      const outer = new CancelScope();
      let innerScope: CancelScope | undefined;
      const steps: string[] = [];
      await outer.run(async () => {
        await moveOnAfter(3, async (s) => {
          innerScope = s;
          assert.equal(s.shield, true);
          outer.cancel();
          await checkpoint();
          steps.push("shielded checkpoint passed");
          await sleepForever();
        }, { shield: true });
        steps.push("after the shielded scope");
        await checkpoint();
        steps.push("unreachable");
      });
      assert.deepEqual(steps, ["shielded checkpoint passed", "after the shielded scope"]);
      assert.equal(innerScope!.cancelledCaught, true);
      assert.equal(outer.cancelledCaught, true);
    });

    test("failAfter with shield completes despite an outer cancellation and raises on its own deadline", async () => {
      const outer = new CancelScope();
      let value: unknown;
      let timeout: unknown;
      await outer.run(async () => {
        outer.cancel();
        value = await failAfter(60_000, async () => {
          await sleep(1);
          return "shielded value";
        }, { shield: true });
        timeout = await thrownBy(() => failAfter(2, () => sleepForever(), { shield: true }));
      });
      assert.equal(value, "shielded value");
      assert.ok(timeout instanceof TimeoutError);
      assert.equal(outer.cancelledCaught, false);
    });
  });

  describe("argument checks", () => {
    test("a NaN timeout or deadline is a RangeError", async () => {
      await throwsOrRejects(() => moveOnAfter(NaN, () => undefined), RangeError, /ms/);
      await throwsOrRejects(() => failAfter(NaN, () => undefined), RangeError, /ms/);
      await throwsOrRejects(() => moveOnAt(NaN, () => undefined), RangeError, /deadline/);
      await throwsOrRejects(() => failAt(NaN, () => undefined), RangeError, /deadline/);
    });

    test("a non-number timeout or deadline is a TypeError", async () => {
      const bad = "10" as unknown as number;
      await throwsOrRejects(() => moveOnAfter(bad, () => undefined), TypeError);
      await throwsOrRejects(() => failAfter(bad, () => undefined), TypeError);
      await throwsOrRejects(() => moveOnAt(bad, () => undefined), TypeError);
      await throwsOrRejects(() => failAt(bad, () => undefined), TypeError);
    });

    test("a timeout beyond the runtime's timer limit (2^31 ms) does not fire early", async () => {
      let scope: CancelScope | undefined;
      const result = await moveOnAfter(2 ** 40, async (s) => {
        scope = s;
        await sleep(5);
        return "still running";
      });
      assert.equal(result, "still running");
      assert.equal(scope!.cancelCalled, false);
      assert.equal(await failAfter(2 ** 33, () => sleep(3).then(() => "ok")), "ok");
    });

    test("a body that is not a function, or a bad shield option, is a TypeError", async () => {
      const notFn = 42 as unknown as () => void;
      await throwsOrRejects(() => moveOnAfter(10, notFn), TypeError);
      await throwsOrRejects(() => moveOnAt(currentTime() + 10, notFn), TypeError);
      await throwsOrRejects(() => failAfter(10, notFn), TypeError);
      await throwsOrRejects(() => failAt(currentTime() + 10, notFn), TypeError);
      const badShield = { shield: "yes" as unknown as boolean };
      await throwsOrRejects(() => moveOnAfter(10, () => undefined, badShield), TypeError, /shield/);
      await throwsOrRejects(() => failAfter(10, () => undefined, badShield), TypeError, /shield/);
    });

    test("an Infinity timeout means no deadline", async () => {
      const result = await moveOnAfter(Infinity, (scope) => {
        assert.equal(scope.deadline, Infinity);
        return "ok";
      });
      assert.equal(result, "ok");
      assert.equal(await failAfter(Infinity, () => 1), 1);
    });
  });

  describe("currentEffectiveDeadline", () => {
    test("is Infinity with no deadline in effect", async () => {
      assert.equal(currentEffectiveDeadline(), Infinity);
      await new CancelScope().run(() => {
        assert.equal(currentEffectiveDeadline(), Infinity);
      });
    });

    test("is the nearest deadline of the enclosing scopes", async () => {
      const near = currentTime() + 30_000;
      const far = currentTime() + 60_000;
      await moveOnAt(far, async () => {
        assert.equal(currentEffectiveDeadline(), far);
        await moveOnAt(near, async () => {
          assert.equal(currentEffectiveDeadline(), near);
          await new CancelScope().run(() => {
            assert.equal(currentEffectiveDeadline(), near);
          });
        });
        await moveOnAt(far + 1000, () => {
          assert.equal(currentEffectiveDeadline(), far);
        });
        assert.equal(currentEffectiveDeadline(), far);
      });
    });

    test("a task in a task group sees the deadline of the scope around the group", async () => {
      const deadline = currentTime() + 60_000;
      let seen: number | undefined;
      await moveOnAt(deadline, () =>
        withTaskGroup((tg) => {
          tg.startSoon(() => {
            seen = currentEffectiveDeadline();
          });
        }));
      assert.equal(seen, deadline);
    });

    test("follows a deadline changed while active", async () => {
      const scope = new CancelScope();
      await scope.run(() => {
        const deadline = currentTime() + 60_000;
        scope.deadline = deadline;
        assert.equal(currentEffectiveDeadline(), deadline);
        scope.deadline = Infinity;
        assert.equal(currentEffectiveDeadline(), Infinity);
      });
    });

    test("stops at a shield", async () => {
      const outerDeadline = currentTime() + 30_000;
      await moveOnAt(outerDeadline, async () => {
        await new CancelScope({ shield: true }).run(async () => {
          assert.equal(currentEffectiveDeadline(), Infinity);
          const innerDeadline = currentTime() + 60_000;
          await moveOnAt(innerDeadline, () => {
            assert.equal(currentEffectiveDeadline(), innerDeadline);
          });
        });
      });
    });

    test("is -Infinity when already cancelled, and Infinity again inside a shield", async () => {
      const scope = new CancelScope();
      await scope.run(async () => {
        assert.equal(currentEffectiveDeadline(), Infinity);
        scope.cancel();
        assert.equal(currentEffectiveDeadline(), -Infinity);
        await new CancelScope().run(() => {
          assert.equal(currentEffectiveDeadline(), -Infinity);
        });
        await new CancelScope({ shield: true }).run(() => {
          assert.equal(currentEffectiveDeadline(), Infinity);
        });
        assert.equal(currentEffectiveDeadline(), -Infinity);
        await checkpoint();
      });
      assert.equal(currentEffectiveDeadline(), Infinity);
    });

    test("is -Infinity inside a shielded scope that cancelled itself", async () => {
      const scope = new CancelScope({ shield: true });
      await scope.run(async () => {
        scope.cancel();
        assert.equal(currentEffectiveDeadline(), -Infinity);
        await checkpoint();
      });
      assert.equal(scope.cancelledCaught, true);
    });

    test("is -Infinity once a deadline has expired", async () => {
      await moveOnAfter(2, async () => {
        try {
          await sleepForever();
        } finally {
          assert.equal(currentEffectiveDeadline(), -Infinity);
        }
      });
    });
  });
});
