/**
 * Cancel scopes: the unit of cancellation.
 *
 * Scopes form a tree that mirrors the nesting of `scope.run()` calls and task groups.
 * Each active scope caches whether it is *effectively* cancelled, that is cancelled
 * itself or inside a cancelled ancestor with no shield in between, so a checkpoint costs
 * one property read. The cache is pushed down the tree whenever it can change: on
 * `cancel()`, on a `shield` change, on entering a scope and on re-parenting a task.
 *
 * @module
 */
import { Cancelled } from "./errors.ts";
import { currentScope, runInScope } from "./context.ts";
import type { TaskHandle } from "./task.ts";
import type { TimerEntry } from "./timer-queue.ts";

/** Something parked at a checkpoint that a cancellation must wake. */
export interface Waiter {
  /** Wakes the waiter with `err`; it unregisters itself. */
  cancel(err: Cancelled): void;
}

/** Options for {@link CancelScope}. */
export interface CancelScopeOptions {
  /** Absolute clock value (see `currentTime()`) at which the scope cancels itself. */
  deadline?: number;
  /** Whether cancellation from outside is kept out of the scope. */
  shield?: boolean;
  /** An outside signal: when it aborts, the scope is cancelled with its reason. */
  abortSignal?: AbortSignal;
}

const IDLE = 0;
const ACTIVE = 1;
const EXITED = 2;

/** The reason recorded when a scope's deadline expires. */
export const DEADLINE_REASON = "deadline exceeded";

export function checkDeadline(value: unknown, name: string): number {
  if (typeof value !== "number") throw new TypeError(`${name} must be a number, not ${typeof value}`);
  if (Number.isNaN(value)) throw new RangeError(`${name} must not be NaN`);
  return value;
}

function reasonText(reason: unknown): string | undefined {
  if (reason === undefined) return undefined;
  if (typeof reason === "string") return reason;
  if (reason instanceof Error) return reason.message;
  return String(reason);
}

/**
 * A scope that can be cancelled, explicitly or by a deadline, and that absorbs its own
 * cancellation when the body ends because of it.
 *
 * Enter it with `run()`. While the scope is cancelled, every checkpoint inside it raises
 * {@link Cancelled} (level-triggered). A shielded scope keeps out cancellation from
 * outer scopes, but not its own.
 *
 * @example
 * ```ts
 * import { CancelScope, currentTime, sleep } from "structio";
 *
 * const scope = new CancelScope({ deadline: currentTime() + 50 });
 * await scope.run(async () => {
 *   await sleep(1000); // cancelled after 50 ms
 * });
 * console.log(scope.cancelledCaught); // true
 * ```
 */
export class CancelScope {
  #deadline: number;
  #shield: boolean;
  #cancelCalled = false;
  #cancelledCaught = false;
  #deadlineCaused = false;
  #reason: string | undefined;
  #state = IDLE;
  #timer: TimerEntry | null = null;
  #controller: AbortController | null = null;
  readonly #abortSignal: AbortSignal | undefined;
  #abortListener: (() => void) | null = null;

  /** @internal The enclosing scope while active. */
  _parent: CancelScope | null = null;
  /**
   * @internal Active scopes directly inside this one, as an intrusive doubly-linked list
   * in the order they were entered: linking and unlinking allocate nothing, which
   * matters for a group with 100k short tasks.
   */
  _firstChild: CancelScope | null = null;
  /** @internal */
  _lastChild: CancelScope | null = null;
  /** @internal */
  _prevSibling: CancelScope | null = null;
  /** @internal */
  _nextSibling: CancelScope | null = null;
  /**
   * @internal The checkpoint parked directly in this scope. Only the task that entered a
   * scope runs in it, and a task waits for one thing at a time, so one slot is the rule;
   * `_moreWaiters` takes the rest (concurrent waits through Promise.all, say).
   */
  _waiter: Waiter | null = null;
  /** @internal Further parked checkpoints (made on demand). */
  _moreWaiters: Set<Waiter> | null = null;
  /** @internal Cached: cancelled itself, or by a visible ancestor. */
  _effective = false;
  /** @internal The task running in this scope (its runner holds the deadline timer). */
  _task: TaskHandle<unknown> | null = null;

  constructor(options?: CancelScopeOptions) {
    if (options === undefined) {
      // The common case, and the one every task takes for its own scope: no checks.
      this.#deadline = Infinity;
      this.#shield = false;
      this.#abortSignal = undefined;
      return;
    }
    if (typeof options !== "object" || options === null) {
      throw new TypeError("options must be an object");
    }
    const { deadline = Infinity, shield = false, abortSignal } = options;
    this.#deadline = checkDeadline(deadline, "deadline");
    if (typeof shield !== "boolean") throw new TypeError("shield must be a boolean");
    this.#shield = shield;
    if (abortSignal !== undefined && !(abortSignal instanceof AbortSignal)) {
      throw new TypeError("abortSignal must be an AbortSignal");
    }
    this.#abortSignal = abortSignal;
  }

