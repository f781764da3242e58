/**
 * Behaviour of withTaskGroup() and TaskGroup.startSoon(): when children start, what the
 * group waits for, what it returns, how failures cancel the rest and how every failure
 * ends up in one ExceptionGroup.
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { makeEvent, thrownBy } from "../harness/helpers.ts";
import {
  CancelScope,
  checkpoint,
  currentTime,
  ExceptionGroup,
  getCancelSignal,
  isCancelled,
  sleepForever,
  type TaskGroup,
  withTaskGroup,
} from "../../src/index.ts";

/** Asserts that `err` is an ExceptionGroup and returns it. */
function asGroup(err: unknown): ExceptionGroup {
  assert.ok(err instanceof ExceptionGroup, `expected an ExceptionGroup, got ${String(err)}`);
  return err;
}

describe("core/task-group", () => {
  describe("startSoon", () => {
    test("does not run the child before the spawner reaches a checkpoint", async () => {
      const log: string[] = [];
      await withTaskGroup(async (tg) => {
        tg.startSoon(() => {
          log.push("sync child");
        });
        tg.startSoon(async () => {
          log.push("async child");
        });
        log.push("spawner after startSoon");
        assert.deepEqual(log, ["spawner after startSoon"]);
        await checkpoint();
        assert.deepEqual(log, ["spawner after startSoon", "sync child", "async child"]);
      });
    });

    test("children have started once the spawner has passed a checkpoint", async () => {
      let started = false;
      await withTaskGroup(async (tg) => {
        tg.startSoon(async () => {
          started = true;
          await sleepForever();
        });
        assert.equal(started, false);
        await checkpoint();
        assert.equal(started, true);
        tg.cancel();
      });
    });

    test("passes the arguments to the child", async () => {
      const obj = { k: 1 };
      let seen: unknown[] = [];
      await withTaskGroup((tg) => {
        tg.startSoon(async (n: number, s: string, o: { k: number }, u: undefined) => {
          seen = [n, s, o, u];
        }, 1, "two", obj, undefined);
      });
      assert.equal(seen.length, 4);
      assert.equal(seen[0], 1);
      assert.equal(seen[1], "two");
      assert.equal(seen[2], obj);
      assert.equal(seen[3], undefined);
    });

    test("children start in the order they were spawned (FIFO)", async () => {
      const order: number[] = [];
      await withTaskGroup((tg) => {
        for (let i = 0; i < 8; i++) {
          tg.startSoon(async (n: number) => {
            order.push(n);
            await checkpoint();
          }, i);
        }
      });
      assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6, 7]);
    });

    test("children spawned by a child also start in FIFO order", async () => {
      const order: string[] = [];
      await withTaskGroup((tg) => {
        tg.startSoon(async function spawner() {
          for (const name of ["a", "b", "c", "d"]) {
            tg.startSoon(async (n: string) => {
              order.push(n);
            }, name);
          }
          order.push("spawner");
          await checkpoint();
          order.push("spawner resumed");
        });
      });
      assert.deepEqual(order.slice(0, 5), ["spawner", "a", "b", "c", "d"]);
      assert.equal(order.length, 6);
    });

    test("throws a TypeError when given something that is not a function", async () => {
      await withTaskGroup((tg) => {
        assert.throws(() => tg.startSoon(42 as unknown as () => void), TypeError);
        assert.throws(() => tg.startSoon(null as unknown as () => void), TypeError);
      });
    });

    test("into a group that has been left is an error", async () => {
      let saved: TaskGroup | undefined;
      await withTaskGroup((tg) => {
        saved = tg;
      });
      let ran = false;
      const err = await thrownBy(async () =>
        saved!.startSoon(() => {
          ran = true;
        })
      );
      assert.ok(err instanceof Error);
      assert.ok(!(err instanceof TypeError));
      assert.ok(!isCancelled(err));
      await checkpoint();
      assert.equal(ran, false);
    });

    test("into a group that ended with an error is an error", async () => {
      let saved: TaskGroup | undefined;
      const err = await thrownBy(() =>
        withTaskGroup((tg) => {
          saved = tg;
          throw new RangeError("body failed");
        })
      );
      asGroup(err);
      assert.throws(() => saved!.startSoon(async () => {}), Error);
    });

    test("from a child while the group is exiting is allowed and waited for", async () => {
      const log: string[] = [];
      let bodyReturned = false;
      await withTaskGroup((tg) => {
        tg.startSoon(async function spawner() {
          await checkpoint();
          assert.equal(bodyReturned, true);
          tg.startSoon(async function late() {
            for (let i = 0; i < 5; i++) await checkpoint();
            log.push("late child done");
          });
          log.push("spawner done");
        });
        bodyReturned = true;
      });
      assert.deepEqual(log, ["spawner done", "late child done"]);
    });

    test("a child spawned into a cancelled group runs until its first checkpoint", async () => {
      let marker = 0;
      await withTaskGroup((tg) => {
        tg.startSoon(async () => {
          marker = 1;
          await checkpoint();
          marker = 2;
        });
        tg.cancel();
      });
      assert.equal(marker, 1);
    });
  });

  describe("waiting and results", () => {
    test("the group waits for every child before it returns", async () => {
      const log: string[] = [];
      const release = makeEvent();
      await withTaskGroup((tg) => {
        tg.startSoon(async function waiter() {
          await release.wait();
          log.push("waiter");
        });
        tg.startSoon(async function releaser() {
          for (let i = 0; i < 10; i++) await checkpoint();
          log.push("releaser");
          release.set();
        });
        log.push("body returned");
      });
      log.push("group left");
      assert.deepEqual(log, ["body returned", "releaser", "waiter", "group left"]);
    });

    test("returns the body's value once the children are done", async () => {
      const value = { answer: 42 };
      let childDone = false;
      const result = await withTaskGroup(async (tg) => {
        tg.startSoon(async () => {
          for (let i = 0; i < 3; i++) await checkpoint();
          childDone = true;
        });
        return value;
      });
      assert.equal(result, value);
      assert.equal(childDone, true);
    });

    test("a synchronous body's value is returned", async () => {
      assert.equal(await withTaskGroup(() => "sync"), "sync");
    });

    test("the body's value survives a tg.cancel() at the end of the body", async () => {
      const result = await withTaskGroup(async (tg) => {
        tg.startSoon(sleepForever);
        await checkpoint();
        tg.cancel();
        return "kept";
      });
      assert.equal(result, "kept");
    });

    test("withTaskGroup rejects a non-function with a TypeError", async () => {
      await assert.rejects(
        () => withTaskGroup(undefined as unknown as () => void),
        TypeError,
      );
    });
  });

  describe("cancellation points at exit", () => {
    test("leaving an empty group is not a cancellation point (synchronous body)", async () => {
      const outer = new CancelScope();
      outer.cancel();
      let after = false;
      const result = await outer.run(async () => {
        const value = await withTaskGroup(() => 7);
        after = true;
        return value;
      });
      assert.equal(result, 7);
      assert.equal(after, true);
      assert.equal(outer.cancelledCaught, false);
    });

    test("leaving an empty group is not a cancellation point (async body, no checkpoint)", async () => {
      const outer = new CancelScope();
      let after = false;
      const result = await outer.run(async () => {
        const value = await withTaskGroup(async () => {
          outer.cancel();
          return "body";
        });
        after = true;
        return value;
      });
      assert.equal(result, "body");
      assert.equal(after, true);
      assert.equal(outer.cancelledCaught, false);
    });

    test("leaving an empty group lets tasks spawned elsewhere start", async () => {
      let ran = false;
      await withTaskGroup(async (outer) => {
        await withTaskGroup(() => {
          outer.startSoon(() => {
            ran = true;
          });
        });
        assert.equal(ran, true);
      });
    });

    test("leaving a group that had to wait for children is a cancellation point", async () => {
      const outer = new CancelScope();
      let childDone = false;
      let afterGroup = false;
      await outer.run(async () => {
        await withTaskGroup((tg) => {
          tg.startSoon(async () => {
            await new CancelScope({ shield: true }).run(async () => {
              await checkpoint();
              await checkpoint();
            });
            childDone = true;
          });
          outer.cancel();
        });
        afterGroup = true;
      });
      assert.equal(childDone, true);
      assert.equal(afterGroup, false);
      assert.equal(outer.cancelledCaught, true);
    });
  });

  describe("failures", () => {
    test("the first child error cancels the siblings and the body", async () => {
      const boom = new Error("boom");
      const siblingStarted = makeEvent();
      let siblingCancelled = false;
      let bodyCancelled = false;
      const err = await thrownBy(() =>
        withTaskGroup(async (tg) => {
          tg.startSoon(async function sibling() {
            siblingStarted.set();
            try {
              await sleepForever();
            } catch (e) {
              siblingCancelled = isCancelled(e);
              throw e;
            }
          });
          tg.startSoon(async function failer() {
            await siblingStarted.wait();
            throw boom;
          });
          try {
            await sleepForever();
          } catch (e) {
            bodyCancelled = isCancelled(e);
            throw e;
          }
        })
      );
      const group = asGroup(err);
      assert.equal(group.errors.length, 1);
      assert.equal(group.errors[0], boom);
      assert.equal(siblingCancelled, true);
      assert.equal(bodyCancelled, true);
    });

    test("an error in the body cancels the children", async () => {
      const bodyError = new Error("body");
      const childStarted = makeEvent();
      let childCancelled = false;
      let childFinished = false;
      const err = await thrownBy(() =>
        withTaskGroup(async (tg) => {
          tg.startSoon(async () => {
            childStarted.set();
            try {
              await sleepForever();
              childFinished = true;
            } catch (e) {
              childCancelled = isCancelled(e);
              throw e;
            }
          });
          await childStarted.wait();
          throw bodyError;
        })
      );
      const group = asGroup(err);
      assert.deepEqual([...group.errors], [bodyError]);
      assert.equal(childCancelled, true);
      assert.equal(childFinished, false);
    });

    test("a single child error is still wrapped in an ExceptionGroup", async () => {
      const only = new TypeError("only one");
      const err = await thrownBy(() =>
        withTaskGroup((tg) => {
          tg.startSoon(async () => {
            throw only;
          });
        })
      );
      const group = asGroup(err);
      assert.ok(group instanceof AggregateError);
      assert.equal(group.errors.length, 1);
      assert.equal(group.errors[0], only);
    });

    test("a body error with no children is wrapped too", async () => {
      const only = new Error("body only");
      const err = await thrownBy(() =>
        withTaskGroup(() => {
          throw only;
        })
      );
      const group = asGroup(err);
      assert.equal(group.errors.length, 1);
      assert.equal(group.errors[0], only);
    });

    test("errors of the body and of the children are all in one group", async () => {
      const bodyError = new Error("body");
      const childError = new Error("child cleanup");
      const childStarted = makeEvent();
      const err = await thrownBy(() =>
        withTaskGroup(async (tg) => {
          tg.startSoon(async () => {
            childStarted.set();
            try {
              await sleepForever();
            } catch {
              throw childError;
            }
          });
          await childStarted.wait();
          throw bodyError;
        })
      );
      const group = asGroup(err);
      assert.equal(group.errors.length, 2);
      assert.ok(group.errors.includes(bodyError));
      assert.ok(group.errors.includes(childError));
    });

    test("errors of several children are all collected", async () => {
      const errors = [new Error("a"), new Error("b"), new Error("c")];
      const bothWaiting = makeEvent();
      let waiting = 0;
      const err = await thrownBy(() =>
        withTaskGroup((tg) => {
          for (const e of errors.slice(0, 2)) {
            tg.startSoon(async () => {
              if (++waiting === 2) bothWaiting.set();
              try {
                await sleepForever();
              } catch {
                throw e;
              }
            });
          }
          tg.startSoon(async () => {
            await bothWaiting.wait();
            throw errors[2];
          });
        })
      );
      const group = asGroup(err);
      assert.equal(group.errors.length, 3);
      for (const e of errors) assert.ok(group.errors.includes(e), `missing ${e.message}`);
    });

    test("an error the body rethrows from a child's result() is included once", async () => {
      const childError = new Error("child");
      const err = await thrownBy(() =>
        withTaskGroup(async (tg) => {
          const handle = tg.startSoon(async () => {
            await checkpoint();
            throw childError;
          });
          await handle.result();
        })
      );
      const group = asGroup(err);
      assert.equal(group.errors.length, 1);
      assert.equal(group.errors[0], childError);
    });

    test("one error object thrown by two children is included once", async () => {
      const shared = new Error("shared");
      const err = await thrownBy(() =>
        withTaskGroup((tg) => {
          tg.startSoon(async () => {
            throw shared;
          });
          tg.startSoon(async () => {
            throw shared;
          });
        })
      );
      const group = asGroup(err);
      assert.deepEqual([...group.errors], [shared]);
    });

    test("non-Error throwables are collected as they are", async () => {
      const err = await thrownBy(() =>
        withTaskGroup((tg) => {
          tg.startSoon(() => {
            throw "a string";
          });
          tg.startSoon(async () => {
            throw 42;
          });
          tg.startSoon(async () => {
            throw undefined;
          });
        })
      );
      const group = asGroup(err);
      assert.equal(group.errors.length, 3);
      assert.ok(group.errors.includes("a string"));
      assert.ok(group.errors.includes(42));
      assert.ok(group.errors.includes(undefined));
    });

    test("a string thrown by the body is collected", async () => {
      const err = await thrownBy(() =>
        withTaskGroup(() => {
          throw "body string";
        })
      );
      assert.deepEqual([...asGroup(err).errors], ["body string"]);
    });

    test("errors raised while cleaning up after tg.cancel() are collected", async () => {
      const cleanupError = new Error("cleanup failed");
      const childStarted = makeEvent();
      const err = await thrownBy(() =>
        withTaskGroup(async (tg) => {
          tg.startSoon(async () => {
            childStarted.set();
            try {
              await sleepForever();
            } catch (e) {
              assert.ok(isCancelled(e));
              throw cleanupError;
            }
          });
          await childStarted.wait();
          tg.cancel();
        })
      );
      assert.deepEqual([...asGroup(err).errors], [cleanupError]);
    });

    test("when only cancellation happened, one bare Cancelled propagates", async () => {
      const outer = new CancelScope();
      let caught: unknown;
      await outer.run(async () => {
        try {
          await withTaskGroup(async (tg) => {
            tg.startSoon(sleepForever);
            tg.startSoon(sleepForever);
            await checkpoint();
            outer.cancel("stop");
            await sleepForever();
          });
        } catch (err) {
          caught = err;
          throw err;
        }
      });
      assert.ok(isCancelled(caught), `expected Cancelled, got ${String(caught)}`);
      assert.ok(!(caught instanceof ExceptionGroup));
      assert.equal(outer.cancelledCaught, true);
    });

    test("a real error during an outer cancellation gives a group without Cancelled", async () => {
      const outer = new CancelScope();
      const cleanupError = new Error("cleanup");
      const err = await thrownBy(() =>
        outer.run(() =>
          withTaskGroup(async (tg) => {
            tg.startSoon(sleepForever);
            tg.startSoon(async () => {
              try {
                await sleepForever();
              } catch {
                throw cleanupError;
              }
            });
            await checkpoint();
            outer.cancel();
            await sleepForever();
          })
        )
      );
      const group = asGroup(err);
      assert.deepEqual([...group.errors], [cleanupError]);
    });

    test("a failing group nested in the body gives nested ExceptionGroups", async () => {
      const innerError = new Error("inner");
      const outerError = new Error("outer child");
      const outerChildWaiting = makeEvent();
      const err = await thrownBy(() =>
        withTaskGroup(async (tg) => {
          tg.startSoon(async () => {
            outerChildWaiting.set();
            try {
              await sleepForever();
            } catch {
              throw outerError;
            }
          });
          await outerChildWaiting.wait();
          await withTaskGroup(async (inner) => {
            inner.startSoon(async () => {
              throw innerError;
            });
            await sleepForever();
          });
        })
      );
      const group = asGroup(err);
      assert.equal(group.errors.length, 2);
      const nested = group.errors.filter((e) => e instanceof ExceptionGroup);
      assert.equal(nested.length, 1);
      assert.deepEqual([...(nested[0] as ExceptionGroup).errors], [innerError]);
      assert.ok(group.errors.includes(outerError));
    });

    test("a failing group inside a child gives nested ExceptionGroups", async () => {
      const deep = new Error("grandchild");
      const err = await thrownBy(() =>
        withTaskGroup((tg) => {
          tg.startSoon(() =>
            withTaskGroup((inner) => {
              inner.startSoon(async () => {
                throw deep;
              });
            })
          );
        })
      );
      const group = asGroup(err);
      assert.equal(group.errors.length, 1);
      const nested = asGroup(group.errors[0]);
      assert.deepEqual([...nested.errors], [deep]);
    });
  });

  describe("cancelling the group", () => {
    test("tg.cancel(reason) cancels the body and the children with that reason", async () => {
      let childReason: string | undefined = "not cancelled";
      let bodyReason: string | undefined = "not cancelled";
      const childWaiting = makeEvent();
      let saved: TaskGroup | undefined;
      const result = await withTaskGroup(async (tg) => {
        saved = tg;
        tg.startSoon(async () => {
          childWaiting.set();
          try {
            await sleepForever();
          } catch (e) {
            if (isCancelled(e)) childReason = e.reason;
            throw e;
          }
        });
        await childWaiting.wait();
        tg.cancel("enough");
        try {
          await checkpoint();
        } catch (e) {
          if (isCancelled(e)) bodyReason = e.reason;
          throw e;
        }
        return "unreachable";
      });
      assert.equal(result, undefined);
      assert.equal(childReason, "enough");
      assert.equal(bodyReason, "enough");
      assert.equal(saved!.cancelScope.cancelCalled, true);
      assert.equal(saved!.cancelScope.cancelReason, "enough");
      assert.equal(saved!.cancelScope.cancelledCaught, true);
      // The cancellation stayed inside the group.
      await checkpoint();
    });

    test("the body runs in tg.cancelScope, and cancelling it stops the group", async () => {
      let childCancelled = false;
      await withTaskGroup(async (tg) => {
        assert.equal(getCancelSignal(), tg.cancelScope.signal);
        assert.equal(tg.cancelScope.signal.aborted, false);
        tg.startSoon(async () => {
          try {
            await sleepForever();
          } catch (e) {
            childCancelled = isCancelled(e);
            throw e;
          }
        });
        await checkpoint();
        tg.cancelScope.cancel();
        assert.equal(tg.cancelScope.signal.aborted, true);
        await sleepForever();
      });
      assert.equal(childCancelled, true);
    });

    test("a deadline set on tg.cancelScope cancels the whole group when it expires", async () => {
      let saved: TaskGroup | undefined;
      await withTaskGroup(async (tg) => {
        saved = tg;
        tg.startSoon(sleepForever);
        tg.startSoon(sleepForever);
        tg.cancelScope.deadline = currentTime() + 5;
        await sleepForever();
      });
      assert.equal(saved!.cancelScope.cancelledByDeadline, true);
      assert.equal(saved!.cancelScope.cancelledCaught, true);
    });

    test("a child can cancel its own group", async () => {
      let bodyCancelled = false;
      let siblingCancelled = false;
      await withTaskGroup(async (tg) => {
        tg.startSoon(async () => {
          try {
            await sleepForever();
          } catch (e) {
            siblingCancelled = isCancelled(e);
            throw e;
          }
        });
        tg.startSoon(async function canceller() {
          await checkpoint();
          tg.cancel("from a child");
        });
        try {
          await sleepForever();
        } catch (e) {
          bodyCancelled = isCancelled(e);
          throw e;
        }
      });
      assert.equal(bodyCancelled, true);
      assert.equal(siblingCancelled, true);
    });

    test("cancelling a group does not cancel the scope around it", async () => {
      const outer = new CancelScope();
      let after = false;
      await outer.run(async () => {
        await withTaskGroup(async (tg) => {
          tg.startSoon(sleepForever);
          await checkpoint();
          tg.cancel();
          await sleepForever();
        });
        await checkpoint();
        after = true;
      });
      assert.equal(after, true);
      assert.equal(outer.cancelCalled, false);
      assert.equal(outer.isEffectivelyCancelled, false);
    });

    test("cancelling the scope around a group reaches the children while the body is shielded", async () => {
      const outer = new CancelScope();
      const childWaiting = makeEvent();
      const childCancelled = makeEvent();
      await outer.run(() =>
        withTaskGroup(async (tg) => {
          tg.startSoon(async () => {
            childWaiting.set();
            try {
              await sleepForever();
            } catch (e) {
              if (isCancelled(e)) childCancelled.set();
              throw e;
            }
          });
          await childWaiting.wait();
          await new CancelScope({ shield: true }).run(async () => {
            outer.cancel();
            await childCancelled.wait();
          });
        })
      );
      assert.equal(childCancelled.isSet, true);
    });

    test("tg.cancel() with a reason that is not a string is a TypeError", async () => {
      await withTaskGroup((tg) => {
        assert.throws(() => tg.cancel(42 as unknown as string), TypeError);
        assert.equal(tg.cancelScope.cancelCalled, false);
      });
    });

    test("a cancelled group cancels a nested group in a child (cascade)", async () => {
      let grandchildCancelled = false;
      let afterInner = false;
      const grandchildWaiting = makeEvent();
      await withTaskGroup(async (tg) => {
        tg.startSoon(async () => {
          await withTaskGroup((inner) => {
            inner.startSoon(async () => {
              grandchildWaiting.set();
              try {
                await sleepForever();
              } catch (e) {
                grandchildCancelled = isCancelled(e);
                throw e;
              }
            });
          });
          afterInner = true;
        });
        await grandchildWaiting.wait();
        tg.cancel();
      });
      assert.equal(grandchildCancelled, true);
      assert.equal(afterInner, false);
    });
  });
});
