/**
 * Tasks: one async call running under structio's control. The record the library keeps
 * for a task is also the handle its spawner gets, so a task costs one object besides
 * its cancel scope.
 *
 * @module
 */
import { CancelScope } from "./cancel-scope.ts";
import { type Parked, parkUntil } from "./checkpoint.ts";
import { currentScope, type Runner, setRootScopeFactory } from "./context.ts";
import { TaskCancelledError } from "./errors.ts";

/** Where a task is in its life. */
export type TaskState = "pending" | "running" | "finished" | "failed" | "cancelled";

let nextTaskId = 1;

/**
 * A snapshot of a task for introspection: its id, its parent's id and its name.
 *
 * @example
 * ```ts
 * import { getCurrentTask } from "structio";
 *
 * const me = getCurrentTask();
 * console.log(me.id, me.parentId, me.name);
 * ```
 */
export class TaskInfo {
  /** A number unique among the tasks of this process. */
  readonly id: number;
  /** The id of the task that owns the group this task runs in; null for a root task. */
  readonly parentId: number | null;
  /** The function's name (or "anonymous"). */
  readonly name: string;

  /** @internal */
  constructor(id: number, parentId: number | null, name: string) {
    this.id = id;
    this.parentId = parentId;
    this.name = name;
  }

  /** A short description, for logs. */
  toString(): string {
    return `TaskInfo(id=${this.id}, name=${JSON.stringify(this.name)})`;
  }
}

/** The function a task runs, and how the group hears of its end. */
// deno-lint-ignore no-explicit-any
type TaskFunction = (...args: any[]) => unknown;

/**
 * A handle on a task started with `TaskGroup.startSoon()`: its status, a way to cancel
 * it alone, and its result.
 *
 * @example
 * ```ts
 * import { withTaskGroup } from "structio";
 *
 * await withTaskGroup(async (tg) => {
 *   const handle = tg.startSoon(async (n: number) => n * 2, 21);
 *   console.log(handle.status); // "pending": it starts at the next checkpoint
 *   console.log(await handle.result()); // 42
 * });
 * ```
 */
export class TaskHandle<T> {
  /** The task's id (as in {@link TaskInfo}). */
  readonly id: number = nextTaskId++;
  /** @internal The task that owns the group this task runs in; null for a root. */
  _parent: TaskHandle<unknown> | null;
  /** @internal */
  readonly _runner: Runner;
  /** @internal The task's own scope: what cancel() cancels; re-parented by start(). */
  readonly _scope: CancelScope = new CancelScope();
  /** @internal */
  _state: TaskState = "pending";
  /** @internal The value, the error, or the cancel reason, as `_state` says. */
  _result: unknown = undefined;
  /** @internal What to call, until the task starts. */
  _fn: TaskFunction | null;
  /** @internal */
  _args: unknown[] | null;
  /** @internal The group the task belongs to; null for a root task. */
  _group: { _taskDone(failed: boolean, error: unknown): void } | null = null;
  /** @internal start() only: takes an end that comes before started(); true if it took it. */
  _beforeStarted: ((task: TaskHandle<unknown>) => boolean) | null = null;
  /** @internal result() calls waiting for the end (made on demand). */
  _waiting: Set<Parked<void>> | null = null;
  #name: string | undefined;
  #info: TaskInfo | undefined;

  /** @internal */
  constructor(runner: Runner, parent: TaskHandle<unknown> | null, fn: TaskFunction | null, args: unknown[] | null, name?: string) {
    this._runner = runner;
    this._parent = parent;
    this._fn = fn;
    this._args = args;
    this.#name = name;
  }

  /** The task's name: its function's name, or "anonymous". */
  get name(): string {
    // Read lazily: most tasks are never asked, and a function's name is not free to read.
    return (this.#name ??= typeof this._fn?.name === "string" && this._fn.name !== "" ? this._fn.name : "anonymous");
  }

  /** The task's {@link TaskInfo}, made again only when the task moves (start() does). */
  get info(): TaskInfo {
    return (this.#info ??= new TaskInfo(this.id, this._parent?.id ?? null, this.name));
  }

  /** `pending` until it starts, `running`, then `finished`, `failed` or `cancelled`. */
  get status(): TaskState {
    return this._state;
  }

  /** Cancels this task alone; the rest of the group goes on. */
  cancel(reason?: string): void {
    this._scope.cancel(reason);
  }

  /**
   * Waits for the task and returns its value. Rejects with the task's error if it
   * failed, or with {@link TaskCancelledError} if it was cancelled. The wait is a
   * checkpoint; a result that is already there is returned even if the caller is
   * cancelled.
   */
  async result(): Promise<T> {
    if (!this.#ended()) {
      await parkUntil<void>((parked) => {
        const waiting = (this._waiting ??= new Set());
        waiting.add(parked);
        parked.onCancel = () => waiting.delete(parked);
      });
    }
    if (this._state === "finished") return this._result as T;
    if (this._state === "failed") throw this._result;
    throw new TaskCancelledError(this.name, this._result as string | undefined);
  }

  /** @internal Moves the task under another parent task (a start()ed task joining its group). */
  _moveTo(parent: TaskHandle<unknown>): void {
    this._parent = parent;
    this.#info = undefined;
  }

  /** @internal Records the end of the task and wakes result() waiters. */
  _end(state: "finished" | "failed" | "cancelled", result: unknown): void {
    // The arguments may be large; the function is kept for the task's name.
    this._args = null;
    this._state = state;
    this._result = result;
    if (this._waiting !== null) {
      for (const parked of this._waiting) parked.resolve();
      this._waiting = null;
    }
  }

  #ended(): boolean {
    return this._state === "finished" || this._state === "failed" || this._state === "cancelled";
  }
}

setRootScopeFactory((runner: Runner, name: string): CancelScope => {
  const task = new TaskHandle<unknown>(runner, null, null, null, name);
  task._state = "running";
  task._scope._enter(null, task);
  runner.rootScope = task._scope;
  return task._scope;
});

/** @internal The live tasks of a run, oldest first: the tasks owning a scope in its tree. */
export function liveTasks(runner: Runner): TaskHandle<unknown>[] {
  const found: TaskHandle<unknown>[] = [];
  const visit = (scope: CancelScope) => {
    if (scope._task!._scope === scope) found.push(scope._task!);
    for (let child = scope._firstChild; child !== null; child = child._nextSibling) visit(child);
  };
  visit(runner.rootScope);
  return found.sort((a, b) => a.id - b.id);
}

/**
 * Returns the {@link TaskInfo} of the task that calls it. Outside `run()`, that is the
 * implicit root task.
 *
 * @example
 * ```ts
 * import { getCurrentTask, withTaskGroup } from "structio";
 *
 * await withTaskGroup(async (tg) => {
 *   tg.startSoon(async function worker() {
 *     console.log(getCurrentTask().name); // "worker"
 *   });
 * });
 * ```
 */
export function getCurrentTask(): TaskInfo {
  return currentScope()._task!.info;
}

/**
 * Returns the tasks alive in the current `run()` (root task included), oldest first.
 *
 * @example
 * ```ts
 * import { getRunningTasks } from "structio";
 *
 * for (const task of getRunningTasks()) console.log(task.id, task.name);
 * ```
 */
export function getRunningTasks(): TaskInfo[] {
  return liveTasks(currentScope()._task!._runner).map((task) => task.info);
}
