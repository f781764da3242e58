/**
 * Task groups: the only way to run tasks concurrently, so that no task outlives the
 * block that started it.
 *
 * @module
 */
import { CancelScope } from "./cancel-scope.ts";
import { currentScope, type Runner, runInScope } from "./context.ts";
import { isCancelled } from "./errors.ts";
import { ExceptionGroup } from "./exception-group.ts";
import { TaskHandle } from "./task.ts";

/**
 * What a task started with {@link TaskGroup.start} uses to say it is ready.
 *
 * @example
 * ```ts
 * import { type TaskStatus, withTaskGroup } from "structio";
 *
 * async function server(status: TaskStatus<number>) {
 *   const port = 8080; // bind a listener here
 *   status.started(port);
 *   // ... serve until cancelled
 * }
 *
 * await withTaskGroup(async (tg) => {
 *   const port = await tg.start(server);
 *   console.log("listening on", port);
 *   tg.cancel();
 * });
 * ```
 */
export interface TaskStatus<T = void> {
  /** Hands `value` to the caller of `start()` and moves the task into the group. */
  started(...value: T extends void ? [value?: T] : [value: T]): void;
}

const NEW = 0;
const ACTIVE = 1;
const CLOSED = 2;

function checkFunction(fn: unknown): void {
  if (typeof fn !== "function") throw new TypeError(`fn must be a function, not ${typeof fn}`);
}

const resolved = Promise.resolve();

/**
 * Queues a task to start. All tasks spawned before the spawner's next checkpoint start
 * together, in spawn order, from one microtask: cheaper than a microtask each, and the
 * reason no task ever starts before startSoon() returns.
 */
function scheduleStart(runner: Runner, task: TaskHandle<unknown>): void {
  runner.startQueue.push(task);
  if (runner.startScheduled) return;
  runner.startScheduled = true;
  void resolved.then(() => {
    runner.startScheduled = false;
    const queue = runner.startQueue;
    runner.startQueue = [];
    for (const queued of queue) runInScope(queued._scope, startTask, queued);
  });
}

/**
 * Starts a task's body; runs in the task's own scope. The end is taken with two
 * reactions on the body's promise rather than an async wrapper: a parked task then costs
 * two small closures instead of a whole suspended async function.
 */
function startTask(task: TaskHandle<unknown>): void {
  task._state = "running";
  let result: unknown;
  try {
    result = task._fn!(...task._args!);
  } catch (err) {
    endTask(task, err, true);
    return;
  }
  if (isThenable(result)) {
    Promise.resolve(result).then((value) => endTask(task, value, false), (err) => endTask(task, err, true));
  } else {
    endTask(task, result, false);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === "object" || typeof value === "function") &&
    typeof (value as PromiseLike<unknown>).then === "function";
}

/** Records how a task ended and tells its group; never throws. */
function endTask(task: TaskHandle<unknown>, result: unknown, threw: boolean): void {
  let state: "finished" | "failed" | "cancelled" = "finished";
  if (threw) {
    if (task._scope._absorbs(result) || isCancelled(result)) {
      state = "cancelled";
      result = task._scope._originReason();
    } else {
      state = "failed";
    }
  }
  task._scope._exit();
  task._end(state, result);
  const tookIt = task._beforeStarted !== null && task._beforeStarted(task);
  task._group!._taskDone(state === "failed" && !tookIt, result);
}

/**
 * A group of concurrent tasks, entered with {@link withTaskGroup}. The group waits for
 * all its tasks; the first task that fails cancels the rest, and the group then throws
 * one {@link ExceptionGroup} with every failure.
 *
 * @example
 * ```ts
 * import { sleep, withTaskGroup } from "structio";
 *
 * await withTaskGroup(async (tg) => {
 *   tg.startSoon(sleep, 100);
 *   tg.startSoon(sleep, 200);
 * }); // returns after about 200 ms
 * ```
 */
export class TaskGroup {
  /** The scope that all tasks of the group, and the body, run in. */
  readonly cancelScope: CancelScope = new CancelScope();
  #state = NEW;
  #host: TaskHandle<unknown> | null = null;
  /** Tasks that count for the group's end: started ones, and start()s under way. */
  #pending = 0;
  #errors: unknown[] = [];
  #whenIdle: (() => void) | null = null;

  /** @internal Use {@link withTaskGroup}. */
  constructor() {}

  /**
   * Starts `fn(...args)` as a new task in the group and returns its handle. The task
   * starts once the caller reaches its next checkpoint, never before `startSoon`
   * returns. The task's name is the function's name.
   */
  startSoon<A extends unknown[], T>(
    fn: (...args: A) => T | PromiseLike<T>,
    ...args: A
  ): TaskHandle<Awaited<T>> {
    checkFunction(fn);
    this.#checkActive();
    const task = this.#spawn(fn, args, this.cancelScope, this.#host!);
    this.#pending++;
    scheduleStart(task._runner, task);
    return task as TaskHandle<Awaited<T>>;
  }

