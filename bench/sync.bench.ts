/**
 * The streams-sync suite: memory object streams, locks and semaphores under load,
 * against a minimal hand-written equivalent (the baseline, bench/raw-sync.ts) and the
 * peers that offer the same thing: Effect 4, Effection 4, async-mutex and p-limit.
 *
 * Every item received and every critical section run goes into a tally that each batch
 * checks (the count, and for streams the sum of the items, so an item lost or delivered
 * twice fails the run instead of looking fast).
 *
 * @module
 */
import { Mutex, Semaphore as AsyncMutexSemaphore } from "async-mutex";
import { Cause, Effect, Fiber, Queue, Semaphore as EffectSemaphore } from "effect";
import * as effection from "effection";
import pLimit from "p-limit";
import {
  createMemoryObjectStream,
  EndOfStream,
  Lock,
  run as structioRun,
  Semaphore,
  withTaskGroup,
} from "../src/index.ts";
import { expectCount, type ThroughputCase } from "./harness.ts";
import { DONE, RawQueue, RawSemaphore } from "./raw-sync.ts";

const SUITE = "streams-sync";

/** Items received (streams) or critical sections run (locks), and the sum of the items. */
let count = 0;
let sum = 0;

function resetTally(): void {
  count = 0;
  sum = 0;
}

function tally(item: number): void {
  count++;
  sum += item;
}

/** Checks that items 0 .. n-1 each arrived exactly once (as far as count and sum tell). */
function checkItems(n: number): void {
  expectCount("items received", count, n);
  expectCount("sum of the items received", sum, (n * (n - 1)) / 2);
}

// ---------------------------------------------------------------------------------
// 1. memory stream throughput
// ---------------------------------------------------------------------------------

// Producer p of `producers` sends p, p + producers, p + 2 * producers, ... below n:
// together they send 0 .. n-1, each once.

function produceEffect(queue: Queue.Queue<number, Cause.Done>, p: number, producers: number, n: number) {
  return Effect.gen(function* () {
    for (let i = p; i < n; i += producers) yield* Queue.offer(queue, i);
  });
}

function consumeEffect(queue: Queue.Queue<number, Cause.Done>) {
  return Effect.gen(function* () {
    while (true) tally(yield* Queue.take(queue));
  });
}

function* produceOp(channel: effection.Channel<number, void>, p: number, producers: number, n: number) {
  for (let i = p; i < n; i += producers) yield* channel.send(i);
}

function streamCase(buffer: number, producers: number): ThroughputCase {
  return {
    kind: "throughput",
    suite: SUITE,
    name: `stream-b${buffer}-${producers}p`,
    count: 1_000_000,
    unit: `item sent through a queue of capacity ${buffer}, ${producers} producer(s), 1 consumer`,
    impls: {
      // RawQueue: an array buffer and arrays of waiting resolvers. The last producer to
      // finish closes it; the consumer reads until DONE.
      async baseline(n) {
        resetTally();
        const queue = new RawQueue<number>(buffer);
        let open = producers;
        const tasks: Promise<void>[] = [];
        for (let p = 0; p < producers; p++) {
          tasks.push((async () => {
            for (let i = p; i < n; i += producers) await queue.send(i);
            if (--open === 0) queue.close();
          })());
        }
        while (true) {
          const item = await queue.receive();
          if (item === DONE) break;
          tally(item);
        }
        await Promise.all(tasks);
        checkItems(n);
      },
      // createMemoryObjectStream(buffer): each producer a task in the group with its
      // own clone of the send end, closed when it is done; the original send end is
      // closed at once. The consumer (the group's body) calls receive() until
      // EndOfStream.
      async structio(n) {
        resetTally();
        await structioRun(() =>
          withTaskGroup(async (tg) => {
            const [send, receive] = createMemoryObjectStream<number>(buffer);
            for (let p = 0; p < producers; p++) {
              const out = send.clone();
              tg.startSoon(async () => {
                try {
                  for (let i = p; i < n; i += producers) await out.send(i);
                } finally {
                  out.close();
                }
              });
            }
            send.close();
            try {
              while (true) tally(await receive.receive());
            } catch (err) {
              if (!(err instanceof EndOfStream)) throw err;
            } finally {
              receive.close();
            }
          })
        );
        checkItems(n);
      },
      // Effection 4 has no bounded queue and no queue that makes a sender wait. The
      // closest is a Channel with one subscription: send() never waits and the
      // subscription's queue is unbounded, so the buffer size plays no part. Producers
      // are spawned; one more task joins them and closes the channel.
      async effection(n) {
        resetTally();
        await effection.run(function* () {
          const channel = effection.createChannel<number, void>();
          const subscription = yield* channel;
          const tasks: effection.Task<void>[] = [];
          for (let p = 0; p < producers; p++) {
            tasks.push(yield* effection.spawn(() => produceOp(channel, p, producers, n)));
          }
          yield* effection.spawn(function* () {
            for (const task of tasks) yield* task;
            yield* channel.close();
          });
          let next = yield* subscription.next();
          while (!next.done) {
            tally(next.value);
            next = yield* subscription.next();
          }
        });
        checkItems(n);
      },
      // Queue.bounded(buffer) (the "suspend" strategy; capacity 0 is a rendezvous in
      // Effect 4: an offer waits for a taker). Producers are forked fibers; one more
      // fiber joins them and ends the queue; the consumer takes until Done.
      async effect(n) {
        resetTally();
        await Effect.runPromise(Effect.gen(function* () {
          const queue = yield* Queue.bounded<number, Cause.Done>(buffer);
          const fibers: Fiber.Fiber<void>[] = [];
          for (let p = 0; p < producers; p++) {
            fibers.push(yield* Effect.forkChild(produceEffect(queue, p, producers, n)));
          }
          yield* Effect.forkChild(Effect.andThen(Fiber.joinAll(fibers), Queue.end(queue)));
          yield* Effect.catchTag(consumeEffect(queue), "Done", () => Effect.void);
        }));
        checkItems(n);
      },
    },
  };
}

