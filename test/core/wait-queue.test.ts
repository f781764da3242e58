/**
 * The intrusive FIFO list every blocking primitive parks its waiters in (memory object
 * streams, locks, semaphores, conditions, capacity limiters, events), checked against
 * plain arrays.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { describe, test } from "../harness/registry.ts";
import { WaitQueue, WaitQueueNode } from "../../src/core/wait-queue.ts";

class Node extends WaitQueueNode {
  readonly id: number;

  constructor(id: number) {
    super();
    this.id = id;
  }
}

const ids = (queue: WaitQueue<Node>) => queue.toArray().map((node) => node.id);

describe("core/wait-queue", () => {
  test("WaitQueue removes from the front, the middle and the back in O(1)", () => {
    const queue = new WaitQueue<Node>();
    const nodes = [0, 1, 2, 3, 4].map((id) => new Node(id));
    for (const node of nodes) queue.push(node);
    assert.equal(queue.size, 5);
    queue.remove(nodes[2]!);
    queue.remove(nodes[0]!);
    queue.remove(nodes[4]!);
    assert.deepEqual(ids(queue), [1, 3]);
    assert.equal(queue.first, nodes[1]);
    assert.equal(nodes[2]!.queued, false);
    // Removing a node that is not queued (or queued elsewhere) does nothing.
    queue.remove(nodes[2]!);
    const other = new WaitQueue<Node>();
    other.remove(nodes[1]!);
    assert.equal(queue.size, 2);
    assert.equal(queue.shift(), nodes[1]);
    assert.equal(queue.shift(), nodes[3]);
    assert.equal(queue.shift(), null);
    assert.equal(queue.first, null);
  });

  test("WaitQueue refuses a node that is already queued", () => {
    const queue = new WaitQueue<Node>();
    const node = new Node(1);
    queue.push(node);
    assert.throws(() => queue.push(node), /already in a queue/);
    assert.throws(() => new WaitQueue<Node>().push(node), /already in a queue/);
    queue.remove(node);
    new WaitQueue<Node>().push(node);
    assert.equal(node.queued, true);
  });

  test("WaitQueue behaves like an array under random pushes, shifts and removals", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom("push", "shift", "remove"), fc.nat()), { maxLength: 100 }), (ops) => {
        const queue = new WaitQueue<Node>();
        let model: Node[] = [];
        let next = 0;
        for (const [op, n] of ops) {
          if (op === "push") {
            const node = new Node(next++);
            queue.push(node);
            model.push(node);
          } else if (op === "shift") {
            assert.equal(queue.shift(), model.shift() ?? null);
          } else if (model.length > 0) {
            const node = model[n % model.length]!;
            queue.remove(node);
            model = model.filter((m) => m !== node);
          }
          assert.equal(queue.size, model.length);
          assert.deepEqual(ids(queue), model.map((node) => node.id));
          assert.equal(queue.first, model[0] ?? null);
        }
      }),
      { numRuns: 100 },
    );
  });
});
