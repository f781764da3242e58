/**
 * Helpers for the tests of the concurrency helpers: a gauge of calls in flight, input
 * sources that count what was pulled, and assertions about exception groups and
 * leftover tasks.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ExceptionGroup, getRunningTasks, sleepForever } from "../../src/index.ts";

/** Counts calls in flight and remembers the most there ever were at once. */
export class Gauge {
  current = 0;
  most = 0;
  /** How many calls have entered in all. */
  entered = 0;

  enter(): void {
    this.entered++;
    this.most = Math.max(this.most, ++this.current);
  }

  exit(): void {
    this.current--;
  }

  /** Runs `fn` counted as one call in flight. */
  async track<T>(fn: () => Promise<T>): Promise<T> {
    this.enter();
    try {
      return await fn();
    } finally {
      this.exit();
    }
  }
}

/** An input source that records how far it was pulled and whether it was closed. */
export interface Source<T> {
  /** How many items have been handed out. */
  readonly pulled: number;
  /** Whether the generator's finally block ran (it was closed or it ended). */
  readonly closed: boolean;
  readonly items: AsyncIterable<T>;
}

/**
 * An async generator of 0, 1, 2, ... (endless unless `count` is given) that counts what
 * it hands out and records when it is closed. Each pull awaits a resolved promise
 * first, so that pulling takes a turn, as I/O would.
 */
export function countingSource(count = Infinity): Source<number> {
  let pulled = 0;
  let closed = false;
  async function* generate(): AsyncGenerator<number> {
    try {
      for (let i = 0; i < count; i++) {
        await Promise.resolve();
        pulled++;
        yield i;
      }
    } finally {
      closed = true;
    }
  }
  return {
    get pulled() {
      return pulled;
    },
    get closed() {
      return closed;
    },
    items: generate(),
  };
}

/** The same as countingSource(), as a synchronous generator. */
export function countingSyncSource(count = Infinity): Omit<Source<number>, "items"> & { items: Iterable<number> } {
  let pulled = 0;
  let closed = false;
  function* generate(): Generator<number> {
    try {
      for (let i = 0; i < count; i++) {
        pulled++;
        yield i;
      }
    } finally {
      closed = true;
    }
  }
  return {
    get pulled() {
      return pulled;
    },
    get closed() {
      return closed;
    },
    items: generate(),
  };
}

/** Asserts that `err` is an ExceptionGroup and returns it. */
export function asGroup(err: unknown): ExceptionGroup {
  assert.ok(err instanceof ExceptionGroup, `expected an ExceptionGroup, got ${String(err)}`);
  return err;
}

/** How many tasks are alive in this run (the test's own root task included). */
export function taskCount(): number {
  return getRunningTasks().length;
}

/**
 * A call that parks until cancelled and records that it was: `cancelled` counts the
 * calls woken by a cancellation.
 */
export function makeParker(gauge: Gauge): { readonly cancelled: number; park: () => Promise<void> } {
  let cancelled = 0;
  return {
    get cancelled() {
      return cancelled;
    },
    park: () =>
      gauge.track(async () => {
        try {
          return await sleepForever();
        } catch (err) {
          cancelled++;
          throw err;
        }
      }),
  };
}
