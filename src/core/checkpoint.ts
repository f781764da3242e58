/**
 * Checkpoints: the only places where cancellation is delivered, and where a task lets
 * others run.
 *
 * @module
 */
import { currentScope, type Runner } from "./context.ts";
import type { CancelScope, Waiter } from "./cancel-scope.ts";
import type { Cancelled } from "./errors.ts";

/**
 * How long tasks may run on microtasks alone before the runner yields a macrotask, so
 * that a busy loop of checkpoints or waits never starves I/O and timers.
 */
const SLICE_MS = 5;
/** Checkpoints and waits between two looks at the clock. */
const CLOCK_EVERY = 64;

/**
 * Counts a checkpoint or a wait and, once the runner has run on microtasks for a whole
 * slice, starts a *pause*: a macrotask yield shared by the whole runner. Returns the
 * pause in progress, if any (awaiting undefined yields one microtask).
 *
 * While a pause is in progress, checkpoints wait for it and every wait that is handed
 * its result has the hand-over deferred to it (see Parked.resolve), in the order of the
 * hand-overs. That is how the microtask chain ends and timers and I/O get their turn,
 * without ever changing the order in which waiters resume: a wait never gets a delay of
 * its own.
 */
export function yieldPoint(runner: Runner): Promise<void> | undefined {
  if (runner.pause !== null) return runner.pause;
  if (++runner.checkpointsSinceYield % CLOCK_EVERY !== 0) return undefined;
  const backend = runner.backend;
  if (runner.loopTurned) {
    runner.loopTurned = false;
    runner.lastYield = backend.now();
    return undefined;
  }
  if (backend.now() - runner.lastYield < SLICE_MS) return undefined;
  runner.pause = new Promise((resolve) =>
    backend.yieldMacrotask(() => {
      runner.lastYield = backend.now();
      runner.pause = null;
      const deferred = runner.deferred;
      runner.deferred = [];
      resolve();
      for (const handOver of deferred) handOver();
    })
  );
  return runner.pause;
}

/**
 * Raises {@link Cancelled} if the current scope is cancelled; never yields. Returns the
 * scope's runner, for the yield that completes the checkpoint (see `yieldPoint`).
 *
 * @internal The first half of a checkpoint whose second half must not raise.
 */
export function raiseIfCancelled(): Runner {
  const scope = currentScope();
  if (scope._effective) throw scope._cancelledError();
  return scope._task!._runner;
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
  const scope = currentScope();
  const runner = scope._task!._runner;
  if (scope._effective) throw scope._cancelledError();
  await yieldPoint(runner);
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
  const scope = currentScope();
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
  await yieldPoint(currentScope()._task!._runner);
}

/**
 * A task parked at a blocking call. The code that parks it arranges for `resolve()` or
 * `reject()` to be called, and may set `onCancel` to undo what it arranged; a
 * cancellation of the scope calls `onCancel` and rejects with {@link Cancelled}.
 *
 * Completion wins: the first of resolve, reject and cancel unregisters the waiter in the
 * same synchronous step, so a cancellation arriving after a result cannot take it away.
 *
 * @internal
 */
export class Parked<T> implements Waiter {
  /** Undoes the wait's arrangements (a timer, a queue slot) when it is cancelled. */
  onCancel: (() => void) | null = null;
  #scope: CancelScope | null;
  /** The runner of the parked task. */
  readonly runner: Runner;
  readonly #resolve: (value: T) => void;
  readonly #reject: (err: unknown) => void;

  constructor(scope: CancelScope, resolve: (value: T) => void, reject: (err: unknown) => void) {
    this.#scope = scope;
    this.runner = scope._task!._runner;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  /** Whether the wait has ended (resolved, rejected or cancelled). */
  get settled(): boolean {
    return this.#scope === null;
  }

  /**
   * Hands the result over. The waiter is unregistered at once (completion wins); during
   * a runner pause the resumption itself is deferred to the pause's end, in order.
   */
  resolve(value: T): void {
    if (!this.#settle()) return;
    if (this.runner.pause === null) this.#resolve(value);
    else this.runner.deferred.push(() => this.#resolve(value));
  }

  reject(err: unknown): void {
    if (this.#settle()) this.#reject(err);
  }

  cancel(err: Cancelled): void {
    if (!this.#settle()) return;
    if (this.onCancel !== null) this.onCancel();
    this.#reject(err);
  }

  #settle(): boolean {
    const scope = this.#scope;
    if (scope === null) return false;
    this.#scope = null;
    scope._removeWaiter(this);
    return true;
  }
}

/**
 * Parks the current task until `setup`'s arrangements resolve or reject the
 * {@link Parked} it is given, registered for cancellation in the current scope. `setup`
 * also gets `arg`, so that a hot caller can pass a module-level function and its data
 * instead of making a closure per wait.
 *
 * @internal The building block of sleep(), Event.wait() and every other blocking call.
 */
export function parkUntil<T>(setup: (parked: Parked<T>) => void): Promise<T>;
export function parkUntil<T, A>(setup: (parked: Parked<T>, arg: A) => void, arg: A): Promise<T>;
export function parkUntil<T, A>(setup: (parked: Parked<T>, arg?: A) => void, arg?: A): Promise<T> {
  const scope = currentScope();
  if (scope._effective) return Promise.reject(scope._cancelledError());
  // A wait counts for fairness like a checkpoint: waits satisfied at once, or by another
  // task on microtasks alone (a ping-pong through a lock), must not run forever without
  // letting timers and I/O in. Counting comes first, so that a pause it starts also
  // defers a hand-over made right away in setup.
  yieldPoint(scope._task!._runner);
  // An executor, not Promise.withResolvers(): Bun's withResolvers took 18% of a
  // ping-pong's time in a profile, and this form is faster on Node too.
  let parked!: Parked<T>;
  const promise = new Promise<T>((resolve, reject) => {
    parked = new Parked<T>(scope, resolve, reject);
  });
  scope._addWaiter(parked);
  setup(parked, arg);
  return promise;
}

/**
 * Parks the current task until an outside event: `subscribe(ready)` registers `ready`
 * with an event source (a socket's readiness, say) and returns a function that
 * unregisters it, which a cancellation calls.
 *
 * `ready` runs in an event-loop callback, so when it fires the loop has just turned:
 * the runner then skips its next fairness pause (see yieldPoint), which would only
 * delay tasks that are already taking turns with I/O.
 *
 * @internal The building block of socket receives, sends and accepts.
 */
export function waitForEvent(subscribe: (ready: () => void) => () => void): Promise<void> {
  return parkUntil(subscribeToEvent, subscribe);
}

/**
 * waitForEvent's setup, at module level: a socket round trip waits twice, and a setup
 * closure per wait cost 2% of an in-memory round trip on Bun and 3% on Node
 * (bench/probes/front-end-pair.ts).
 */
function subscribeToEvent(parked: Parked<void>, subscribe: (ready: () => void) => () => void): void {
  parked.onCancel = subscribe(() => {
    parked.runner.loopTurned = true;
    parked.resolve();
  });
}
