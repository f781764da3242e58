/**
 * Bridges to foreign code: scope.signal, getCancelSignal(), scopes cancelled by an
 * outside AbortSignal, and abandonOnCancel().
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { assertBusyLoopLetsTimerFire, makeSleeper, thrownBy } from "../harness/helpers.ts";
import {
  abandonOnCancel,
  CancelScope,
  Cancelled,
  checkpoint,
  currentTime,
  getCancelSignal,
  isCancelled,
  moveOnAfter,
  sleepForever,
  withTaskGroup,
} from "../../src/index.ts";

/** An AbortController whose signal counts the abort listeners currently attached. */
function countingController(): { controller: AbortController; attached: () => number; added: () => number } {
  const controller = new AbortController();
  const signal = controller.signal;
  const live = new Set<unknown>();
  let added = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  type AddArgs = Parameters<typeof signal.addEventListener>;
  type RemoveArgs = Parameters<typeof signal.removeEventListener>;
  signal.addEventListener = ((...args: AddArgs) => {
    if (args[0] === "abort" && args[1] !== null) {
      live.add(args[1]);
      added++;
    }
    add(...args);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((...args: RemoveArgs) => {
    if (args[0] === "abort") live.delete(args[1]);
    remove(...args);
  }) as typeof signal.removeEventListener;
  return { controller, attached: () => live.size, added: () => added };
}

describe("abort signals", () => {
  describe("scope.signal", () => {
    test("aborts when the scope is cancelled, with a Cancelled carrying the reason", async () => {
      const scope = new CancelScope();
      let signal: AbortSignal | undefined;
      let abortedInListener = false;
      await scope.run(async () => {
        signal = scope.signal;
        signal.addEventListener("abort", () => (abortedInListener = true));
        assert.equal(signal.aborted, false);
        await checkpoint();
        assert.equal(signal.aborted, false);
        scope.cancel("stop it");
        assert.equal(signal.aborted, true);
        await checkpoint();
      });
      assert.equal(abortedInListener, true);
      assert.ok(isCancelled(signal!.reason));
      assert.ok(signal!.reason instanceof Cancelled);
      assert.equal((signal!.reason as Cancelled).reason, "stop it");
    });

    test("aborts when an enclosing scope is cancelled", async () => {
      const outer = new CancelScope();
      const inner = new CancelScope();
      let signal: AbortSignal | undefined;
      await outer.run(async () => {
        await inner.run(async () => {
          signal = inner.signal;
          assert.equal(signal.aborted, false);
          outer.cancel("outer");
          assert.equal(signal.aborted, true);
          await checkpoint();
        });
      });
      assert.ok(isCancelled(signal!.reason));
      assert.equal(inner.cancelCalled, false);
    });

    test("aborts when the scope's deadline expires", async () => {
      const scope = new CancelScope({ deadline: currentTime() + 2 });
      let signal: AbortSignal | undefined;
      await scope.run(async () => {
        signal = scope.signal;
        assert.equal(signal.aborted, false);
        await sleepForever();
      });
      assert.equal(signal!.aborted, true);
      assert.ok(isCancelled(signal!.reason));
      assert.match((signal!.reason as Cancelled).message, /deadline/);
    });

    test("read after the cancellation, it is already aborted", async () => {
      const scope = new CancelScope();
      await scope.run(async () => {
        scope.cancel("early");
        const signal = scope.signal;
        assert.equal(signal.aborted, true);
        assert.ok(isCancelled(signal.reason));
        assert.equal((signal.reason as Cancelled).reason, "early");
        await checkpoint();
      });
      const outer = new CancelScope();
      await outer.run(async () => {
        outer.cancel();
        await new CancelScope().run(async (inner) => {
          assert.equal(inner.signal.aborted, true);
          await checkpoint();
        });
      });
    });

    test("a scope cancelled before it was entered has an aborted signal inside", async () => {
      const scope = new CancelScope();
      scope.cancel("before");
      await scope.run(async () => {
        assert.equal(scope.signal.aborted, true);
        assert.ok(isCancelled(scope.signal.reason));
        await checkpoint();
      });
    });

    test("a shielded scope's signal does not abort on an outer cancellation", async () => {
      const outer = new CancelScope();
      const shielded = new CancelScope({ shield: true });
      let signal: AbortSignal | undefined;
      await outer.run(async () => {
        await shielded.run(async () => {
          signal = shielded.signal;
          outer.cancel();
          await checkpoint();
          assert.equal(signal.aborted, false);
          shielded.shield = false;
          assert.equal(signal.aborted, true);
          await checkpoint();
        });
      });
      assert.equal(outer.cancelledCaught, true);
    });
  });

  describe("getCancelSignal", () => {
    test("is the current scope's signal and aborts on its cancellation", async () => {
      const root = getCancelSignal();
      assert.equal(root.aborted, false);
      const scope = new CancelScope();
      await scope.run(async () => {
        const signal = getCancelSignal();
        assert.equal(signal, scope.signal);
        assert.equal(signal.aborted, false);
        scope.cancel("via getCancelSignal");
        assert.equal(signal.aborted, true);
        assert.equal((signal.reason as Cancelled).reason, "via getCancelSignal");
        await checkpoint();
      });
      assert.equal(root.aborted, false);
    });

    test("in a task, aborts when the task's group is cancelled", async () => {
      const parked = Promise.withResolvers<void>();
      let signal: AbortSignal | undefined;
      await withTaskGroup(async (tg) => {
        tg.startSoon(async () => {
          signal = getCancelSignal();
          parked.resolve();
          await sleepForever();
        });
        await parked.promise;
        assert.equal(signal!.aborted, false);
        tg.cancel("group done");
        assert.equal(signal!.aborted, true);
      });
      assert.ok(isCancelled(signal!.reason));
      assert.equal((signal!.reason as Cancelled).reason, "group done");
    });

    test("aborts on a timeout and on an outer cancellation", async () => {
      let timed: AbortSignal | undefined;
      await moveOnAfter(2, async () => {
        timed = getCancelSignal();
        await sleepForever();
      });
      assert.equal(timed!.aborted, true);
      const outer = new CancelScope();
      let nested: AbortSignal | undefined;
      await outer.run(async () => {
        await new CancelScope().run(async () => {
          nested = getCancelSignal();
          outer.cancel();
          await checkpoint();
        });
      });
      assert.equal(nested!.aborted, true);
    });
  });

  describe("CancelScope({ abortSignal })", () => {
    test("is cancelled when the outside controller aborts, with its reason", async () => {
      const controller = new AbortController();
      const scope = new CancelScope({ abortSignal: controller.signal });
      const sleeper = makeSleeper();
      await withTaskGroup(async (tg) => {
        tg.startSoon(() => scope.run(sleeper.body));
        await sleeper.parked;
        controller.abort("outside stop");
        assert.equal(scope.cancelCalled, true);
      });
      assert.equal(scope.cancelledCaught, true);
      assert.equal(scope.cancelReason, "outside stop");
      assert.ok(isCancelled(sleeper.wokeWith));
      assert.equal(sleeper.wokeWith.reason, "outside stop");
    });

    test("an already aborted signal cancels the scope at once", async () => {
      const controller = new AbortController();
      controller.abort("too late");
      const scope = new CancelScope({ abortSignal: controller.signal });
      let beforeCheckpoint = false;
      const result = await scope.run(async () => {
        beforeCheckpoint = true;
        assert.equal(scope.cancelCalled, true);
        await checkpoint();
        return "unreachable";
      });
      assert.equal(result, undefined);
      assert.equal(beforeCheckpoint, true);
      assert.equal(scope.cancelledCaught, true);
      assert.equal(scope.cancelReason, "too late");
    });

    test("an outside signal with no reason still cancels", async () => {
      const controller = new AbortController();
      const scope = new CancelScope({ abortSignal: controller.signal });
      await scope.run(async () => {
        controller.abort();
        await sleepForever();
      });
      assert.equal(scope.cancelledCaught, true);
    });

    test("an abortSignal that is not an AbortSignal is a TypeError", () => {
      assert.throws(
        () => new CancelScope({ abortSignal: {} as unknown as AbortSignal }),
        (err: unknown) => {
          assert.ok(err instanceof TypeError);
          assert.match(err.message, /abortSignal/);
          return true;
        },
      );
    });

    test("leaves no listener on the outside signal after the scope exits", async () => {
      const { controller, attached, added } = countingController();
      const scope = new CancelScope({ abortSignal: controller.signal });
      await scope.run(async () => {
        await checkpoint();
        assert.ok(added() >= 1);
      });
      assert.equal(attached(), 0);
      const cancelled = new CancelScope({ abortSignal: controller.signal });
      await cancelled.run(async () => {
        cancelled.cancel();
        await checkpoint();
      });
      assert.equal(attached(), 0);
    });

    test("aborting the outside signal after the scope exited has no effect", async () => {
      const controller = new AbortController();
      const scope = new CancelScope({ abortSignal: controller.signal });
      const result = await scope.run(async () => {
        await checkpoint();
        return "done";
      });
      assert.equal(result, "done");
      controller.abort("after exit");
      assert.equal(scope.cancelCalled, false);
      assert.equal(scope.cancelReason, undefined);
      await checkpoint();
    });
  });

  describe("abandonOnCancel", () => {
    test("returns the foreign promise's value", async () => {
      assert.equal(await abandonOnCancel(Promise.resolve(7)), 7);
      const later = Promise.withResolvers<string>();
      queueMicrotask(() => later.resolve("later"));
      assert.equal(await abandonOnCancel(later.promise), "later");
    });

    test("rethrows the foreign promise's error", async () => {
      const boom = new Error("foreign failure");
      assert.equal(await thrownBy(() => abandonOnCancel(Promise.reject(boom))), boom);
    });

    test("accepts a function: returns its value and rethrows its error", async () => {
      assert.equal(await abandonOnCancel(async (signal) => {
        assert.ok(signal instanceof AbortSignal);
        assert.equal(signal.aborted, false);
        return "from fn";
      }), "from fn");
      const boom = new Error("sync failure");
      assert.equal(
        await thrownBy(() =>
          abandonOnCancel(() => {
            throw boom;
          })
        ),
        boom,
      );
    });

    test("is released at once on cancellation while the foreign promise stays pending", async () => {
      const foreign = Promise.withResolvers<string>();
      let settled = false;
      foreign.promise.then(() => (settled = true), () => (settled = true));
      const scope = new CancelScope();
      const parked = Promise.withResolvers<void>();
      let seen: unknown;
      let settledAtRelease = true;
      await withTaskGroup(async (tg) => {
        tg.startSoon(() =>
          scope.run(async () => {
            try {
              const pending = abandonOnCancel(foreign.promise);
              parked.resolve();
              await pending;
            } catch (err) {
              seen = err;
              settledAtRelease = settled;
              throw err;
            }
          })
        );
        await parked.promise;
        scope.cancel("abandon");
      });
      assert.ok(isCancelled(seen));
      assert.equal(seen.reason, "abandon");
      assert.equal(settledAtRelease, false);
      assert.equal(scope.cancelledCaught, true);
      // The abandoned promise fails later: that must not be an unhandled rejection.
      foreign.reject(new Error("late failure"));
      await checkpoint();
    });

    test("a late value of an abandoned promise is ignored", async () => {
      const foreign = Promise.withResolvers<number>();
      const result = await moveOnAfter(2, () => abandonOnCancel(foreign.promise));
      assert.equal(result, undefined);
      foreign.resolve(1);
      await checkpoint();
    });

    test("in an already cancelled scope it raises Cancelled", async () => {
      const scope = new CancelScope();
      await scope.run(async () => {
        scope.cancel();
        assert.ok(isCancelled(await thrownBy(() => abandonOnCancel(Promise.resolve(1)))));
        assert.ok(isCancelled(await thrownBy(() => abandonOnCancel(() => 1))));
        await checkpoint();
      });
      assert.equal(scope.cancelledCaught, true);
    });

    test("a promise handed over in an already cancelled scope can reject later without an unhandled rejection", async () => {
      const foreign = Promise.withResolvers<number>();
      const scope = new CancelScope();
      await scope.run(async () => {
        scope.cancel();
        assert.ok(isCancelled(await thrownBy(() => abandonOnCancel(foreign.promise))));
        await checkpoint();
      });
      assert.equal(scope.cancelledCaught, true);
      // abandonOnCancel took the promise over: its late failure is ignored, not unhandled.
      foreign.reject(new Error("late failure"));
      await checkpoint();
    });

    test("passes the function a signal that aborts on cancellation", async () => {
      const scope = new CancelScope();
      const parked = Promise.withResolvers<void>();
      let given: AbortSignal | undefined;
      let seen: unknown;
      await withTaskGroup(async (tg) => {
        tg.startSoon(() =>
          scope.run(async () => {
            try {
              await abandonOnCancel((signal) => {
                given = signal;
                assert.equal(signal.aborted, false);
                parked.resolve();
                // Foreign work that honours the signal: it stops when told to.
                return new Promise<never>((_, reject) => {
                  signal.addEventListener("abort", () => reject(signal.reason), { once: true });
                });
              });
            } catch (err) {
              seen = err;
              throw err;
            }
          })
        );
        await parked.promise;
        assert.equal(given!.aborted, false);
        scope.cancel("stop the work");
      });
      assert.equal(given!.aborted, true);
      assert.ok(isCancelled(given!.reason));
      assert.equal((given!.reason as Cancelled).reason, "stop the work");
      assert.ok(isCancelled(seen));
      assert.equal(scope.cancelledCaught, true);
    });

    test("work that rejects when the scope is cancelled while it starts causes no unhandled rejection", async () => {
      const scope = new CancelScope();
      await scope.run(async () => {
        await abandonOnCancel((signal) => {
          const work = new Promise<never>((_, reject) => {
            signal.addEventListener("abort", () => reject(signal.reason), { once: true });
          });
          // The cancellation arrives before abandonOnCancel has started waiting.
          scope.cancel("cancelled while starting");
          return work;
        });
      });
      assert.equal(scope.cancelledCaught, true);
      await checkpoint();
    });

    test("the function's signal aborts when a deadline expires", async () => {
      let given: AbortSignal | undefined;
      let abortedBy: unknown;
      // The deadline is set in the same synchronous step that calls abandonOnCancel, so
      // it cannot expire (a timer needs a macrotask) before the function is called.
      const result = await moveOnAfter(Infinity, (scope) => {
        scope.deadline = currentTime() + 2;
        return abandonOnCancel((signal) => {
          given = signal;
          return new Promise<string>((resolve) => {
            signal.addEventListener("abort", () => {
              abortedBy = signal.reason;
              resolve("stopped");
            }, { once: true });
          });
        });
      });
      assert.equal(result, undefined);
      assert.equal(given!.aborted, true);
      assert.ok(isCancelled(abortedBy));
    });

    test("a non-promise argument is a TypeError", async () => {
      let error: unknown;
      try {
        await abandonOnCancel(42 as unknown as Promise<number>);
      } catch (err) {
        error = err;
      }
      assert.ok(error instanceof TypeError);
    });

    test("a busy loop of abandonOnCancel on settled promises does not starve a timer", async () => {
      // abandonOnCancel can wait, so it is a checkpoint: it must let timers run now and then.
      await assertBusyLoopLetsTimerFire(
        (spin) => abandonOnCancel(Promise.resolve(spin)),
        "abandonOnCancel calls",
      );
    });

    test("completion wins: a result delivered before the cancellation is returned", async () => {
      const foreign = Promise.withResolvers<string>();
      const scope = new CancelScope();
      let got: string | undefined;
      const steps: string[] = [];
      await scope.run(async () => {
        const pending = abandonOnCancel(foreign.promise);
        // This reaction is queued after abandonOnCancel's own, so it runs once the
        // result has been delivered; the cancellation arrives in that same step.
        foreign.promise.then(() => {
          steps.push("cancel");
          scope.cancel("too late");
        });
        foreign.resolve("the result");
        got = await pending;
        steps.push("got result");
        await checkpoint();
        steps.push("unreachable");
      });
      assert.equal(got, "the result");
      assert.deepEqual(steps, ["cancel", "got result"]);
      assert.equal(scope.cancelledCaught, true);
    });

    test("completion wins when another task resolves and then cancels", async () => {
      const foreign = Promise.withResolvers<number>();
      const scope = new CancelScope();
      const parked = Promise.withResolvers<void>();
      let got: number | undefined;
      await withTaskGroup(async (tg) => {
        tg.startSoon(() =>
          scope.run(async () => {
            const pending = abandonOnCancel(foreign.promise);
            parked.resolve();
            got = await pending;
          })
        );
        await parked.promise;
        foreign.resolve(99);
        await foreign.promise; // abandonOnCancel's reaction has run by now
        scope.cancel();
      });
      assert.equal(got, 99);
      assert.equal(scope.cancelCalled, true);
      assert.equal(scope.cancelledCaught, false);
    });
  });
});
