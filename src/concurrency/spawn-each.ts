/**
 * The engine under every concurrency helper: one task per input, at most `limit` of
 * them at once, and inputs pulled only when a task may start.
 *
 * @module
 * @internal
 */
import { checkpointIfCancelled } from "../core/checkpoint.ts";
import type { TaskGroup } from "../core/task-group.ts";
import { CapacityLimiter } from "../sync/capacity-limiter.ts";
import type { Inputs } from "./options.ts";

/**
 * Starts `fn(item, index)` in a task of `tg` for each item of `items`, and hands each
 * value to `deliver(value, index)` in the same task. Runs as the body of `tg` (or in a
 * task of it) and returns once every input has been pulled and its task started; the
 * group then waits for the tasks, so failures and cancellation are the group's.
 *
 * With a finite `limit`, each task holds a token of a CapacityLimiter of its own from
 * before its input is pulled until `deliver` has returned. Hence at most `limit`
 * inputs are ever pulled and not yet delivered: the bound on concurrency is also a
 * bound on memory, and an async iterable is pulled only as fast as work finishes. A
 * `deliver` that waits (asCompleted's hand-over to the consumer) holds its token
 * meanwhile, which is the back-pressure a slow consumer exerts.
 *
 * Tasks are named `name`, so that getRunningTasks() shows whose work they do.
 */
export async function spawnEach<I, R>(
  tg: TaskGroup,
  items: Inputs<I>,
  fn: (item: I, index: number) => R | PromiseLike<R>,
  limit: number,
  deliver: (value: Awaited<R>, index: number) => void | PromiseLike<void>,
  name: string,
): Promise<void> {
  const isAsync = typeof (items as Partial<AsyncIterable<I>>)[Symbol.asyncIterator] === "function";
  // A sync iterable with no limit starts everything at once: no token to wait for and
  // nothing to pull lazily, so the tasks need no limiter (and start together at the
  // group's wait, as tasks started in a loop do).
  const limiter = isAsync || limit !== Infinity ? new CapacityLimiter(limit) : null;
  // One worker per call rather than per task: tasks share it and differ by arguments.
  const worker = async (item: I, index: number): Promise<void> => {
    try {
      const delivering = deliver(await fn(item, index), index);
      // amap's and gather's deliver is synchronous: no extra turn for them.
      if (delivering !== undefined) await delivering;
    } finally {
      // Borrowed by the feeder below on the task's behalf, under the same index.
      limiter?.releaseOnBehalfOf(index);
    }
  };
  Object.defineProperty(worker, "name", { value: name });

  if (limiter === null) {
    let index = 0;
    for (const item of items as Iterable<I>) tg.startSoon(worker, item, index++);
    return;
  }

  const iterator = isAsync
    ? (items as AsyncIterable<I>)[Symbol.asyncIterator]()
    : (items as Iterable<I>)[Symbol.iterator]();
  // Whether the iterator must be closed if we stop early: not once it has ended or its
  // next() has thrown (for...of and for await...of close it in exactly the same cases).
  let open = true;
  try {
    for (let index = 0;; index++) {
      // The token first, then the input: an input is pulled only when its task can start.
      // The acquire is a checkpoint, so the feeder is cancelled with the group.
      await limiter.acquireOnBehalfOf(index);
      // A token handed over by a task that just ended may come with the group already
      // cancelled (completion wins in the limiter): pull nothing more then.
      if (tg.cancelScope.isEffectivelyCancelled) await checkpointIfCancelled();
      open = false;
      const step = isAsync ? await iterator.next() : (iterator as Iterator<I>).next();
      if (step.done) return;
      open = true;
      // Pulling from an async iterable may have taken a while: if the group was
      // cancelled meanwhile, the input is dropped rather than handed to a doomed task.
      if (isAsync && tg.cancelScope.isEffectivelyCancelled) await checkpointIfCancelled();
      tg.startSoon(worker, step.value, index);
    }
  } catch (err) {
    // Stopping early (the group was cancelled) closes the iterator, so that a
    // generator's finally blocks run; as in for...of, an error from closing is dropped
    // in favour of the one that stopped the loop.
    if (open) {
      try {
        await iterator.return?.();
      } catch {
        // dropped, see above
      }
    }
    throw err;
  }
}
