/**
 * The core suite: structured concurrency primitives against the raw runtime (the
 * baseline), Effection 4 and Effect 4, doing the same work.
 *
 * Every task body bumps a counter and every batch checks it, so an implementation
 * that skipped work (a task never started, a sleeper that was not parked when the
 * cancellation came) fails the run instead of looking fast.
 *
 * @module
 */
import { Effect, Fiber } from "effect";
import * as effection from "effection";
import {
  checkpoint,
  moveOnAfter,
  run as structioRun,
  sleep as structioSleep,
  sleepForever,
  withTaskGroup,
} from "../src/index.ts";
import { type BenchCase, expectCount, type MemoryCase, type ThroughputCase } from "./harness.ts";

const SUITE = "core";
const HOUR = 3_600_000;
const MINUTE = 60_000;

/** Bumped by every task body; each batch resets it and checks it. */
let counter = 0;

function noop(): void {}

// ---------------------------------------------------------------------------------
// 1. spawn and join
// ---------------------------------------------------------------------------------

/** The task of case 1: an async function that returns without waiting. */
async function work(): Promise<void> {
  counter++;
}

// deno-lint-ignore require-yield
function* workOp(): effection.Operation<void> {
  counter++;
}

const workEffect: Effect.Effect<void> = Effect.sync(() => {
  counter++;
});

const spawnJoin: ThroughputCase = {
  kind: "throughput",
  suite: SUITE,
  name: "spawn-join",
  count: 100_000,
  unit: "task spawned and joined",
  impls: {
    // Promise.all over n calls of an async function.
    async baseline(n) {
      counter = 0;
      const tasks: Promise<void>[] = [];
      for (let i = 0; i < n; i++) tasks.push(work());
      await Promise.all(tasks);
      expectCount("tasks run", counter, n);
    },
    // withTaskGroup + startSoon; the group joins every task on exit.
    async structio(n) {
      counter = 0;
      await structioRun(() =>
        withTaskGroup(async (tg) => {
          for (let i = 0; i < n; i++) tg.startSoon(work);
        })
      );
      expectCount("tasks run", counter, n);
    },
    // spawn() inside run(), then `yield* task` on each. (Leaving a scope would halt
    // the children rather than wait for them, so joining is explicit.)
    async effection(n) {
      counter = 0;
      await effection.run(function* () {
        const tasks: effection.Task<void>[] = [];
        for (let i = 0; i < n; i++) tasks.push(yield* effection.spawn(workOp));
        for (const task of tasks) yield* task;
      });
      expectCount("tasks run", counter, n);
    },
    // Effect.all over n effects with unbounded concurrency: Effect's Promise.all, one
    // child fiber per effect, all joined. (Effect.forkChild n times + Fiber.joinAll is
    // the other idiom; on Node 24 it measured 3-5x slower, so the faster one is used.)
    async effect(n) {
      counter = 0;
      const effects: Effect.Effect<void>[] = [];
      for (let i = 0; i < n; i++) effects.push(workEffect);
      await Effect.runPromise(Effect.all(effects, { concurrency: "unbounded", discard: true }));
      expectCount("tasks run", counter, n);
    },
  },
};

// ---------------------------------------------------------------------------------
// 2. spawn sleepers, cancel them all
// ---------------------------------------------------------------------------------

/**
 * The baseline sleeper: a promise on a real setTimeout, cancelled through a callback
 * kept in a plain array. One shared AbortSignal with n listeners would be the textbook
 * way, but addEventListener checks for duplicates by walking the list, so n listeners
 * cost O(n^2) on all three runtimes (40k listeners: 1.8-4.5 s), which would make the
 * baseline meaningless.
 */
function rawSleep(ms: number, cancellers: Array<() => void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    cancellers.push(() => {
      clearTimeout(timer);
      reject(new Error("cancelled"));
    });
  });
}

async function rawSleeper(cancellers: Array<() => void>): Promise<void> {
  counter++;
  try {
    await rawSleep(HOUR, cancellers);
  } catch {
    // cancelled: the task ends
  }
}

async function structioSleeper(): Promise<void> {
  counter++;
  await structioSleep(HOUR);
}

function* sleeperOp(): effection.Operation<void> {
  counter++;
  yield* effection.sleep(HOUR);
}

const sleeperEffect: Effect.Effect<void> = Effect.suspend(() => {
  counter++;
  return Effect.sleep(HOUR);
});

