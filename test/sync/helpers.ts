/**
 * Helpers for the tests of the synchronisation primitives: waiting (with checkpoints,
 * never with timed sleeps) until tasks have queued, and forcing the fairness yield that
 * parkUntil() makes now and then, so the code paths around it can be tested on purpose.
 *
 * @module
 */
import assert from "node:assert/strict";
import { MAX_SPINS } from "../harness/helpers.ts";
import { checkpoint } from "../../src/index.ts";
import { currentScope } from "../../src/core/context.ts";

/**
 * Lets other tasks run, one checkpoint at a time, until `predicate()` holds; fails the
 * test if it never does. Tasks that are about to park get there within a few turns.
 */
export async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let spins = 0; spins < MAX_SPINS && !predicate(); spins++) await checkpoint();
  assert.ok(predicate(), `never happened: ${what}`);
}

/**
 * Makes the next checkpoint or wait of this run yield a macrotask first (as the scheduler
 * does after a busy time slice). Call it right before the wait under test: any
 * checkpoint in between would take the yield instead.
 */
export function forceYieldAtNextWait(): void {
  const runner = currentScope()._task!._runner;
  // yieldPoint() yields when the incremented count is a multiple of its 64-checkpoint
  // stride and a 5 ms slice has passed since the last yield.
  runner.checkpointsSinceYield = 63;
  runner.lastYield = -Infinity;
}


/**
 * How many checkpoints this run has passed (the scheduler's count, which decides when to
 * yield a macrotask): tells a call that yields from one that does not, since any await
 * lets already-started microtasks run.
 */
export function checkpointCount(): number {
  return currentScope()._task!._runner.checkpointsSinceYield;
}
