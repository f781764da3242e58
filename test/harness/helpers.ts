/**
 * Small helpers shared by the test files under test/core: events and deferreds for making
 * tasks wait for each other, assertions about errors and busy loops, and the command that
 * runs a fixture script in a child process.
 *
 * @module
 */
import assert from "node:assert/strict";
import process from "node:process";
import { abandonOnCancel, currentRuntime, sleep, sleepForever, withTaskGroup } from "../../src/index.ts";

/** A plain promise together with the function that resolves it. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
}

/**
 * A plain deferred: awaiting `promise` is not a checkpoint and cannot be cancelled. For
 * tests of the cancellation machinery itself (CancelScope, abandonOnCancel), whose waits
 * must not go through structio; elsewhere prefer makeEvent().
 */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A one-shot event made by makeEvent(). */
export interface TestEvent {
  /** Whether set() has been called. */
  readonly isSet: boolean;
  /** Fires the event, waking every waiter; later calls do nothing more. */
  set(): void;
  /** Resolves once the event is set; a cancellable checkpoint (abandonOnCancel). */
  wait(): Promise<void>;
}

/**
 * A one-shot event for making tasks wait for each other. Its wait() is a cancellable
 * checkpoint (built on abandonOnCancel), so a task parked in it is woken by a cancellation
 * like any other structio wait; use deferred() for a wait that cannot be cancelled.
 */
export function makeEvent(): TestEvent {
  const fired = deferred();
  let isSet = false;
  return {
    get isSet(): boolean {
      return isSet;
    },
    set(): void {
      isSet = true;
      fired.resolve();
    },
    wait(): Promise<void> {
      return abandonOnCancel(fired.promise);
    },
  };
}

/** A task body that parks in sleepForever(), made by makeSleeper(). */
export interface Sleeper {
  /** Resolves once a task running `body` is asleep (a plain promise, see deferred()). */
  readonly parked: Promise<void>;
  /** What woke the sleeper: undefined while it sleeps. */
  readonly wokeWith: unknown;
  /** Resolves `parked`, sleeps forever, and records and rethrows whatever wakes it. */
  readonly body: () => Promise<void>;
}

/**
 * A task that parks in sleepForever() until it is cancelled, for tests that cancel a
 * scope from another task and then check what woke the sleeper: run `body` in a task,
 * await `parked`, cancel, then look at `wokeWith`.
 */
export function makeSleeper(): Sleeper {
  const parked = deferred();
  let wokeWith: unknown;
  return {
    parked: parked.promise,
    get wokeWith(): unknown {
      return wokeWith;
    },
    body: async () => {
      try {
        parked.resolve();
        await sleepForever();
      } catch (err) {
        wokeWith = err;
        throw err;
      }
    },
  };
}

/**
 * Runs `fn` and returns what it threw or rejected with; fails the test if it did
 * neither. Works for synchronous and asynchronous functions alike.
 */
export async function thrownBy(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  assert.fail("expected the call to throw or reject");
}

/**
 * Asserts that calling `fn` does not throw, and returns a promise that rejects with an
 * instance of `cls`: what a caller relying on `.catch()` needs of an async API.
 * Resolves with the error, for checks of its message.
 */
export async function rejectsWithoutThrowing(
  fn: () => Promise<unknown>,
  cls: new (...args: never[]) => Error,
): Promise<Error> {
  let promise: Promise<unknown> | undefined;
  assert.doesNotThrow(() => (promise = fn()), "the call threw instead of returning a rejected promise");
  const error = await thrownBy(() => promise);
  assert.ok(error instanceof cls, `expected ${cls.name}, got ${String(error)}`);
  return error;
}

/**
 * Asserts that calling `fn` throws, or returns a promise that rejects, with an instance of
 * `cls` whose message matches `pattern` when one is given.
 */
export async function throwsOrRejects(
  fn: () => unknown,
  cls: new (...args: never[]) => Error,
  pattern?: RegExp,
): Promise<void> {
  const error = await thrownBy(fn);
  assert.ok(error instanceof cls, `expected ${cls.name}, got ${String(error)}`);
  if (pattern !== undefined) assert.match((error as Error).message, pattern);
}

/**
 * Busy loops in tests stop after this many turns, so that starvation fails the test
 * instead of freezing the runner (a starved runner cannot fire its hang guard). A working
 * scheduler lets a timer through long before: it yields a macrotask every few ms.
 */
export const MAX_SPINS = 1_000_000;

/**
 * Asserts that a busy loop awaiting `step(spin)` over and over does not starve another
 * task's 2 ms timer: the loop runs until the timer has fired, for at most MAX_SPINS
 * turns. `what` names the steps in the failure message (e.g. "checkpoints").
 */
export async function assertBusyLoopLetsTimerFire(
  step: (spin: number) => Promise<unknown>,
  what: string,
): Promise<void> {
  let done = false;
  let doneInLoop = false;
  let spins = 0;
  await withTaskGroup(async (tg) => {
    tg.startSoon(async () => {
      await sleep(2);
      done = true;
    });
    while (!done && spins < MAX_SPINS) {
      await step(spins);
      spins++;
    }
    doneInLoop = done;
  });
  assert.equal(doneInLoop, true, `the timer never ran during ${spins} ${what}`);
}

/**
 * The command that runs a script on the runtime running these tests: the executable
 * followed by the arguments that go before the script's path. For tests that run a
 * fixture in a child process.
 */
export function runtimeCommand(): [string, ...string[]] {
  switch (currentRuntime()) {
    case "deno":
      return [process.execPath, "run", "-A", "--quiet", "--unstable-net"];
    case "bun":
      return [process.execPath, "run"];
    default:
      return [process.execPath];
  }
}