const spawnCancel: ThroughputCase = {
  kind: "throughput",
  suite: SUITE,
  name: "spawn-cancel",
  count: 100_000,
  unit: "task spawned into a 1 h sleep, cancelled and joined",
  impls: {
    async baseline(n) {
      counter = 0;
      const cancellers: Array<() => void> = [];
      const tasks: Promise<void>[] = [];
      for (let i = 0; i < n; i++) tasks.push(rawSleeper(cancellers));
      expectCount("sleepers parked", counter, n);
      for (const cancel of cancellers) cancel();
      await Promise.all(tasks);
    },
    // startSoon(sleeper) n times, wait until all are parked in sleep(), tg.cancel().
    async structio(n) {
      counter = 0;
      await structioRun(() =>
        withTaskGroup(async (tg) => {
          for (let i = 0; i < n; i++) tg.startSoon(structioSleeper);
          while (counter < n) await checkpoint();
          tg.cancel();
        })
      );
      expectCount("sleepers parked", counter, n);
    },
    // spawn() n sleepers inside scoped(); leaving the scope halts them all.
    async effection(n) {
      counter = 0;
      await effection.run(function* () {
        yield* effection.scoped(function* () {
          for (let i = 0; i < n; i++) yield* effection.spawn(sleeperOp);
          while (counter < n) yield* effection.until(Promise.resolve());
        });
      });
      expectCount("sleepers parked", counter, n);
    },
    // Effect.forkChild n sleepers, yield until all are parked, Fiber.interruptAll.
    async effect(n) {
      counter = 0;
      await Effect.runPromise(Effect.gen(function* () {
        const fibers: Fiber.Fiber<void>[] = [];
        for (let i = 0; i < n; i++) fibers.push(yield* Effect.forkChild(sleeperEffect));
        while (counter < n) yield* Effect.yieldNow;
        yield* Fiber.interruptAll(fibers);
      }));
      expectCount("sleepers parked", counter, n);
    },
  },
};

// ---------------------------------------------------------------------------------
// 3. timeout scopes that never expire
// ---------------------------------------------------------------------------------

/** The body inside each timeout: a trivial async function with no checkpoint. */
async function body(): Promise<void> {
  counter++;
}

// deno-lint-ignore require-yield
function* bodyOp(): effection.Operation<void> {
  counter++;
}

const bodyEffect: Effect.Effect<void> = Effect.sync(() => {
  counter++;
});

const timeoutScopes: ThroughputCase = {
  kind: "throughput",
  suite: SUITE,
  name: "timeout-scope",
  count: 1_000_000,
  unit: "60 s timeout entered and left around a trivial body (no checkpoint inside)",
  impls: {
    // The naive raw way: one runtime timer armed and cleared per timeout.
    async baseline(n) {
      counter = 0;
      for (let i = 0; i < n; i++) {
        const timer = setTimeout(noop, MINUTE);
        await body();
        clearTimeout(timer);
      }
      expectCount("bodies run", counter, n);
    },
    // moveOnAfter(60_000, body): a cancel scope with a deadline in the timer heap.
    async structio(n) {
      counter = 0;
      await structioRun(async () => {
        for (let i = 0; i < n; i++) await moveOnAfter(MINUTE, body);
      });
      expectCount("bodies run", counter, n);
    },
    // Effection 4 has no timeout operation in its core; the documented idiom is
    // race([body, sleep(ms)]).
    async effection(n) {
      counter = 0;
      await effection.run(function* () {
        for (let i = 0; i < n; i++) yield* effection.race([bodyOp(), effection.sleep(MINUTE)]);
      });
      expectCount("bodies run", counter, n);
    },
    // Effect.timeout(body, "60 seconds").
    async effect(n) {
      counter = 0;
      const timed = Effect.timeout(bodyEffect, MINUTE);
      await Effect.runPromise(Effect.gen(function* () {
        for (let i = 0; i < n; i++) yield* timed;
      }));
      expectCount("bodies run", counter, n);
    },
  },
};

// ---------------------------------------------------------------------------------
// 4. checkpoints
// ---------------------------------------------------------------------------------