  /**
   * Starts `fn(taskStatus, ...args)` and waits until it calls `taskStatus.started(value)`,
   * then returns `value`. Until then the task runs under the caller's cancel scope, and
   * an error it raises goes to the caller; after that it belongs to the group.
   */
  async start<T = void, A extends unknown[] = []>(
    fn: (taskStatus: TaskStatus<T>, ...args: A) => unknown,
    ...args: A
  ): Promise<T> {
    checkFunction(fn);
    this.#checkActive();
    const caller = currentScope();
    if (caller._effective) throw caller._cancelledError();
    return await new Promise<T>((resolve, reject) => {
      let phase: "starting" | "started" | "ended" = "starting";
      const status: TaskStatus<T> = {
        started: (...values: unknown[]) => {
          if (phase === "started") throw new Error("taskStatus.started() was called twice");
          if (phase === "ended") throw new Error("taskStatus.started() was called after the task ended");
          this.#checkActive();
          phase = "started";
          // The task leaves the caller's scope for the group's; from here on its
          // errors go to the group.
          task._scope._attach(this.cancelScope);
          task._moveTo(this.#host!);
          resolve(values[0] as T);
        },
      };
      const task = this.#spawn(fn, [status, ...args], caller, caller._task!);
      task._beforeStarted = (ended) => {
        if (phase === "started") return false;
        phase = "ended";
        reject(
          ended._state === "finished"
            ? new Error(`task ${JSON.stringify(ended.name)} returned without calling taskStatus.started()`)
            : ended._state === "failed"
            ? ended._result
            : ended._scope._cancelledError(),
        );
        return true;
      };
      // The group counts the task from now on, so it stays open while the task starts
      // up (as Trio's start() keeps a nursery open), even though until started() the
      // task runs under the caller's scope and its errors go to the caller.
      this.#pending++;
      scheduleStart(task._runner, task);
    });
  }

  /** Cancels every task in the group and the group's body (`cancelScope.cancel()`). */
  cancel(reason?: string): void {
    this.cancelScope.cancel(reason);
  }

  /** @internal Runs the body, then waits for the tasks; see withTaskGroup. */
  async _run<T>(fn: (tg: TaskGroup) => T | PromiseLike<T>): Promise<T> {
    checkFunction(fn);
    const result = await this.cancelScope.run(async () => {
      this.#host = currentScope()._task!;
      this.#state = ACTIVE;
      let bodyError: unknown;
      let bodyFailed = false;
      let value: T | undefined;
      try {
        value = await fn(this);
      } catch (err) {
        bodyFailed = true;
        bodyError = err;
        this.#fail(err);
      }
      let waited = false;
      if (this.#pending > 0) {
        waited = true;
        // Not a cancellable wait: cancellation reaches the tasks through the scope tree,
        // and the group must outlive every one of them whatever happens.
        await new Promise<void>((resolve) => (this.#whenIdle = resolve));
      }
      this.#state = CLOSED;
      if (this.#errors.length > 0) {
        throw new ExceptionGroup("unhandled errors in a task group", this.#errors);
      }
      if (bodyFailed) throw bodyError;
      // Leaving a group that had to wait is a checkpoint for outer cancellation; the
      // group's own cancellation is absorbed right here, so the body's value survives.
      if (waited && this.cancelScope._parentCancelVisible()) {
        throw this.cancelScope._cancelledError();
      }
      return value as T;
    });
    return result as T;
  }

  /** @internal A task of the group ended; `failed` says whether its error is ours. */
  _taskDone(failed: boolean, error: unknown): void {
    if (failed) this.#fail(error);
    if (--this.#pending === 0 && this.#whenIdle !== null) {
      const wake = this.#whenIdle;
      this.#whenIdle = null;
      wake();
    }
  }

  #checkActive(): void {
    if (this.#state !== ACTIVE) {
      throw new Error(
        this.#state === NEW
          ? "this task group has not been entered; use withTaskGroup()"
          : "this task group is closed; no new tasks can be started in it",
      );
    }
  }

  #spawn(
    // deno-lint-ignore no-explicit-any
    fn: (...args: any[]) => unknown,
    args: unknown[],
    parentScope: CancelScope,
    parentTask: TaskHandle<unknown>,
  ): TaskHandle<unknown> {
    const task: TaskHandle<unknown> = new TaskHandle<unknown>(parentTask._runner, parentTask, fn, args);
    task._group = this;
    task._scope._enter(parentScope, task);
    return task;
  }

  /** Records a failure (once) and cancels the group, as the first failure must. */
  #fail(err: unknown): void {
    // The same error object can arrive twice (a body that rethrows what
    // handle.result() gave it); primitives are kept as often as they were thrown.
    if (!isCancelled(err) && (typeof err !== "object" || err === null || !this.#errors.includes(err))) {
      this.#errors.push(err);
    }
    this.cancelScope.cancel();
  }
}

/**
 * Runs `fn` with a new {@link TaskGroup}, waits for every task started in it, and
 * returns `fn`'s result. If the body or any task fails, the rest are cancelled and one
 * {@link ExceptionGroup} with every failure is thrown (even for a single one).
 *
 * @example
 * ```ts
 * import { sleep, withTaskGroup } from "structio";
 *
 * const results: string[] = [];
 * await withTaskGroup(async (tg) => {
 *   for (const name of ["a", "b", "c"]) {
 *     tg.startSoon(async () => {
 *       await sleep(10);
 *       results.push(name);
 *     });
 *   }
 * });
 * console.log(results.sort()); // ["a", "b", "c"]
 * ```
 */
export function withTaskGroup<T>(fn: (tg: TaskGroup) => T | PromiseLike<T>): Promise<T> {
  return new TaskGroup()._run(fn);
}
