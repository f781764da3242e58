/**
 * Helpers shared by the stream tests: waiting (by checkpoints, never by time) until a
 * condition holds, running an operation in a task of its own under a cancel scope the
 * test controls, and naming errors for comparisons.
 *
 * @module
 */
import assert from "node:assert/strict";
import { CancelScope, checkpoint, isCancelled, type TaskGroup } from "../../src/index.ts";
import type { MemoryObjectReceiveStream, MemoryObjectSendStream } from "../../src/streams/index.ts";

/** How many checkpoints waitUntil() passes before it gives up and fails the test. */
export const MAX_CHECKPOINTS = 10_000;

/**
 * Passes checkpoints until `condition()` holds, so other tasks run meanwhile; fails the
 * test (rather than hanging) if it still does not hold after MAX_CHECKPOINTS of them.
 */
export async function waitUntil(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < MAX_CHECKPOINTS; i++) {
    if (condition()) return;
    await checkpoint();
  }
  assert.fail(`still not true after ${MAX_CHECKPOINTS} checkpoints: ${what}`);
}

/** Waits until `n` tasks are parked in receive() on the stream `end` belongs to. */
export function untilReceivers(
  end: MemoryObjectSendStream<never> | MemoryObjectReceiveStream<unknown>,
  n: number,
): Promise<void> {
  return waitUntil(() => end.statistics().tasksWaitingReceive === n, `${n} task(s) waiting to receive`);
}

/** Waits until `n` tasks are parked in send() on the stream `end` belongs to. */
export function untilSenders(
  end: MemoryObjectSendStream<never> | MemoryObjectReceiveStream<unknown>,
  n: number,
): Promise<void> {
  return waitUntil(() => end.statistics().tasksWaitingSend === n, `${n} task(s) waiting to send`);
}

/** The name of an error's class ("Cancelled", "EndOfStream", ...), for comparisons. */
export function errorName(err: unknown): string {
  if (isCancelled(err)) return "Cancelled";
  return err instanceof Error ? err.name : `non-error ${String(err)}`;
}

/** An operation started by spawnOp(): its scope, and how it ended once it has. */
export interface Op<T> {
  /** The scope the operation runs in: cancel it to cancel the operation alone. */
  readonly scope: CancelScope;
  /** Whether the operation has ended. */
  readonly done: boolean;
  /** Its value, once it returned. */
  readonly value: T | undefined;
  /** What it raised (Cancelled included), once it raised. */
  readonly error: unknown;
  /** "ok" or the error's class name; undefined while it runs. */
  readonly outcome: string | undefined;
}

/**
 * Runs `fn` in a new task of `tg`, inside a CancelScope of its own (absorbing its
 * cancellation), and records how it ended. The task starts at the caller's next
 * checkpoint.
 */
export function spawnOp<T>(tg: TaskGroup, fn: () => Promise<T>, name = "op"): Op<T> {
  const scope = new CancelScope();
  let done = false;
  let value: T | undefined;
  let error: unknown;
  let outcome: string | undefined;
  const op: Op<T> = {
    scope,
    get done() {
      return done;
    },
    get value() {
      return value;
    },
    get error() {
      return error;
    },
    get outcome() {
      return outcome;
    },
  };
  const body = async () => {
    await scope.run(async () => {
      try {
        value = await fn();
        outcome = "ok";
      } catch (err) {
        error = err;
        outcome = errorName(err);
        if (isCancelled(err)) throw err;
      } finally {
        done = true;
      }
    });
  };
  Object.defineProperty(body, "name", { value: name });
  tg.startSoon(body);
  return op;
}

/** Waits until every op in `ops` has ended. */
export function untilDone(ops: readonly Op<unknown>[], what = "the operations ended"): Promise<void> {
  return waitUntil(() => ops.every((op) => op.done), what);
}