// ---------------------------------------------------------------------------------
// 2. contended lock and semaphore
// ---------------------------------------------------------------------------------

/** How many tasks contend for the lock or semaphore. */
const TASKS = 100;
/** The semaphore's permits. */
const PERMITS = 10;

/** The critical section: trivial, synchronous. */
function criticalSection(): void {
  count++;
}

/** How many of the n acquisitions task `t` makes. */
function share(t: number, n: number): number {
  return Math.floor(n / TASKS) + (t < n % TASKS ? 1 : 0);
}

/** TASKS plain async functions, each looping `await acquireRunRelease()`. */
async function rawTasks(n: number, runExclusive: () => Promise<unknown>): Promise<void> {
  resetTally();
  const tasks: Promise<void>[] = [];
  for (let t = 0; t < TASKS; t++) {
    const times = share(t, n);
    tasks.push((async () => {
      for (let i = 0; i < times; i++) await runExclusive();
    })());
  }
  await Promise.all(tasks);
  expectCount("critical sections run", count, n);
}

/** TASKS structio tasks in one group, each looping `await runExclusive()`. */
async function structioTasks(n: number, runExclusive: () => Promise<unknown>): Promise<void> {
  resetTally();
  await structioRun(() =>
    withTaskGroup(async (tg) => {
      for (let t = 0; t < TASKS; t++) {
        const times = share(t, n);
        tg.startSoon(async () => {
          for (let i = 0; i < times; i++) await runExclusive();
        });
      }
    })
  );
  expectCount("critical sections run", count, n);
}

/** TASKS Effect fibers (Effect.all, unbounded concurrency), each looping `guarded`. */
async function effectTasks(n: number, permits: number): Promise<void> {
  resetTally();
  await Effect.runPromise(Effect.gen(function* () {
    const semaphore = yield* EffectSemaphore.make(permits);
    const guarded = EffectSemaphore.withPermit(semaphore, Effect.sync(criticalSection));
    const fibers: Effect.Effect<void>[] = [];
    for (let t = 0; t < TASKS; t++) {
      const times = share(t, n);
      fibers.push(Effect.gen(function* () {
        for (let i = 0; i < times; i++) yield* guarded;
      }));
    }
    yield* Effect.all(fibers, { concurrency: "unbounded", discard: true });
  }));
  expectCount("critical sections run", count, n);
}

const lockCase: ThroughputCase = {
  kind: "throughput",
  suite: SUITE,
  name: "lock",
  count: 1_000_000,
  unit: `lock acquired, trivial critical section, released; ${TASKS} tasks contending`,
  impls: {
    // RawSemaphore(1): a permit count and an array of waiting resolvers, FIFO hand-over.
    baseline(n) {
      const mutex = new RawSemaphore(1);
      return rawTasks(n, () => mutex.run(criticalSection));
    },
    // Lock.withLock (a checkpoint: it yields even when the lock is free).
    structio(n) {
      const lock = new Lock();
      return structioTasks(n, () => lock.withLock(criticalSection));
    },
    // Semaphore.make(1) + Semaphore.withPermit (Effect 4 has no separate mutex).
    effect(n) {
      return effectTasks(n, 1);
    },
    // Mutex.runExclusive.
    "async-mutex"(n) {
      const mutex = new Mutex();
      return rawTasks(n, () => mutex.runExclusive(criticalSection));
    },
  },
};

const semaphoreCase: ThroughputCase = {
  kind: "throughput",
  suite: SUITE,
  name: "semaphore",
  count: 1_000_000,
  unit: `permit (of ${PERMITS}) acquired, trivial critical section, released; ${TASKS} tasks contending`,
  impls: {
    // RawSemaphore(PERMITS): a counter and an array of waiting resolvers.
    baseline(n) {
      const semaphore = new RawSemaphore(PERMITS);
      return rawTasks(n, () => semaphore.run(criticalSection));
    },
    // Semaphore.withPermit (a checkpoint: it yields even when a permit is free).
    structio(n) {
      const semaphore = new Semaphore(PERMITS);
      return structioTasks(n, () => semaphore.withPermit(criticalSection));
    },
    // Semaphore.make(PERMITS) + Semaphore.withPermit.
    effect(n) {
      return effectTasks(n, PERMITS);
    },
    // Semaphore.runExclusive.
    "async-mutex"(n) {
      const semaphore = new AsyncMutexSemaphore(PERMITS);
      return rawTasks(n, () => semaphore.runExclusive(criticalSection));
    },
    // pLimit(PERMITS): limit(fn) runs fn once fewer than PERMITS calls are running.
    "p-limit"(n) {
      const limit = pLimit(PERMITS);
      return rawTasks(n, () => limit(criticalSection));
    },
  },
};

/** The suite, in the order the cases run. */
export const syncCases: readonly ThroughputCase[] = [
  streamCase(0, 1),
  streamCase(1, 1),
  streamCase(1024, 1),
  streamCase(0, 4),
  streamCase(1, 4),
  streamCase(1024, 4),
  lockCase,
  semaphoreCase,
];
