/**
 * CapacityLimiter: tokens per borrower, totalTokens changes (Infinity and 0 included),
 * FIFO hand-over, nowait, borrowing on behalf of others, cancellation of waiters before
 * and after the hand-over, statistics and withToken().
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { assertBusyLoopLetsTimerFire, throwsOrRejects, thrownBy } from "../harness/helpers.ts";
import { until } from "./helpers.ts";
import { CapacityLimiter, Event } from "../../src/sync/index.ts";
import {
  CancelScope,
  checkpoint,
  getCurrentTask,
  isCancelled,
  type TaskHandle,
  withTaskGroup,
  WouldBlock,
} from "../../src/index.ts";

// Made at module load, outside any run(), and changed there too.
const madeOutside = new CapacityLimiter(1);
madeOutside.totalTokens = 2;

/** Starts tasks that each borrow with withToken(), log their name and checkpoint. */
function borrowers(
  tg: { startSoon(fn: () => Promise<void>): TaskHandle<void> },
  limiter: CapacityLimiter,
  names: string[],
  log: string[],
): TaskHandle<void>[] {
  return names.map((name) =>
    tg.startSoon(() =>
      limiter.withToken(async () => {
        log.push(name);
        await checkpoint();
      })
    )
  );
}

describe("sync/capacity-limiter", () => {
  describe("tokens", () => {
    test("borrowing and returning a token updates the counts", async () => {
      const limiter = new CapacityLimiter(2);
      assert.equal(limiter.totalTokens, 2);
      assert.equal(limiter.availableTokens, 2);
      assert.equal(limiter.borrowedTokens, 0);
      await limiter.withToken(() => {
        assert.equal(limiter.totalTokens, 2);
        assert.equal(limiter.availableTokens, 1);
        assert.equal(limiter.borrowedTokens, 1);
      });
      assert.equal(limiter.availableTokens, 2);
    });

    test("at most totalTokens tasks hold a token at once", async () => {
      const limiter = new CapacityLimiter(2);
      let inside = 0;
      let most = 0;
      await withTaskGroup(async (tg) => {
        for (let i = 0; i < 3; i++) {
          tg.startSoon(async () => {
            for (let round = 0; round < 4; round++) {
              await limiter.withToken(async () => {
                most = Math.max(most, ++inside);
                await checkpoint();
                inside--;
              });
            }
          });
        }
      });
      assert.equal(most, 2);
      assert.equal(limiter.borrowedTokens, 0);
    });

    test("a task holds at most one token: a second acquire is an error", async () => {
      const limiter = new CapacityLimiter(2);
      await limiter.acquire();
      await throwsOrRejects(() => limiter.acquire(), Error, /already holding/);
      assert.throws(() => limiter.acquireNowait(), /already holding/);
      assert.equal(limiter.borrowedTokens, 1);
      limiter.release();
    });

    test("returning a token that is not held is an error", async () => {
      const limiter = new CapacityLimiter(1);
      assert.throws(() => limiter.release(), /not holding any of this CapacityLimiter's tokens/);
      assert.throws(() => limiter.releaseOnBehalfOf("someone"), /not holding/);
      await limiter.acquire();
      await withTaskGroup((tg) => {
        tg.startSoon(() => assert.throws(() => limiter.release(), /not holding/));
      });
      limiter.release();
    });

    test("waiters get tokens strictly in arrival order", async () => {
      const limiter = new CapacityLimiter(1);
      const log: string[] = [];
      await limiter.acquire();
      await withTaskGroup(async (tg) => {
        borrowers(tg, limiter, ["a", "b", "c", "d"], log);
        await until(() => limiter.statistics().tasksWaiting === 4, "four waiters");
        limiter.release();
      });
      assert.deepEqual(log, ["a", "b", "c", "d"]);
    });
  });

  describe("totalTokens", () => {
    test("raising it hands the new tokens to the longest waiters at once", async () => {
      const limiter = new CapacityLimiter(1);
      const log: string[] = [];
      await limiter.acquire();
      const go = new Event();
      await withTaskGroup(async (tg) => {
        for (const name of ["a", "b", "c"]) {
          tg.startSoon(() =>
            limiter.withToken(async () => {
              log.push(name);
              await go.wait();
            })
          );
        }
        await until(() => limiter.statistics().tasksWaiting === 3, "three waiters");
        limiter.totalTokens = 3;
        assert.equal(limiter.borrowedTokens, 3);
        assert.equal(limiter.statistics().tasksWaiting, 1);
        await until(() => log.length === 2, "a and b to run");
        limiter.totalTokens = Infinity;
        assert.equal(limiter.statistics().tasksWaiting, 0);
        await until(() => log.length === 3, "c to run");
        go.set();
      });
      limiter.release();
      assert.deepEqual(log, ["a", "b", "c"]);
    });

    test("Infinity lends to everyone at once", async () => {
      const limiter = new CapacityLimiter(Infinity);
      const go = new Event();
      await withTaskGroup(async (tg) => {
        for (let i = 0; i < 50; i++) tg.startSoon(() => limiter.withToken(() => go.wait()));
        await until(() => limiter.borrowedTokens === 50, "fifty borrowers");
        assert.equal(limiter.availableTokens, Infinity);
        assert.equal(limiter.statistics().tasksWaiting, 0);
        go.set();
      });
    });

    test("0 lends nothing until it is raised", async () => {
      const limiter = new CapacityLimiter(0);
      assert.equal(limiter.totalTokens, 0);
      assert.throws(() => limiter.acquireNowait(), WouldBlock);
      const log: string[] = [];
      await withTaskGroup(async (tg) => {
        borrowers(tg, limiter, ["a"], log);
        await until(() => limiter.statistics().tasksWaiting === 1, "a to wait");
        limiter.totalTokens = 1;
      });
      assert.deepEqual(log, ["a"]);
    });

    test("lowering it below what is lent takes nothing back, and lends nothing until enough is returned", async () => {
      const limiter = new CapacityLimiter(3);
      const log: string[] = [];
      for (const who of ["x", "y", "z"]) limiter.acquireOnBehalfOfNowait(who);
      await withTaskGroup(async (tg) => {
        borrowers(tg, limiter, ["a"], log);
        await until(() => limiter.statistics().tasksWaiting === 1, "a to wait");
        limiter.totalTokens = 1;
        assert.equal(limiter.borrowedTokens, 3);
        assert.equal(limiter.availableTokens, 0);
        limiter.releaseOnBehalfOf("x");
        limiter.releaseOnBehalfOf("y");
        assert.equal(limiter.statistics().tasksWaiting, 1);
        limiter.releaseOnBehalfOf("z");
        assert.equal(limiter.statistics().tasksWaiting, 0);
      });
      assert.deepEqual(log, ["a"]);
    });

    test("bad values are a TypeError or RangeError, at construction and when set", async () => {
      for (const make of [(v: number) => new CapacityLimiter(v), (v: number) => (new CapacityLimiter(1).totalTokens = v)]) {
        assert.throws(() => make("2" as never), { name: "TypeError", message: /totalTokens/ });
        assert.throws(() => make(-1), { name: "RangeError", message: /totalTokens/ });
        assert.throws(() => make(1.5), { name: "RangeError", message: /totalTokens/ });
        assert.throws(() => make(NaN), { name: "RangeError", message: /totalTokens/ });
        assert.throws(() => make(-Infinity), { name: "RangeError", message: /totalTokens/ });
      }
      const limiter = new CapacityLimiter(1);
      assert.throws(() => (limiter.totalTokens = 0.5), RangeError);
      assert.equal(limiter.totalTokens, 1);
    });
  });

  describe("nowait", () => {
    test("acquireNowait() borrows a free token, and raises WouldBlock when none is free", async () => {
      const limiter = new CapacityLimiter(1);
      limiter.acquireNowait();
      assert.equal(limiter.borrowedTokens, 1);
      let raised: unknown;
      await withTaskGroup((tg) => {
        tg.startSoon(async () => {
          raised = await thrownBy(() => limiter.acquireNowait());
        });
      });
      assert.ok(raised instanceof WouldBlock);
      limiter.release();
    });

    test("a token freed while a borrower waits is not up for grabs", async () => {
      const limiter = new CapacityLimiter(1);
      limiter.acquireOnBehalfOfNowait("A");
      await withTaskGroup(async (tg) => {
        tg.startSoon(() => limiter.acquireOnBehalfOf("B"));
        await until(() => limiter.statistics().tasksWaiting === 1, "B to wait");
        limiter.releaseOnBehalfOf("A");
        assert.throws(() => limiter.acquireOnBehalfOfNowait("X"), WouldBlock);
      });
      assert.deepEqual(limiter.statistics().borrowers, ["B"]);
      assert.equal(limiter.availableTokens, 0);
      limiter.releaseOnBehalfOf("B");
    });

    test("raises WouldBlock while others wait, even after totalTokens was raised for them", async () => {
      const limiter = new CapacityLimiter(0);
      await withTaskGroup(async (tg) => {
        tg.startSoon(() => limiter.acquireOnBehalfOf("first"));
        await until(() => limiter.statistics().tasksWaiting === 1, "first to wait");
        assert.throws(() => limiter.acquireOnBehalfOfNowait("second"), WouldBlock);
        limiter.totalTokens = 1;
        assert.throws(() => limiter.acquireOnBehalfOfNowait("second"), WouldBlock);
      });
      limiter.releaseOnBehalfOf("first");
    });
  });

  describe("borrowing on behalf of others", () => {
    test("any value but null and undefined can borrow, one token each", async () => {
      const limiter = new CapacityLimiter(3);
      const key = {};
      limiter.acquireOnBehalfOfNowait(key);
      await limiter.acquireOnBehalfOf("job-1");
      assert.throws(() => limiter.acquireOnBehalfOfNowait(key), /already holding/);
      await throwsOrRejects(() => limiter.acquireOnBehalfOf("job-1"), Error, /already holding/);
      assert.equal(limiter.borrowedTokens, 2);
      // The current task is a borrower of its own, separate from the values.
      await limiter.acquire();
      assert.equal(limiter.borrowedTokens, 3);
      limiter.releaseOnBehalfOf(key);
      limiter.releaseOnBehalfOf("job-1");
      limiter.release();
      assert.equal(limiter.borrowedTokens, 0);
    });

    test("null and undefined are not borrowers", async () => {
      const limiter = new CapacityLimiter(1);
      await throwsOrRejects(() => limiter.acquireOnBehalfOf(null), TypeError, /borrower/);
      assert.throws(() => limiter.acquireOnBehalfOfNowait(undefined), { name: "TypeError", message: /borrower/ });
      assert.throws(() => limiter.releaseOnBehalfOf(null), { name: "TypeError", message: /borrower/ });
    });

    test("a borrower that is already waiting cannot wait again", async () => {
      const limiter = new CapacityLimiter(0);
      await withTaskGroup(async (tg) => {
        const first = tg.startSoon(() => limiter.acquireOnBehalfOf("job"));
        await until(() => limiter.statistics().tasksWaiting === 1, "the first wait");
        await throwsOrRejects(() => limiter.acquireOnBehalfOf("job"), Error, /already waiting/);
        assert.throws(() => limiter.acquireOnBehalfOfNowait("job"), /already waiting/);
        first.cancel();
      });
      // Once its wait was cancelled, the borrower may try again.
      limiter.totalTokens = 1;
      limiter.acquireOnBehalfOfNowait("job");
      limiter.releaseOnBehalfOf("job");
    });

    test("a token borrowed by a task for a value can be returned by another task", async () => {
      const limiter = new CapacityLimiter(1);
      const job = { id: 1 };
      await limiter.acquireOnBehalfOf(job);
      await withTaskGroup((tg) => {
        tg.startSoon(() => limiter.releaseOnBehalfOf(job));
      });
      assert.equal(limiter.borrowedTokens, 0);
    });
  });

  describe("checkpoints", () => {
    test("acquire() of a free token yields to other tasks", async () => {
      const limiter = new CapacityLimiter(1);
      await withTaskGroup(async (tg) => {
        let ran = false;
        tg.startSoon(() => {
          ran = true;
        });
        await limiter.acquire();
        assert.equal(ran, true);
        limiter.release();
      });
    });

    test("acquire() in a cancelled scope raises and borrows nothing", async () => {
      const limiter = new CapacityLimiter(1);
      const scope = new CancelScope();
      await scope.run(async () => {
        scope.cancel();
        for (const attempt of [() => limiter.acquire(), () => limiter.acquireOnBehalfOf("x")]) {
          const err = await thrownBy(attempt);
          assert.ok(isCancelled(err));
        }
        await checkpoint();
      });
      assert.equal(limiter.borrowedTokens, 0);
    });

    test("a busy loop of uncontended withToken() does not starve a timer", async () => {
      const limiter = new CapacityLimiter(1);
      await assertBusyLoopLetsTimerFire(() => limiter.withToken(() => {}), "withToken() calls");
    });
  });

  describe("cancelling a waiter", () => {
    test("before the hand-over: it leaves the queue and the next waiter gets the token", async () => {
      const limiter = new CapacityLimiter(1);
      const log: string[] = [];
      await withTaskGroup(async (tg) => {
        await limiter.withToken(async () => {
          const [first] = borrowers(tg, limiter, ["first", "second"], log);
          await until(() => limiter.statistics().tasksWaiting === 2, "two waiters");
          first.cancel();
          assert.equal(limiter.statistics().tasksWaiting, 1);
        });
      });
      assert.deepEqual(log, ["second"]);
      assert.equal(limiter.borrowedTokens, 0);
    });

    test("after the hand-over (completion wins): it runs with the token and returns it", async () => {
      const limiter = new CapacityLimiter(1);
      const log: string[] = [];
      await limiter.acquire();
      await withTaskGroup(async (tg) => {
        const [first] = borrowers(tg, limiter, ["first", "second"], log);
        await until(() => limiter.statistics().tasksWaiting === 2, "two waiters");
        limiter.release();
        first.cancel();
        assert.equal(limiter.statistics().borrowers[0], first.info);
      });
      assert.deepEqual(log, ["first", "second"]);
      assert.equal(limiter.borrowedTokens, 0);
    });

    test("a waiter on behalf of a value leaves the queue and frees the value to borrow again", async () => {
      const limiter = new CapacityLimiter(1);
      limiter.acquireOnBehalfOfNowait("holder");
      await withTaskGroup(async (tg) => {
        const waiter = tg.startSoon(() => limiter.acquireOnBehalfOf("job"));
        await until(() => limiter.statistics().tasksWaiting === 1, "the waiter");
        waiter.cancel();
        limiter.releaseOnBehalfOf("holder");
        assert.equal(limiter.borrowedTokens, 0);
      });
      limiter.acquireOnBehalfOfNowait("job");
      assert.deepEqual(limiter.statistics().borrowers, ["job"]);
      limiter.releaseOnBehalfOf("job");
    });
  });

  describe("statistics()", () => {
    test("reports tokens, borrowers (tasks as TaskInfo) and waiting tasks", async () => {
      const limiter = new CapacityLimiter(1);
      assert.deepEqual(limiter.statistics(), { borrowedTokens: 0, totalTokens: 1, borrowers: [], tasksWaiting: 0 });
      await withTaskGroup(async (tg) => {
        await limiter.withToken(async () => {
          const stats = limiter.statistics();
          assert.equal(stats.borrowedTokens, 1);
          assert.equal(stats.borrowers.length, 1);
          assert.equal(stats.borrowers[0], getCurrentTask());
          for (let i = 1; i <= 2; i++) {
            tg.startSoon(() => limiter.withToken(() => {}));
            await until(() => limiter.statistics().tasksWaiting === i, `${i} waiters`);
          }
        });
      });
      assert.deepEqual(limiter.statistics(), { borrowedTokens: 0, totalTokens: 1, borrowers: [], tasksWaiting: 0 });
    });
  });

  describe("withToken()", () => {
    test("returns the function's value and returns the token when it throws", async () => {
      const limiter = new CapacityLimiter(1);
      assert.equal(await limiter.withToken(async () => 5), 5);
      await throwsOrRejects(() =>
        limiter.withToken(() => {
          throw new Error("boom");
        }), Error, /boom/);
      assert.equal(limiter.borrowedTokens, 0);
    });

    test("returns the token when the holder is cancelled", async () => {
      const limiter = new CapacityLimiter(1);
      await withTaskGroup(async (tg) => {
        const holder = tg.startSoon(() => limiter.withToken(() => new Event().wait()));
        await until(() => limiter.borrowedTokens === 1, "the holder to borrow");
        holder.cancel();
      });
      assert.equal(limiter.borrowedTokens, 0);
    });

    test("a function that is not a function is a TypeError", async () => {
      const limiter = new CapacityLimiter(1);
      await throwsOrRejects(() => limiter.withToken({} as never), TypeError, /fn/);
      assert.equal(limiter.borrowedTokens, 0);
    });
  });

  describe("construction", () => {
    test("a limiter made and changed outside run() works inside it", async () => {
      assert.deepEqual(madeOutside.statistics(), { borrowedTokens: 0, totalTokens: 2, borrowers: [], tasksWaiting: 0 });
      const log: string[] = [];
      await withTaskGroup((tg) => {
        borrowers(tg, madeOutside, ["a", "b", "c"], log);
      });
      assert.deepEqual(log, ["a", "b", "c"]);
    });

    test("works outside run()", async () => {
      const limiter = new CapacityLimiter(1);
      await limiter.withToken(() => assert.equal(limiter.borrowedTokens, 1));
      const log: string[] = [];
      await withTaskGroup((tg) => {
        borrowers(tg, limiter, ["a", "b"], log);
      });
      assert.deepEqual(log, ["a", "b"]);
    }, { outsideRun: true });
  });
});
