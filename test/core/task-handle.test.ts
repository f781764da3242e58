/**
 * Behaviour of TaskHandle, the value startSoon() returns: its status, cancelling one task,
 * and waiting for a task's result.
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
  TaskCancelledError,
  type TaskGroup,
  type TaskHandle,
  type TaskInfo,
  withTaskGroup,
} from "../../src/index.ts";

describe("core/task-handle", () => {
  describe("status", () => {
    test("is pending until the task starts, then running", async () => {
      await withTaskGroup(async (tg) => {
        const handle = tg.startSoon(sleepForever);
        assert.equal(handle.status, "pending");
        await checkpoint();
        assert.equal(handle.status, "running");
        handle.cancel();
      });
    });

    test("is running while the task runs, also seen from inside it", async () => {
      let seenInside: string | undefined;
      await withTaskGroup((tg) => {
        const handle: TaskHandle<void> = tg.startSoon(async () => {
          await checkpoint();
          seenInside = handle.status;
        });
      });
      assert.equal(seenInside, "running");
    });

    test("is finished after the task returned", async () => {
      let handle: TaskHandle<number> | undefined;
      await withTaskGroup((tg) => {
        handle = tg.startSoon(async () => {
          await checkpoint();
          return 1;
        });
      });
      assert.equal(handle!.status, "finished");
    });

    test("is failed after the task threw", async () => {
      let handle: TaskHandle<never> | undefined;
      const err = await thrownBy(() =>
        withTaskGroup((tg) => {
          handle = tg.startSoon(async () => {
            await checkpoint();
            throw new Error("broken");
          });
        })
      );
      assert.ok(err instanceof ExceptionGroup);
      assert.equal(handle!.status, "failed");
    });

    test("is cancelled after the task was cancelled, by its handle or by the group", async () => {
      let one: TaskHandle<void> | undefined;
      let other: TaskHandle<void> | undefined;
      await withTaskGroup(async (tg) => {
        one = tg.startSoon(sleepForever);
        other = tg.startSoon(sleepForever);
        await checkpoint();
        one.cancel();
        await checkpoint();
        tg.cancel();
      });
      assert.equal(one!.status, "cancelled");
      assert.equal(other!.status, "cancelled");
    });

    test("id, name and info describe the task", async () => {
      let inside: TaskInfo | undefined;
      await withTaskGroup((tg) => {
        const handle = tg.startSoon(async function worker() {
          inside = getCurrentTask();
        });
        assert.equal(handle.name, "worker");
        assert.equal(handle.info.name, "worker");
        assert.equal(handle.info.id, handle.id);
        tg.startSoon(async () => {
          await checkpoint();
          assert.equal(inside?.id, handle.id);
          assert.equal(inside?.name, "worker");
        });
      });
      assert.ok(inside !== undefined);
    });
  });

  describe("cancel()", () => {
    test("cancels that one task; the siblings and the body go on", async () => {
      const log: string[] = [];
      let saved: TaskGroup | undefined;
      await withTaskGroup(async (tg) => {
        saved = tg;
        const victim = tg.startSoon(async function victim() {
          try {
            await sleepForever();
          } catch (e) {
            if (isCancelled(e)) log.push("victim cancelled");
            throw e;
          }
        });
        tg.startSoon(async function sibling() {
          for (let i = 0; i < 5; i++) await checkpoint();
          log.push("sibling finished");
        });
        await checkpoint();
        victim.cancel();
        for (let i = 0; i < 5; i++) await checkpoint();
        log.push("body finished");
      });
      assert.deepEqual(log.sort(), ["body finished", "sibling finished", "victim cancelled"]);
      assert.equal(saved!.cancelScope.cancelCalled, false);
    });

    test("the cancelled task sees the reason given to cancel(reason)", async () => {
      let reason: string | undefined;
      await withTaskGroup(async (tg) => {
        const handle = tg.startSoon(async () => {
          try {
            await sleepForever();
          } catch (e) {
            if (isCancelled(e)) reason = e.reason;
            throw e;
          }
        });
        await checkpoint();
        handle.cancel("no longer needed");
      });
      assert.equal(reason, "no longer needed");
    });

    test("before the task started, it runs until its first checkpoint and ends cancelled", async () => {
      let marker = 0;
      let handle: TaskHandle<void> | undefined;
      await withTaskGroup((tg) => {
        handle = tg.startSoon(async () => {
          marker = 1;
          await checkpoint();
          marker = 2;
        });
        handle.cancel();
      });
      assert.equal(marker, 1);
      assert.equal(handle!.status, "cancelled");
    });

    test("a task that returns before reaching a checkpoint keeps its value", async () => {
      let handle: TaskHandle<string> | undefined;
      await withTaskGroup((tg) => {
        handle = tg.startSoon(() => "no checkpoint");
        handle.cancel();
      });
      assert.equal(handle!.status, "finished");
      assert.equal(await handle!.result(), "no checkpoint");
    });

    test("an error the task raises while being cancelled goes to the group", async () => {
      const cleanup = new Error("cleanup after cancel()");
      let handle: TaskHandle<void> | undefined;
      const err = await thrownBy(() =>
        withTaskGroup(async (tg) => {
          handle = tg.startSoon(async () => {
            try {
              await sleepForever();
            } catch {
              throw cleanup;
            }
          });
          await checkpoint();
          handle.cancel();
          await sleepForever();
        })
      );
      assert.ok(err instanceof ExceptionGroup);
      assert.deepEqual([...err.errors], [cleanup]);
      assert.equal(handle!.status, "failed");
    });

    test("after the task finished, it changes nothing", async () => {
      await withTaskGroup(async (tg) => {
        const handle = tg.startSoon(async () => "done");
        assert.equal(await handle.result(), "done");
        handle.cancel();
        assert.equal(handle.status, "finished");
        assert.equal(await handle.result(), "done");
        await checkpoint();
      });
    });
  });

  describe("result()", () => {
    test("waits for the task and returns its value", async () => {
      await withTaskGroup(async (tg) => {
        const handle = tg.startSoon(async (n: number) => {
          for (let i = 0; i < 5; i++) await checkpoint();
          return n * 2;
        }, 21);
        assert.equal(await handle.result(), 42);
      });
    });

    test("a plain function's returned promise is awaited as the task's value", async () => {
      await withTaskGroup(async (tg) => {
        const handle = tg.startSoon((n: number) => Promise.resolve(n + 1), 1);
        assert.equal(await handle.result(), 2);
        assert.equal(handle.status, "finished");
      });
    });

    test("can be awaited by several tasks, which all get the value", async () => {
      const value = { v: 1 };
      const got: unknown[] = [];
      await withTaskGroup((tg) => {
        const handle = tg.startSoon(async () => {
          for (let i = 0; i < 3; i++) await checkpoint();
          return value;
        });
        for (let i = 0; i < 3; i++) {
          tg.startSoon(async () => {
            got.push(await handle.result());
          });
        }
      });
      assert.deepEqual(got, [value, value, value]);
      for (const v of got) assert.equal(v, value);
    });

    test("returns the value after the group has ended", async () => {
      let handle: TaskHandle<string> | undefined;
      await withTaskGroup((tg) => {
        handle = tg.startSoon(async () => "kept");
      });
      assert.equal(await handle!.result(), "kept");
    });

    test("rejects with the task's own error", async () => {
      const failure = new RangeError("bad range");
      let handle: TaskHandle<never> | undefined;
      let fromBody: unknown;
      const err = await thrownBy(() =>
        withTaskGroup(async (tg) => {
          handle = tg.startSoon(async () => {
            await checkpoint();
            throw failure;
          });
          try {
            await handle.result();
          } catch (e) {
            fromBody = e;
          }
        })
      );
      assert.equal(fromBody, failure);
      assert.ok(err instanceof ExceptionGroup);
      assert.deepEqual([...err.errors], [failure]);
      await assert.rejects(handle!.result(), (e) => e === failure);
    });

    test("rejects with TaskCancelledError, not Cancelled, for a cancelled task", async () => {
      let caught: unknown;
      await withTaskGroup(async (tg) => {
        const handle = tg.startSoon(async function sleeper() {
          await sleepForever();
        });
        await checkpoint();
        handle.cancel("stop it");
        try {
          await handle.result();
        } catch (e) {
          caught = e;
        }
        // The waiter was not cancelled: it goes on.
        await checkpoint();
      });
      assert.ok(caught instanceof TaskCancelledError, `got ${String(caught)}`);
      assert.ok(caught instanceof Error);
      assert.equal(isCancelled(caught), false);
      assert.equal(caught.reason, "stop it");
      assert.match(caught.message, /sleeper/);
    });

    test("rejects with TaskCancelledError for a task the group's cancellation ended", async () => {
      let handle: TaskHandle<void> | undefined;
      await withTaskGroup(async (tg) => {
        handle = tg.startSoon(sleepForever);
        await checkpoint();
        tg.cancel("group done");
      });
      const err = await thrownBy(() => handle!.result());
      assert.ok(err instanceof TaskCancelledError, `got ${String(err)}`);
      assert.equal(isCancelled(err), false);
      assert.equal(err.reason, "group done");
    });

    test("is a checkpoint: cancelling the waiter's scope interrupts the wait", async () => {
      const release = makeEvent();
      const waiting = makeEvent();
      let caught: unknown;
      await withTaskGroup(async (tg) => {
        const handle = tg.startSoon(async () => {
          await release.wait();
          return "late";
        });
        const scope = new CancelScope();
        tg.startSoon(async function canceller() {
          await waiting.wait();
          await checkpoint();
          scope.cancel();
        });
        await scope.run(async () => {
          waiting.set();
          try {
            await handle.result();
          } catch (e) {
            caught = e;
            throw e;
          }
        });
        assert.equal(scope.cancelledCaught, true);
        // The task itself was not touched by the waiter's cancellation.
        assert.equal(handle.status, "running");
        release.set();
        assert.equal(await handle.result(), "late");
      });
      assert.ok(isCancelled(caught), `expected Cancelled, got ${String(caught)}`);
    });

    test("in an already cancelled scope raises Cancelled while the task is unfinished", async () => {
      let caught: unknown;
      await withTaskGroup(async (tg) => {
        const handle = tg.startSoon(sleepForever);
        await new CancelScope().run(async (scope) => {
          scope.cancel();
          try {
            await handle.result();
          } catch (e) {
            caught = e;
            throw e;
          }
        });
        handle.cancel();
      });
      assert.ok(isCancelled(caught), `expected Cancelled, got ${String(caught)}`);
    });

    test("a result already there is returned even in a cancelled scope (completion wins)", async () => {
      let got: unknown;
      await withTaskGroup(async (tg) => {
        const handle = tg.startSoon(async () => "ready");
        assert.equal(await handle.result(), "ready");
        assert.equal(handle.status, "finished");
        const scope = new CancelScope();
        await scope.run(async () => {
          scope.cancel();
          got = await handle.result();
        });
        assert.equal(scope.cancelledCaught, false);
      });
      assert.equal(got, "ready");
    });

    test("an error or cancellation already there is reported even in a cancelled scope", async () => {
      const failure = new Error("already failed");
      let failedResult: unknown;
      let cancelledResult: unknown;
      const err = await thrownBy(() =>
        withTaskGroup(async (tg) => {
          const cancelled = tg.startSoon(sleepForever);
          await checkpoint();
          cancelled.cancel();
          await checkpoint();
          assert.equal(cancelled.status, "cancelled");
          const failed = tg.startSoon(async () => {
            throw failure;
          });
          // Wait for the failure (shielded: it cancels the group, and so the body).
          await new CancelScope({ shield: true }).run(() => failed.result().catch(() => {}));
          assert.equal(failed.status, "failed");
          assert.ok(tg.cancelScope.isEffectivelyCancelled);
          failedResult = await thrownBy(() => failed.result());
          cancelledResult = await thrownBy(() => cancelled.result());
        })
      );
      assert.ok(err instanceof ExceptionGroup);
      assert.equal(failedResult, failure);
      assert.ok(cancelledResult instanceof TaskCancelledError, `got ${String(cancelledResult)}`);
    });

    test("a value delivered just before the waiter's scope is cancelled is not lost", async () => {
      const go = makeEvent();
      let got: unknown;
      const scope = new CancelScope();
      await withTaskGroup(async (tg) => {
        const handle = tg.startSoon(async () => {
          await go.wait();
          return "value";
        });
        // This waiter is woken first, and cancels the second waiter's scope at once.
        tg.startSoon(async function firstWaiter() {
          await handle.result();
          scope.cancel();
        });
        await checkpoint();
        await scope.run(async () => {
          const pending = handle.result();
          go.set();
          got = await pending;
          await checkpoint();
        });
      });
      assert.equal(got, "value");
      assert.equal(scope.cancelledCaught, true);
    });
  });
});
