/**
 * Checkpoints: the only places where cancellation is delivered, and where a task lets
 * others run.
 *
 * @module
 */
import { currentFrame, type Runner } from "./context.ts";
import type { Waiter } from "./cancel-scope.ts";

/**
 * How long tasks may run on microtasks alone before a checkpoint yields a macrotask, so
 * that a busy loop of checkpoints never starves I/O and timers.
 */
const SLICE_MS = 5;
/** Checkpoints between two looks at the clock. */
const CLOCK_EVERY = 64;

/**
 * Returns a promise for a macrotask yield when this runner has run on microtasks for a
 * whole slice, and undefined otherwise (awaiting undefined yields one microtask).
 */
export function yieldPoint(runner: Runner): Promise<void> | undefined {
  if (++runner.checkpointsSinceYield % CLOCK_EVERY !== 0) return undefined;
  const backend = runner.backend;
  if (backend.now() - runner.lastYield < SLICE_MS) return undefined;
  return new Promise((resolve) =>
    backend.yieldMacrotask(() => {
      runner.lastYield = backend.now();
      resolve();
    })
  );
}

/**
 * Raises {@link Cancelled} if the current scope is cancelled, otherwise lets other tasks
 * run and raises if a cancellation arrived meanwhile. Call it in long loops that do not
 * otherwise wait, so they can be cancelled.
 *
 * @example
 * ```ts
 * import { checkpoint } from "structio";
 *
 * for (const item of bigList) {
 *   process(item);
 *   await checkpoint();
 * }
 * ```
 */
export async function checkpoint(): Promise<void> {
  const { task, scope } = currentFrame();
  if (scope._effective) throw scope._cancelledError();
  await yieldPoint(task.runner);
  if (scope._effective) throw scope._cancelledError();
}

/**
 * Raises {@link Cancelled} if the current scope is cancelled; never yields.
 *
 * @example
 * ```ts
 * import { checkpointIfCancelled } from "structio";
 *
 * await checkpointIfCancelled(); // cheap: no yield
 * ```
 */
export function checkpointIfCancelled(): Promise<void> {
  const { scope } = currentFrame();
  return scope._effective ? Promise.reject(scope._cancelledError()) : Promise.resolve();
}

/**
 * Lets other tasks run without checking for cancellation.
 *
 * @example
 * ```ts
 * import { cancelShieldedCheckpoint } from "structio";
 *
 * await cancelShieldedCheckpoint(); // yields even inside a cancelled scope
 * ```
 */
export async function cancelShieldedCheckpoint(): Promise<void> {
  await yieldPoint(currentFrame().task.runner);
}

/**
 * Parks the current task until `setup`'s resolve or reject is called, registered for
 * cancellation in the current scope. A cancellation wakes it with {@link Cancelled} and
 * runs the cleanup that `setup` returned, so nothing the wait set up is left behind.
 *
 * Completion wins: once resolved or rejected, the waiter is unregistered in the same
 * synchronous step, so a cancellation arriving after that cannot take the result away.
 *
 * @internal The building block of sleep(), Event.wait() and every other blocking call.
 */
export function parkUntil<T>(
  setup: (resolve: (value: T) => void, reject: (err: unknown) => void) => (() => void) | void,
): Promise<T> {
  const { task, scope } = currentFrame();
  if (scope._effective) return Promise.reject(scope._cancelledError());
  // A wait counts as a checkpoint for fairness too: a loop of waits that are satisfied at
  // once (a set event, a settled promise) would otherwise run on microtasks forever.
  // The macrotask yield comes before parking, so it cannot delay a delivered result.
  const pause = yieldPoint(task.runner);
  if (pause !== undefined) return pause.then(() => parkUntil(setup));
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let cancelledInSetup = false;
    let cleanup: (() => void) | void = undefined;
    const waiter: Waiter = {
      cancel(err) {
        if (done) return;
        done = true;
        scope._removeWaiter(waiter);
        if (cleanup) cleanup();
        else cancelledInSetup = true;
        reject(err);
      },
    };
    scope._addWaiter(waiter);
    cleanup = setup(
      (value) => {
        if (done) return;
        done = true;
        scope._removeWaiter(waiter);
        resolve(value);
      },
      (err) => {
        if (done) return;
        done = true;
        scope._removeWaiter(waiter);
        reject(err);
      },
    );
    // setup itself may have cancelled the scope before handing back its cleanup.
    if (cancelledInSetup && cleanup) cleanup();
  });
}
