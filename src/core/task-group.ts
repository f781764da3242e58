/**
 * Task groups: the only way to run tasks concurrently, so that no task outlives the
 * block that started it.
 *
 * @module
 */
import { CancelScope } from "./cancel-scope.ts";
import { parkUntil } from "./checkpoint.ts";
import { currentFrame, runInFrame } from "./context.ts";
import { isCancelled, TaskCancelledError } from "./errors.ts";
import { ExceptionGroup } from "./exception-group.ts";
import { Task, type TaskInfo, type TaskState } from "./task.ts";

/** What a task ended with. */
type Outcome =
  | { readonly kind: "value"; readonly value: unknown }
  | { readonly kind: "error"; readonly error: unknown }
  | { readonly kind: "cancelled"; readonly reason: string | undefined };

/** Per-task bookkeeping the group keeps beside the task record. */
interface Child {
  readonly task: Task;
  outcome: Outcome | null;
  /** Callbacks of `TaskHandle.result()` calls waiting for the outcome (made on demand). */
  waiting: Set<(outcome: Outcome) => void> | null;
}

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

/**
 * A handle on a task started with {@link TaskGroup.startSoon}.
 *
 * @example
 * ```ts
 * import { withTaskGroup } from "structio";
 *
 * await withTaskGroup(async (tg) => {
 *   const handle = tg.startSoon(async (n: number) => n * 2, 21);
 *   console.log(await handle.result()); // 42
 * });
 * ```
 */
export class TaskHandle<T> {
  readonly #child: Child;

  /** @internal */
  constructor(child: Child) {
    this.#child = child;
  }

  /** The task's id (as in {@link TaskInfo}). */
  get id(): number {
    return this.#child.task.id;
  }

  /** The task's name. */
  get name(): string {
    return this.#child.task.name;
  }

  /** The task's {@link TaskInfo}. */
  get info(): TaskInfo {
    return this.#child.task.info;
  }

  /** `pending` until it starts, `running`, then `finished`, `failed` or `cancelled`. */
  get status(): TaskState {
    return this.#child.task.status;
  }

  /** Cancels this task alone; the rest of the group goes on. */
  cancel(reason?: string): void {
    this.#child.task.scope.cancel(reason);
  }

  /**
   * Waits for the task and returns its value. Rejects with the task's error if it
   * failed, or with {@link TaskCancelledError} if it was cancelled. The wait is a
   * checkpoint; a result that is already there is returned even if the caller is
   * cancelled.
   */
  async result(): Promise<T> {
    const child = this.#child;
    const outcome = child.outcome ?? await parkUntil<Outcome>((resolve) => {
      (child.waiting ??= new Set()).add(resolve);
      return () => child.waiting!.delete(resolve);
    });
    if (outcome.kind === "value") return outcome.value as T;
    if (outcome.kind === "error") throw outcome.error;
    throw new TaskCancelledError(child.task.name, outcome.reason);
  }
}

const NEW = 0;
const ACTIVE = 1;
const CLOSED = 2;

function taskName(fn: (...args: never[]) => unknown): string {
  return typeof fn.name === "string" && fn.name !== "" ? fn.name : "anonymous";
}

function checkFunction(fn: unknown): void {
  if (typeof fn !== "function") throw new TypeError(`fn must be a function, not ${typeof fn}`);
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
  #host: Task | null = null;
  /** Tasks that belong to the group and have not finished yet. */
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
    const child = this.#spawn(fn, this.cancelScope, this.#host!);
    this.#pending++;
    queueMicrotask(() => this.#enterChild(child, () => fn(...args), null));
    return new TaskHandle(child);
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
    const caller = currentFrame();
    if (caller.scope._effective) throw caller.scope._cancelledError();
    const child = this.#spawn(fn, caller.scope, caller.task);
    // The group counts the task from now on, so it stays open while the task starts up
    // (as Trio's start() keeps a nursery open), even though until started() the task
    // runs under the caller's scope and its errors go to the caller.
    this.#pending++;
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
          child.task.scope._attach(this.cancelScope);
          child.task.moveTo(this.#host!);
          resolve(values[0] as T);
        },
      };
      queueMicrotask(() =>
        this.#enterChild(child, () => fn(status, ...args), (outcome) => {
          if (phase === "started") return false;
          phase = "ended";
          reject(
            outcome.kind === "value"
              ? new Error(`task ${JSON.stringify(child.task.name)} returned without calling taskStatus.started()`)
              : outcome.kind === "error"
              ? outcome.error
              : child.task.scope._cancelledError(),
          );
          return true;
        })
      );
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
      this.#host = currentFrame().task;
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

  #checkActive(): void {
    if (this.#state !== ACTIVE) {
      throw new Error(
        this.#state === NEW
          ? "this task group has not been entered; use withTaskGroup()"
          : "this task group is closed; no new tasks can be started in it",
      );
    }
  }

  #spawn(fn: (...args: never[]) => unknown, parentScope: CancelScope, parentTask: Task): Child {
    const runner = parentTask.runner;
    const task = new Task(runner, parentTask, taskName(fn));
    task.scope._enter(parentScope, runner);
    runner.tasks.add(task);
    return { task, outcome: null, waiting: null };
  }

  /** Records a failure (once) and cancels the group, as the first failure must. */
  #fail(err: unknown): void {
    if (isCancelled(err)) {
      this.cancelScope.cancel();
      return;
    }
    // The same error object can arrive twice (a body that rethrows what
    // handle.result() gave it); primitives are kept as often as they were thrown.
    if (typeof err !== "object" || err === null || !this.#errors.includes(err)) this.#errors.push(err);
    this.cancelScope.cancel();
  }

  /**
   * Starts a task's body in the task's own frame. `beforeStarted` handles an end that
   * comes before `started()` (start() only): it returns true when it took the outcome
   * for the caller of start(), in which case the group records no error.
   */
  #enterChild(
    child: Child,
    body: () => unknown,
    beforeStarted: ((outcome: Outcome) => boolean) | null,
  ): void {
    const task = child.task;
    void runInFrame({ task, scope: task.scope }, () => this.#runChild(child, body, beforeStarted));
  }

  /** Runs in the task's own frame; never rejects (every outcome is recorded). */
  async #runChild(
    child: Child,
    body: () => unknown,
    beforeStarted: ((outcome: Outcome) => boolean) | null,
  ): Promise<void> {
    const task = child.task;
    task.status = "running";
    let outcome: Outcome;
    try {
      outcome = { kind: "value", value: await body() };
    } catch (err) {
      outcome = task.scope._absorbs(err) || isCancelled(err)
        ? { kind: "cancelled", reason: task.scope._originReason() }
        : { kind: "error", error: err };
    }
    task.scope._exit();
    task.runner.tasks.delete(task);
    task.status = outcome.kind === "value" ? "finished" : outcome.kind === "error" ? "failed" : "cancelled";
    child.outcome = outcome;
    if (child.waiting !== null) {
      for (const notify of child.waiting) notify(outcome);
      child.waiting = null;
    }
    const tookOutcome = beforeStarted !== null && beforeStarted(outcome);
    if (!tookOutcome && outcome.kind === "error") this.#fail(outcome.error);
    if (--this.#pending === 0 && this.#whenIdle !== null) {
      const wake = this.#whenIdle;
      this.#whenIdle = null;
      wake();
    }
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
