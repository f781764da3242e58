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
  readonly #resolve: (value: T) => void;
  readonly #reject: (err: unknown) => void;

  constructor(scope: CancelScope, resolve: (value: T) => void, reject: (err: unknown) => void) {
    this.#scope = scope;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  /** Whether the wait has ended (resolved, rejected or cancelled). */
  get settled(): boolean {
    return this.#scope === null;
  }

  resolve(value: T): void {
    if (this.#settle()) this.#resolve(value);
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
 * {@link Parked} it is given, registered for cancellation in the current scope.
 *
 * @internal The building block of sleep(), Event.wait() and every other blocking call.
 */
export function parkUntil<T>(setup: (parked: Parked<T>) => void): Promise<T> {
  const scope = currentScope();
  const runner = scope._task!._runner;
  if (scope._effective) return Promise.reject(scope._cancelledError());
  const { promise, resolve, reject } = Promise.withResolvers<T>();
  const parked = new Parked<T>(scope, resolve, reject);
  scope._addWaiter(parked);
  setup(parked);
  // A wait counts as a checkpoint for fairness too: waits that are satisfied at once, or
  // by another task on microtasks alone (a ping-pong through a rendezvous stream), would
  // otherwise run forever without letting timers and I/O in. The waiter is registered
  // before the macrotask yield, so a hand-over or a cancellation during the yield is
  // delivered exactly as without it; only the caller's resumption waits.
  const pause = yieldPoint(runner);
  if (pause === undefined) return promise;
  promise.catch(ignore); // a rejection during the pause is handled by the chain below
  return pause.then(() => promise);
}

function ignore(): void {}
