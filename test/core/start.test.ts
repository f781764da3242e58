/**
 * Behaviour of TaskGroup.start(): the child runs under the caller until it calls
 * taskStatus.started(value), then moves into the group.
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { makeEvent, thrownBy } from "../harness/helpers.ts";
import {
  CancelScope,
  checkpoint,
  ExceptionGroup,
  getCurrentTask,
  isCancelled,
  sleepForever,
  type TaskGroup,
  type TaskStatus,
  withTaskGroup,
} from "../../src/index.ts";

describe("core/start", () => {
  describe("value and arguments", () => {
    test("returns the value passed to started()", async () => {
      const value = { port: 8080 };
      await withTaskGroup(async (tg) => {
        const got = await tg.start(async (status: TaskStatus<{ port: number }>) => {
          status.started(value);
        });
        assert.equal(got, value);
      });
    });

    test("passes the extra arguments after the task status", async () => {
      let seen: unknown[] = [];
      await withTaskGroup(async (tg) => {
        const got = await tg.start(async (status: TaskStatus<number>, a: number, b: string) => {
          seen = [a, b];
          status.started(a * 2);
        }, 21, "x");
        assert.equal(got, 42);
      });
      assert.deepEqual(seen, [21, "x"]);
    });

    test("started() without a value makes start() return undefined", async () => {
      await withTaskGroup(async (tg) => {
        const got = await tg.start(async (status: TaskStatus) => {
          status.started();
        });
        assert.equal(got, undefined);
      });
    });

    test("start() waits for started(), and the task goes on in the group afterwards", async () => {
      const log: string[] = [];
      await withTaskGroup(async (tg) => {
        await tg.start(async (status: TaskStatus) => {
          for (let i = 0; i < 5; i++) await checkpoint();
          log.push("ready");
          status.started();
          for (let i = 0; i < 5; i++) await checkpoint();
          log.push("task done");
        });
        log.push("start returned");
      });
      log.push("group left");
      assert.deepEqual(log, ["ready", "start returned", "task done", "group left"]);
    });

    test("start() throws a TypeError when given something that is not a function", async () => {
      await withTaskGroup(async (tg) => {
        await assert.rejects(() => tg.start("nope" as unknown as () => void), TypeError);
      });
    });

    test("start() on a group that has been left is an error", async () => {
      let saved: TaskGroup | undefined;
      await withTaskGroup((tg) => {
        saved = tg;
      });
      let ran = false;
      const err = await thrownBy(() =>
        saved!.start(async (status: TaskStatus) => {
          ran = true;
          status.started();
        })
      );
      assert.ok(err instanceof Error);
      assert.ok(!isCancelled(err));
      await checkpoint();
      assert.equal(ran, false);
    });
  });

  describe("before started()", () => {
    test("cancelling the caller's scope cancels the child", async () => {
      const childWaiting = makeEvent();
      let childCancelled = false;
      let startError: unknown;
      let saved: TaskGroup | undefined;
      await withTaskGroup(async (tg) => {
        saved = tg;
        const callerScope = new CancelScope();
        tg.startSoon(async function canceller() {
          await childWaiting.wait();
          callerScope.cancel("caller gave up");
        });
        await callerScope.run(async () => {
          try {
            await tg.start(async () => {
              childWaiting.set();
              try {
                await sleepForever();
              } catch (e) {
                childCancelled = isCancelled(e);
                throw e;
              }
            });
          } catch (e) {
            startError = e;
            throw e;
          }
        });
        assert.equal(callerScope.cancelledCaught, true);
      });
      assert.equal(childCancelled, true);
      assert.ok(isCancelled(startError), `expected Cancelled, got ${String(startError)}`);
      assert.equal(saved!.cancelScope.cancelCalled, false);
    });

    test("the group's cancellation does not reach the child yet", async () => {
      const log: string[] = [];
      const groupCancelled = makeEvent();
      await withTaskGroup(async (tg) => {
        tg.startSoon(async function canceller() {
          await checkpoint();
          tg.cancel("group stops");
          groupCancelled.set();
        });
        // The caller is shielded from the group, so only the group's own
        // cancellation could reach the child, and it must not before started().
        await new CancelScope({ shield: true }).run(async () => {
          const got = await tg.start(async (status: TaskStatus<string>) => {
            await groupCancelled.wait();
            await checkpoint();
            log.push("checkpoint passed before started()");
            status.started("ready");
            try {
              await checkpoint();
              log.push("not cancelled after started()");
            } catch (e) {
              if (isCancelled(e)) log.push(`cancelled after started(): ${e.reason}`);
              throw e;
            }
          });
          log.push(`start returned ${got}`);
        });
      });
      assert.ok(log.includes("checkpoint passed before started()"), log.join("; "));
      assert.ok(log.includes("start returned ready"), log.join("; "));
      assert.ok(log.includes("cancelled after started(): group stops"), log.join("; "));
    });

    test("an error before started() goes to the caller and not into the group", async () => {
      const early = new Error("failed to start");
      let siblingDone = false;
      let caught: unknown;
      let saved: TaskGroup | undefined;
      await withTaskGroup(async (tg) => {
        saved = tg;
        tg.startSoon(async () => {
          for (let i = 0; i < 5; i++) await checkpoint();
          siblingDone = true;
        });
        try {
          await tg.start(async () => {
            await checkpoint();
            throw early;
          });
        } catch (e) {
          caught = e;
        }
      });
      assert.equal(caught, early);
      assert.equal(siblingDone, true);
      assert.equal(saved!.cancelScope.cancelCalled, false);
    });

    test("an uncaught error before started() reaches the group only once, through the caller", async () => {
      const early = new Error("failed to start");
      const err = await thrownBy(() =>
        withTaskGroup(async (tg) => {
          await tg.start(async () => {
            throw early;
          });
        })
      );
      assert.ok(err instanceof ExceptionGroup);
      assert.deepEqual([...err.errors], [early]);
    });

    test("returning without calling started() rejects start() with an Error", async () => {
      let saved: TaskGroup | undefined;
      await withTaskGroup(async (tg) => {
        saved = tg;
        const err = await thrownBy(() => tg.start(async function lazy() {}));
        assert.ok(err instanceof Error);
        assert.ok(!isCancelled(err));
        assert.ok(!(err instanceof ExceptionGroup));
      });
      assert.equal(saved!.cancelScope.cancelCalled, false);
    });

    test("calling started() after the task has ended throws", async () => {
      let saved: TaskStatus<number> | undefined;
      await withTaskGroup(async (tg) => {
        await assert.rejects(() =>
          tg.start(async (status: TaskStatus<number>) => {
            saved = status;
          })
        );
      });
      assert.throws(() => saved!.started(1), Error);
    });

    test("the group stays open while a start() into it is pending", async () => {
      const log: string[] = [];
      const groupReady = makeEvent();
      const bodyMayReturn = makeEvent();
      const bodyReturned = makeEvent();
      let target: TaskGroup | undefined;
      await withTaskGroup(async (outer) => {
        outer.startSoon(async function owner() {
          await withTaskGroup(async (tg) => {
            target = tg;
            groupReady.set();
            await bodyMayReturn.wait();
            log.push("body returned");
            bodyReturned.set();
          });
          log.push("group left");
        });
        await groupReady.wait();
        // The caller is not in the target group; its start() keeps the group open.
        const value = await target!.start(async (status: TaskStatus<string>) => {
          bodyMayReturn.set();
          await bodyReturned.wait();
          await checkpoint();
          status.started("late start");
          await checkpoint();
          log.push("child done");
        });
        log.push(`start returned ${value}`);
      });
      const at = (entry: string) => {
        const i = log.indexOf(entry);
        assert.ok(i >= 0, `missing "${entry}" in ${JSON.stringify(log)}`);
        return i;
      };
      at("start returned late start");
      assert.ok(at("body returned") < at("group left"), JSON.stringify(log));
      assert.ok(at("child done") < at("group left"), JSON.stringify(log));
    });

    test("the group also waits for a pending start() that then fails before started()", async () => {
      const log: string[] = [];
      const groupReady = makeEvent();
      const bodyMayReturn = makeEvent();
      const bodyReturned = makeEvent();
      const early = new Error("crashed before started()");
      let target: TaskGroup | undefined;
      await withTaskGroup(async (outer) => {
        outer.startSoon(async function owner() {
          await withTaskGroup(async (tg) => {
            target = tg;
            groupReady.set();
            await bodyMayReturn.wait();
            bodyReturned.set();
          });
          log.push("group left");
        });
        await groupReady.wait();
        try {
          await target!.start(async () => {
            bodyMayReturn.set();
            await bodyReturned.wait();
            // Give a group that wrongly closed early every chance to show it.
            for (let i = 0; i < 20; i++) await checkpoint();
            log.push("child failing");
            throw early;
          });
        } catch (e) {
          log.push(e === early ? "caller got the error" : `caller got ${String(e)}`);
        }
      });
      assert.equal(log.length, 3, JSON.stringify(log));
      assert.ok(log.includes("caller got the error"), JSON.stringify(log));
      assert.ok(log.indexOf("child failing") < log.indexOf("group left"), JSON.stringify(log));
    });

    test("a shielded child is not interrupted by the caller's cancellation", async () => {
      const log: string[] = [];
      const release = makeEvent();
      const callerScope = new CancelScope();
      await withTaskGroup(async (tg) => {
        tg.startSoon(async () => {
          await checkpoint();
          callerScope.cancel();
          release.set();
        });
        await callerScope.run(() =>
          tg.start(async () => {
            await new CancelScope({ shield: true }).run(async () => {
              await release.wait();
              log.push("shielded wait finished");
            });
            try {
              await checkpoint();
            } catch (e) {
              if (isCancelled(e)) log.push("cancelled at the next checkpoint");
              throw e;
            }
          })
        );
      });
      assert.deepEqual(log, ["shielded wait finished", "cancelled at the next checkpoint"]);
      assert.equal(callerScope.cancelledCaught, true);
    });

    test("a failure in the caller's group cancels a child started into another group", async () => {
      const failure = new Error("inner child failed");
      let childCompleted = false;
      const err = await thrownBy(() =>
        withTaskGroup(async (outerTg) => {
          await withTaskGroup(async (innerTg) => {
            innerTg.startSoon(async () => {
              await checkpoint();
              throw failure;
            });
            await outerTg.start(async (status: TaskStatus) => {
              await sleepForever();
              childCompleted = true;
              status.started();
            });
          });
        })
      );
      assert.ok(err instanceof ExceptionGroup);
      assert.equal(err.errors.length, 1);
      const inner = err.errors[0];
      assert.ok(inner instanceof ExceptionGroup);
      assert.deepEqual([...inner.errors], [failure]);
      assert.equal(childCompleted, false);
    });

    test("the child's parent is the caller's task until started(), then the group's owner", async () => {
      const ownerId = getCurrentTask().id;
      let starterId: number | undefined;
      let parentBefore: number | null | undefined;
      let parentAfter: number | null | undefined;
      await withTaskGroup((tg) => {
        tg.startSoon(async function starter() {
          starterId = getCurrentTask().id;
          await tg.start(async function subtask(status: TaskStatus) {
            parentBefore = getCurrentTask().parentId;
            status.started();
            parentAfter = getCurrentTask().parentId;
          });
        });
      });
      assert.equal(parentBefore, starterId);
      assert.equal(parentAfter, ownerId);
    });
  });

  describe("after started()", () => {
    test("the group's cancellation reaches the child", async () => {
      let childCancelled = false;
      await withTaskGroup(async (tg) => {
        await tg.start(async (status: TaskStatus) => {
          status.started();
          try {
            await sleepForever();
          } catch (e) {
            childCancelled = isCancelled(e);
            throw e;
          }
        });
        tg.cancel();
      });
      assert.equal(childCancelled, true);
    });

    test("cancelling the caller's scope no longer reaches the child", async () => {
      const release = makeEvent();
      const log: string[] = [];
      await withTaskGroup(async (tg) => {
        const callerScope = new CancelScope();
        await callerScope.run(async () => {
          await tg.start(async (status: TaskStatus) => {
            status.started();
            // Parked here while the caller's scope is cancelled.
            await release.wait();
            await checkpoint();
            log.push("child finished normally");
          });
          callerScope.cancel();
          await checkpoint();
          log.push("unreachable");
        });
        assert.equal(callerScope.cancelledCaught, true);
        release.set();
      });
      assert.deepEqual(log, ["child finished normally"]);
    });

    test("an error after started() goes into the group's ExceptionGroup", async () => {
      const late = new Error("failed after start");
      let got: number | undefined;
      const err = await thrownBy(() =>
        withTaskGroup(async (tg) => {
          got = await tg.start(async (status: TaskStatus<number>) => {
            status.started(2);
            await checkpoint();
            throw late;
          });
          await sleepForever();
        })
      );
      assert.equal(got, 2);
      assert.ok(err instanceof ExceptionGroup);
      assert.deepEqual([...err.errors], [late]);
    });

    test("calling started() twice throws, and the first value is kept", async () => {
      let secondCall: unknown;
      await withTaskGroup(async (tg) => {
        const got = await tg.start(async (status: TaskStatus<string>) => {
          status.started("first");
          try {
            status.started("second");
          } catch (e) {
            secondCall = e;
          }
        });
        assert.equal(got, "first");
      });
      assert.ok(secondCall instanceof Error, "the second started() call must throw");
      assert.ok(!isCancelled(secondCall));
    });
  });

  describe("cancelled caller", () => {
    test("start() in a cancelled scope raises Cancelled and leaves the group alone", async () => {
      let caught: unknown;
      let saved: TaskGroup | undefined;
      await withTaskGroup(async (tg) => {
        saved = tg;
        const scope = new CancelScope();
        await scope.run(async () => {
          scope.cancel();
          try {
            await tg.start(async (status: TaskStatus) => {
              await sleepForever();
              status.started();
            });
          } catch (e) {
            caught = e;
            throw e;
          }
        });
        assert.equal(scope.cancelledCaught, true);
      });
      assert.ok(isCancelled(caught), `expected Cancelled, got ${String(caught)}`);
      assert.equal(saved!.cancelScope.cancelCalled, false);
    });

    test("start() in a cancelled group raises Cancelled", async () => {
      let caught: unknown;
      let reached = false;
      await withTaskGroup(async (tg) => {
        tg.cancel();
        try {
          await tg.start(async (status: TaskStatus) => {
            await sleepForever();
            status.started();
          });
          reached = true;
        } catch (e) {
          caught = e;
          throw e;
        }
      });
      assert.ok(isCancelled(caught), `expected Cancelled, got ${String(caught)}`);
      assert.equal(reached, false);
    });
  });
});
