/**
 * The round-trip library's behavioural checks, written once against the async library;
 * their sync twin in ../_sync/ checks the sync library the same way. Each check is a
 * named function that throws when the library misbehaves (test/roundtrip.test.ts runs
 * them all on both).
 *
 * Written to twin well: errors are caught with try/catch around an `await` (not
 * `assert.rejects`, which has no sync twin), and byte sources are async generators (whose
 * twins are plain generators).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { AsyncClock } from "../clock.ts";
import { AsyncConnection, AsyncQueue, exchange, QueueClosed, readAllLines, readLines, retry } from "./index.ts";

/**
 * One behavioural check.
 *
 * @example
 * ```ts
 * for (const check of checks) await check.run();
 * ```
 */
export interface Check {
  readonly name: string;
  run(): Promise<void>;
}

/** What `action` threw (failing the check when it threw nothing). */
async function thrownBy(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  assert.fail("expected an error, but nothing was thrown");
}

/** A byte source yielding `parts`, UTF-8 encoded, one chunk each. */
async function* chunks(...parts: Array<string | Uint8Array>): AsyncGenerator<Uint8Array, void, undefined> {
  const encoder = new TextEncoder();
  for (const part of parts) yield typeof part === "string" ? encoder.encode(part) : part;
}

/** A clock that records each sleep instead of sleeping. */
function recordingClock(slept: number[]): AsyncClock {
  return {
    async sleep(ms) {
      slept.push(ms);
    },
  };
}

/**
 * Every check, in the order they run.
 *
 * @example
 * ```ts
 * console.log(checks.map((check) => check.name));
 * ```
 */
export const checks: readonly Check[] = [
  {
    name: "queue: items come out in the order they went in",
    async run() {
      const queue = new AsyncQueue<string>(3);
      await queue.put("a");
      await queue.put("b");
      assert.equal(queue.size, 2);
      assert.equal(await queue.get(), "a");
      await queue.put("c");
      assert.equal(await queue.get(), "b");
      assert.equal(await queue.get(), "c");
      assert.equal(queue.size, 0);
    },
  },
  {
    name: "queue: a closed queue still hands out its items, then iteration ends",
    async run() {
      const queue = new AsyncQueue<number>(4);
      for (const n of [1, 2, 3]) await queue.put(n);
      await queue.aclose();
      const seen: number[] = [];
      for await (const n of queue) seen.push(n);
      assert.deepEqual(seen, [1, 2, 3]);
      assert.ok((await thrownBy(() => queue.get())) instanceof QueueClosed);
    },
  },
  {
    name: "queue: put on a closed queue raises QueueClosed",
    async run() {
      const queue = new AsyncQueue<number>(1);
      await queue.aclose();
      const error = await thrownBy(() => queue.put(1));
      assert.ok(error instanceof QueueClosed);
      assert.equal(error.message, "put on a closed queue");
    },
  },
  {
    name: "queue: await using closes the queue when the block ends",
    async run() {
      let outside: AsyncQueue<number> | undefined;
      {
        await using queue = new AsyncQueue<number>(1);
        outside = queue;
        await queue.put(7);
      }
      assert.equal(await outside.get(), 7);
      assert.ok((await thrownBy(() => outside.put(8))) instanceof QueueClosed);
    },
  },
  {
    name: "queue: a capacity below 1 is a RangeError",
    async run() {
      for (const capacity of [0, -1, 1.5, Number.NaN]) {
        assert.throws(() => new AsyncQueue<number>(capacity), RangeError);
      }
    },
  },
  {
    name: "lines: lines split across chunks, \\r\\n endings and a split character are joined",
    async run() {
      const euro = new TextEncoder().encode("€"); // three bytes
      const source = chunks("one\r", "\ntw", "o\nthr", euro.slice(0, 1), euro.slice(1), "ee\n");
      const lines: string[] = [];
      for await (const line of readLines(source)) lines.push(line);
      assert.deepEqual(lines, ["one", "two", "thr€ee"]);
    },
  },
  {
    name: "lines: a last line with no line ending is kept, empty lines too",
    async run() {
      assert.deepEqual(await readAllLines(chunks("a\n\nb")), ["a", "", "b"]);
      assert.deepEqual(await readAllLines(chunks()), []);
    },
  },
  {
    name: "retry: failures are retried with doubling pauses until one succeeds",
    async run() {
      const slept: number[] = [];
      const attempts: number[] = [];
      const result = await retry(async (attempt) => {
        attempts.push(attempt);
        if (attempt < 3) throw new Error(`failure ${attempt}`);
        return "done";
      }, { attempts: 5, delayMs: 10, clock: recordingClock(slept) });
      assert.equal(result, "done");
      assert.deepEqual(attempts, [1, 2, 3]);
      assert.deepEqual(slept, [10, 20]);
    },
  },
  {
    name: "retry: the last failure is rethrown once the attempts are used up",
    async run() {
      const slept: number[] = [];
      const error = await thrownBy(() =>
        retry(async (attempt) => {
          throw new Error(`failure ${attempt}`);
        }, { attempts: 3, delayMs: 5, clock: recordingClock(slept) })
      );
      assert.ok(error instanceof Error);
      assert.equal(error.message, "failure 3");
      assert.deepEqual(slept, [5, 10]);
    },
  },
  {
    name: "retry: a failure that retryIf declines is rethrown at once",
    async run() {
      const slept: number[] = [];
      const error = await thrownBy(() =>
        retry(async () => {
          throw new TypeError("fatal");
        }, { attempts: 3, delayMs: 5, clock: recordingClock(slept), retryIf: (e) => !(e instanceof TypeError) })
      );
      assert.ok(error instanceof TypeError);
      assert.deepEqual(slept, []);
    },
  },
  {
    name: "connection: exchange opens, sends each message and closes",
    async run() {
      const log: string[] = [];
      assert.deepEqual(await exchange(log, ["hi", "there"]), ["HI", "THERE"]);
      assert.deepEqual(log, ["open", "send hi", "send there", "close"]);
    },
  },
  {
    name: "connection: exchange closes the connection when a send fails",
    async run() {
      const log: string[] = [];
      assert.ok((await thrownBy(() => exchange(log, ["a", "", "b"]))) instanceof RangeError);
      assert.deepEqual(log, ["open", "send a", "close"]);
    },
  },
  {
    name: "connection: a closed connection refuses to send, and closing twice is harmless",
    async run() {
      const connection = await AsyncConnection.open([]);
      await connection.aclose();
      await connection.aclose();
      assert.deepEqual(connection.log, ["open", "close"]);
      assert.ok((await thrownBy(() => connection.send("x"))) instanceof Error);
    },
  },
];