  /** The absolute deadline (clock value); `Infinity` when there is none. */
  get deadline(): number {
    return this.#deadline;
  }

  set deadline(value: number) {
    this.#deadline = checkDeadline(value, "deadline");
    if (this.#state === ACTIVE) this.#scheduleDeadline();
  }

  /** Whether cancellation from enclosing scopes is kept out. */
  get shield(): boolean {
    return this.#shield;
  }

  set shield(value: boolean) {
    if (typeof value !== "boolean") throw new TypeError("shield must be a boolean");
    this.#shield = value;
    if (this.#state === ACTIVE) this._update();
  }

  /** Whether `cancel()` was called or the deadline expired. */
  get cancelCalled(): boolean {
    return this.#cancelCalled;
  }

  /** Whether the scope ended its body by absorbing its own cancellation. */
  get cancelledCaught(): boolean {
    return this.#cancelledCaught;
  }

  /** The reason of the first cancellation: the one given to `cancel()`, or the deadline's. */
  get cancelReason(): string | undefined {
    return this.#reason;
  }

  /** Whether the deadline, and not an explicit `cancel()`, cancelled this scope. */
  get cancelledByDeadline(): boolean {
    return this.#deadlineCaused;
  }

  /** Whether code inside the scope is cancelled now (by this scope or a visible outer one). */
  get isEffectivelyCancelled(): boolean {
    return this._effective;
  }

  /**
   * An AbortSignal that aborts (with a {@link Cancelled} as its reason) once this scope
   * is effectively cancelled. Pass it to `fetch` and other APIs that take a signal.
   */
  get signal(): AbortSignal {
    if (this.#controller === null) {
      this.#controller = new AbortController();
      if (this._effective) this.#controller.abort(this._cancelledError());
    }
    return this.#controller.signal;
  }

  /**
   * Cancels the scope: every checkpoint inside it raises {@link Cancelled} from now on,
   * and waiters parked inside it wake at once. Calling it again does nothing; the first
   * reason is kept. It may be called before the scope is entered.
   */
  cancel(reason?: string): void {
    if (reason !== undefined && typeof reason !== "string") {
      throw new TypeError("reason must be a string");
    }
    this.#cancel(reason, false);
  }

  /**
   * Runs `fn` inside the scope and returns its result, or `undefined` when the scope
   * absorbed its own cancellation. A scope can be entered once.
   */
  async run<T>(fn: (scope: this) => T | PromiseLike<T>): Promise<T | undefined> {
    if (typeof fn !== "function") throw new TypeError("fn must be a function");
    const parent = currentScope();
    this._enter(parent, parent._task!);
    try {
      return await runInScope(this, fn, this);
    } catch (err) {
      if (this._absorbs(err)) return undefined;
      throw err;
    } finally {
      this._exit();
    }
  }

  /**
   * @internal Attaches the scope under `parent` (null for a root) and activates it, for
   * `task`: the task that runs in it.
   */
  _enter(parent: CancelScope | null, task: TaskHandle<unknown>): void {
    if (this.#state !== IDLE) {
      throw new Error(
        this.#state === ACTIVE
          ? "this CancelScope is already active; a scope can be entered only once"
          : "this CancelScope was already used; a scope can be entered only once",
      );
    }
    this.#state = ACTIVE;
    this._task = task;
    this._attach(parent);
    this.#scheduleDeadline();
    const signal = this.#abortSignal;
    if (signal !== undefined) {
      if (signal.aborted) {
        this.#cancel(reasonText(signal.reason) ?? "aborted by an AbortSignal", false);
      } else {
        this.#abortListener = () =>
          this.#cancel(reasonText(signal.reason) ?? "aborted by an AbortSignal", false);
        signal.addEventListener("abort", this.#abortListener, { once: true });
      }
    }
  }

  /**
   * @internal Moves the scope under another parent (a task moving into its group after
   * `started()`). The cached state is recomputed, so a task that moves into a cancelled
   * group is woken at once.
   */
  _attach(parent: CancelScope | null): void {
    this.#unlink();
    this._parent = parent;
    if (parent !== null) {
      this._prevSibling = parent._lastChild;
      if (parent._lastChild !== null) parent._lastChild._nextSibling = this;
      else parent._firstChild = this;
      parent._lastChild = this;
    }
    this._update();
  }

  /** Takes the scope out of its parent's list of children. */
  #unlink(): void {
    const parent = this._parent;
    if (parent === null) return;
    if (this._prevSibling !== null) this._prevSibling._nextSibling = this._nextSibling;
    else parent._firstChild = this._nextSibling;
    if (this._nextSibling !== null) this._nextSibling._prevSibling = this._prevSibling;
    else parent._lastChild = this._prevSibling;
    this._prevSibling = this._nextSibling = null;
  }

  /** @internal Whether an error ending the body is this scope's own cancellation. */
  _absorbs(err: unknown): boolean {
    if (!(err instanceof Cancelled) || !this.#cancelCalled || this._parentCancelVisible()) {
      return false;
    }
    this.#cancelledCaught = true;
    return true;
  }

  /** @internal Detaches the scope when its body has ended. */
  _exit(): void {
    this.#state = EXITED;
    if (this.#timer !== null) this._task!._runner.timers.remove(this.#timer);
    this.#timer = null;
    if (this.#abortListener !== null) {
      this.#abortSignal!.removeEventListener("abort", this.#abortListener);
      this.#abortListener = null;
    }
    this.#unlink();
  }

  /** @internal Whether an enclosing cancellation reaches through to this scope. */
  _parentCancelVisible(): boolean {
    return !this.#shield && this._parent !== null && this._parent._effective;
  }

  /**
   * @internal Recomputes the cached effective state and pushes a change down the tree.
   * Waking on the way down is what makes cancellation reach every parked checkpoint.
   *
   * Every scope reached by one propagation is cancelled by the same origin, so they share
   * one Cancelled (made on first need): cancelling a group of 100k sleeping tasks builds
   * one error and one stack trace, not 100k.
   */
  _update(shared: { err?: Cancelled } = {}): void {
    const effective = this.#cancelCalled || this._parentCancelVisible();
    if (effective === this._effective) return;
    this._effective = effective;
    if (effective) {
      if (this._waiter !== null || (this._moreWaiters !== null && this._moreWaiters.size > 0)) {
        const err = (shared.err ??= this._cancelledError());
        this._waiter?.cancel(err);
        // A waiter removes itself when woken; Set iteration tolerates that.
        if (this._moreWaiters !== null) for (const waiter of this._moreWaiters) waiter.cancel(err);
      }
      if (this.#controller !== null && !this.#controller.signal.aborted) {
        this.#controller.abort(shared.err ??= this._cancelledError());
      }
    }
    // Read the next sibling first: an abort listener run above may end a child scope.
    for (let child = this._firstChild; child !== null;) {
      const next = child._nextSibling;
      child._update(shared);
      child = next;
    }
  }

  /** @internal Registers a parked checkpoint to wake on cancellation. */
  _addWaiter(waiter: Waiter): void {
    if (this._waiter === null) this._waiter = waiter;
    else (this._moreWaiters ??= new Set()).add(waiter);
  }

  /** @internal Unregisters a parked checkpoint (woken, or done waiting). */
  _removeWaiter(waiter: Waiter): void {
    if (this._waiter === waiter) this._waiter = null;
    else this._moreWaiters?.delete(waiter);
  }

  /** @internal A Cancelled naming the reason of the scope that cancelled this one. */
  _cancelledError(): Cancelled {
    return new Cancelled(this._originReason());
  }

  /** @internal The reason of the scope whose cancellation reaches this one. */
  _originReason(): string | undefined {
    if (this.#cancelCalled) return this.#reason;
    if (this.#shield || this._parent === null) return undefined;
    return this._parent._originReason();
  }

  #cancel(reason: string | undefined, byDeadline: boolean): void {
    if (this.#cancelCalled) return;
    this.#cancelCalled = true;
    this.#reason = reason;
    this.#deadlineCaused = byDeadline;
    if (this.#timer !== null) {
      this._task!._runner.timers.remove(this.#timer);
      this.#timer = null;
    }
    if (this.#state === ACTIVE) this._update();
  }

  #scheduleDeadline(): void {
    const runner = this._task!._runner;
    const timers = runner.timers;
    if (this.#timer !== null) timers.remove(this.#timer);
    this.#timer = null;
    if (this.#cancelCalled || this.#deadline === Infinity) return;
    if (this.#deadline <= runner.backend.now()) {
      this.#cancel(DEADLINE_REASON, true);
    } else {
      this.#timer = timers.add(this.#deadline, () => {
        this.#timer = null;
        this.#cancel(DEADLINE_REASON, true);
      });
    }
  }
}