const checkpoints: ThroughputCase = {
  kind: "throughput",
  suite: SUITE,
  name: "checkpoint",
  count: 1_000_000,
  unit: "yield to the scheduler in a loop, one task",
  impls: {
    // `await null`: one microtask turn, no cancellation check.
    async baseline(n) {
      counter = 0;
      for (let i = 0; i < n; i++) {
        await null;
        counter++;
      }
      expectCount("checkpoints", counter, n);
    },
    // await checkpoint(): cancellation check, a microtask turn, and a macrotask yield
    // once per 5 ms time slice (looked at every 64 checkpoints).
    async structio(n) {
      counter = 0;
      await structioRun(async () => {
        for (let i = 0; i < n; i++) {
          await checkpoint();
          counter++;
        }
      });
      expectCount("checkpoints", counter, n);
    },
    // Effection 4 has no yield operation; the closest is waiting on a resolved
    // promise, `yield* until(Promise.resolve())` (a microtask turn through an action,
    // and a point where a halt is delivered). `sleep(0)` would be a setTimeout, about
    // 1 ms each.
    async effection(n) {
      counter = 0;
      await effection.run(function* () {
        for (let i = 0; i < n; i++) {
          yield* effection.until(Promise.resolve());
          counter++;
        }
      });
      expectCount("checkpoints", counter, n);
    },
    // Effect.yieldNow: back to Effect's scheduler (a setImmediate per yield in v4).
    async effect(n) {
      counter = 0;
      await Effect.runPromise(Effect.gen(function* () {
        for (let i = 0; i < n; i++) {
          yield* Effect.yieldNow;
          counter++;
        }
      }));
      expectCount("checkpoints", counter, n);
    },
  },
};

// ---------------------------------------------------------------------------------
// 5. heap per waiting task
// ---------------------------------------------------------------------------------

/** What the baseline waiters wait on; kept alive, so every waiter stays reachable. */
let neverSettles: Promise<void> = new Promise<void>(noop);

async function rawWaiter(): Promise<void> {
  counter++;
  await neverSettles;
}

async function parkedTask(): Promise<void> {
  counter++;
  await sleepForever();
}

function* parkedOp(): effection.Operation<void> {
  counter++;
  yield* effection.suspend();
}

const parkedEffect: Effect.Effect<void> = Effect.suspend(() => {
  counter++;
  return Effect.never;
});

const heapPerTask: MemoryCase = {
  kind: "memory",
  suite: SUITE,
  name: "heap-per-waiting-task",
  count: 100_000,
  unit: "heap bytes per task parked forever (after a full GC)",
  impls: {
    // n plain async functions awaiting one never-settling promise, their promises
    // kept in an array (as Promise.all would keep them).
    async baseline(n, measure) {
      counter = 0;
      let tasks: Promise<void>[] | null = [];
      for (let i = 0; i < n; i++) tasks.push(rawWaiter());
      expectCount("tasks parked", counter, n);
      measure();
      expectCount("tasks kept", tasks.length, n);
      tasks = null;
      // The waiters can never finish; drop them with the promise they wait on.
      neverSettles = new Promise<void>(noop);
    },
    // n tasks parked in sleepForever() inside one task group; handles not kept.
    async structio(n, measure) {
      counter = 0;
      await structioRun(() =>
        withTaskGroup(async (tg) => {
          for (let i = 0; i < n; i++) tg.startSoon(parkedTask);
          while (counter < n) await checkpoint();
          measure();
          tg.cancel();
        })
      );
    },
    // n tasks spawned into suspend() inside scoped(); leaving the scope halts them.
    async effection(n, measure) {
      counter = 0;
      await effection.run(function* () {
        yield* effection.scoped(function* () {
          for (let i = 0; i < n; i++) yield* effection.spawn(parkedOp);
          while (counter < n) yield* effection.until(Promise.resolve());
          measure();
        });
      });
    },
    // n fibers forked into Effect.never, then Fiber.interruptAll.
    async effect(n, measure) {
      counter = 0;
      await Effect.runPromise(Effect.gen(function* () {
        const fibers: Fiber.Fiber<void>[] = [];
        for (let i = 0; i < n; i++) fibers.push(yield* Effect.forkChild(parkedEffect));
        while (counter < n) yield* Effect.yieldNow;
        measure();
        yield* Fiber.interruptAll(fibers);
      }));
    },
  },
};

/** The suite, in the order the cases run. */
export const coreCases: readonly BenchCase[] = [
  spawnJoin,
  spawnCancel,
  timeoutScopes,
  checkpoints,
  heapPerTask,
];
