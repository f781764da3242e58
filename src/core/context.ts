/**
 * The current task and cancel scope, carried by one AsyncLocalStorage.
 *
 * A frame is immutable: entering a cancel scope or starting a task runs the callback in
 * a new frame, so code after the callback sees the old frame again without any cleanup.
 *
 * @module
 */
import { AsyncLocalStorage } from "../backends/async-context.ts";
import type { Backend } from "../backends/backend.ts";
import { loadBackend } from "../backends/index.ts";
import { TimerQueue } from "./timer-queue.ts";
import type { CancelScope } from "./cancel-scope.ts";
import type { Task } from "./task.ts";

/** What the async context holds: the running task and its innermost cancel scope. */
export interface Frame {
  readonly task: Task;
  readonly scope: CancelScope;
}

/**
 * Everything one `run()` owns: its backend, its timer queue and its live tasks. Code
 * outside `run()` uses the default runner, whose root scope is never cancelled.
 */
export class Runner {
  readonly backend: Backend;
  readonly timers: TimerQueue;
  /** Live tasks, root task included, in the order they were created. */
  readonly tasks = new Set<Task>();
  /** Checkpoints since the last macrotask yield, and when that yield happened. */
  checkpointsSinceYield = 0;
  lastYield: number;

  constructor(backend: Backend) {
    this.backend = backend;
    this.timers = new TimerQueue(backend);
    this.lastYield = backend.now();
  }
}

export const storage: AsyncLocalStorage<Frame> = new AsyncLocalStorage<Frame>();

let defaultFrame: Frame | undefined;
let makeRootFrame: ((runner: Runner, name: string) => Frame) | undefined;

/** Lets task.ts provide root frames without an import cycle at module load. */
export function setRootFrameFactory(factory: (runner: Runner, name: string) => Frame): void {
  makeRootFrame = factory;
}

/** Makes a runner and the frame of its root task. */
export function createRootFrame(backend: Backend, name: string): Frame {
  return makeRootFrame!(new Runner(backend), name);
}

/** The current frame; outside `run()`, the frame of the implicit root task. */
export function currentFrame(): Frame {
  return storage.getStore() ?? (defaultFrame ??= createRootFrame(loadBackend(), "<root>"));
}

/** Whether the caller is inside `run()` (or `main()`). */
export function insideRun(): boolean {
  const frame = storage.getStore();
  return frame !== undefined && frame.task.runner !== defaultFrame?.task.runner;
}

/** Runs `fn` in `frame`. */
export function runInFrame<R>(frame: Frame, fn: () => R): R {
  return storage.run(frame, fn);
}
