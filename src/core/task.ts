/**
 * Tasks: one async call running under structio's control, and what can be seen of it.
 *
 * @module
 */
import { CancelScope } from "./cancel-scope.ts";
import { currentFrame, type Frame, type Runner, setRootFrameFactory } from "./context.ts";

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
  /** The name given at spawn time, or the function's name. */
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

/** @internal The runtime record of a task. */
export class Task {
  readonly id = nextTaskId++;
  readonly name: string;
  parent: Task | null;
  readonly runner: Runner;
  /** The task's own scope: what `TaskHandle.cancel()` cancels; re-parented by start(). */
  readonly scope = new CancelScope();
  status: TaskState = "pending";
  #info: TaskInfo | undefined;

  constructor(runner: Runner, parent: Task | null, name: string) {
    this.runner = runner;
    this.parent = parent;
    this.name = name;
  }

  /** The task's snapshot, made again only when the task moves (start() does that). */
  get info(): TaskInfo {
    return (this.#info ??= new TaskInfo(this.id, this.parent?.id ?? null, this.name));
  }

  /** Moves the task under another parent task (a start()ed task joining its group). */
  moveTo(parent: Task): void {
    this.parent = parent;
    this.#info = undefined;
  }
}

setRootFrameFactory((runner: Runner, name: string): Frame => {
  const task = new Task(runner, null, name);
  task.status = "running";
  task.scope._enter(null, runner);
  runner.tasks.add(task);
  return { task, scope: task.scope };
});

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
  return currentFrame().task.info;
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
  return Array.from(currentFrame().task.runner.tasks, (task) => task.info);
}
