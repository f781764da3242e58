/**
 * The buffer of memory object streams (Fifo), checked against plain arrays. The queue of
 * parked senders and receivers is core's WaitQueue, tested in test/core/wait-queue.test.ts.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { describe, test } from "../harness/registry.ts";
import { Fifo } from "../../src/streams/fifo.ts";

describe("streams/queues", () => {
  test("Fifo keeps order across compactions and drops references as it goes", () => {
    const queue = new Fifo<number>();
    let next = 0;
    let expected = 0;
    // Grow past the compaction threshold while consuming, several times over.
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 3000; i++) queue.push(next++);
      for (let i = 0; i < 2500; i++) assert.equal(queue.shift(), expected++);
    }
    assert.equal(queue.size, next - expected);
    while (queue.size > 0) assert.equal(queue.shift(), expected++);
    assert.equal(expected, next);
    queue.push(-1);
    queue.clear();
    assert.equal(queue.size, 0);
  });

  test("Fifo behaves like an array under random pushes and shifts", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.nat({ max: 2000 }), fc.constant(-1)), { maxLength: 200 }), (ops) => {
        const queue = new Fifo<number | undefined>();
        const model: (number | undefined)[] = [];
        for (const op of ops) {
          if (op === -1) {
            if (model.length === 0) continue;
            assert.equal(queue.shift(), model.shift());
          } else {
            // Bursts, so the consumed prefix crosses the compaction threshold.
            for (let i = 0; i < op; i++) {
              const value = i % 7 === 0 ? undefined : i;
              queue.push(value);
              model.push(value);
            }
          }
          assert.equal(queue.size, model.length);
        }
        while (model.length > 0) assert.equal(queue.shift(), model.shift());
      }),
      { numRuns: 100 },
    );
  });
});
