/**
 * The current cancel scope, carried by one AsyncLocalStorage.
 *
 * The scope is the whole context: it knows the task running in it (`scope._task`), and
 * the task knows its run. Entering a scope or starting a task runs the callback with
 * another scope as the store, so code after the callback sees the old one again without
 * any cleanup, and one context entry per task or scope is all the bookkeeping there is.
 *
 * @module
 */
import { AsyncLocalStorage } from "../backends/async-context.ts";
import type { Backend } from "../backends/backend.ts";
import { loadBackend } from "../backends/index.ts";
import { TimerQueue } from "./timer-queue.ts";
import type { CancelScope } from "./cancel-scope.ts";
import type { TaskHandle } from "./task.ts";

/**
 * Everything one `run()` owns: its backend, its timer queue, its root scope and the
 * queue of tasks waiting to start. Code outside `run()` uses the default runner, whose
 * root scope is never cancelled.
 */
export class Runner {
  readonly backend: Backend;
  readonly timers: TimerQueue;
  /** The root task's scope: every live task's scope is below it. */
  rootScope!: CancelScope;
  /** Checkpoints and waits since the last macrotask yield, and when it happened. */
  checkpointsSinceYield = 0;
  lastYield: number;
  /**
   * Set when an outside event (I/O readiness) woke a task: that callback ran in a
   * macrotask of its own, so the event loop has turned since, and the next clock check
   * counts it as a yield instead of pausing.
   */
  loopTurned = false;
  /** The macrotask yield in progress, shared by every task of the run (see yieldPoint). */
  pause: Promise<void> | null = null;
  /** Hand-overs made during the pause, run in order when it ends. */
  deferred: Array<() => void> = [];
  /** Tasks spawned but not started yet, in spawn order; drained in one microtask. */
  startQueue: TaskHandle<unknown>[] = [];
  startScheduled = false;

  constructor(backend: Backend) {
    this.backend = backend;
    this.timers = new TimerQueue(backend);
    this.lastYield = backend.now();
  }
}

export const storage: AsyncLocalStorage<CancelScope> = new AsyncLocalStorage<CancelScope>();

let defaultScope: CancelScope | undefined;
let makeRootScope: ((runner: Runner, name: string) => CancelScope) | undefined;

/** Lets task.ts provide root scopes without an import cycle at module load. */
export function setRootScopeFactory(factory: (runner: Runner, name: string) => CancelScope): void {
  makeRootScope = factory;
}

/** Makes a runner and the scope of its root task. */
export function createRootScope(backend: Backend, name: string): CancelScope {
  return makeRootScope!(new Runner(backend), name);
}

/** The current scope; outside `run()`, the scope of the implicit root task. */
export function currentScope(): CancelScope {
  return storage.getStore() ?? (defaultScope ??= createRootScope(loadBackend(), "<root>"));
}

/** The runner used outside `run()`. */
export function defaultRunner(): Runner {
  return (defaultScope ??= createRootScope(loadBackend(), "<root>"))._task!._runner;
}

/** Whether the caller is inside `run()` (or `main()`). */
export function insideRun(): boolean {
  const scope = storage.getStore();
  return scope !== undefined && scope._task!._runner !== defaultScope?._task?._runner;
}

/** Runs `fn(arg)` with `scope` as the current scope. */
export function runInScope<A, R>(scope: CancelScope, fn: (arg: A) => R, arg: A): R {
  return storage.run(scope, fn, arg);
}
