import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import type { Backend, BackendTimer } from "../../src/backends/backend.ts";
import { TimerQueue } from "../../src/core/timer-queue.ts";
import { getBackend } from "../../src/index.ts";

/** A backend whose clock and one timer are driven by the test. */
function fakeBackend() {
  const state = { now: 0, armedFor: undefined as number | undefined, ref: false, arms: 0, fire: () => {} };
  const backend: Backend = {
    ...getBackend(),
    now: () => state.now,
    createTimer(onFire): BackendTimer {
      state.fire = onFire;
      return {
        arm(delay) {
          state.arms++;
          state.armedFor = state.now + delay;
        },
        setRef(ref) {
          state.ref = ref;
        },
        disarm() {
          state.armedFor = undefined;
        },
      };
    },
  };
  /** Moves the clock and fires the timer if it is due. */
  const advance = (to: number) => {
    state.now = to;
    if (state.armedFor !== undefined && state.armedFor <= to) {
      state.armedFor = undefined;
      state.fire();
    }
  };
  return { backend, state, advance };
}

describe("timer queue", () => {
  test("entries fire in deadline order, ties in the order they were added", () => {
    const { backend, advance } = fakeBackend();
    const queue = new TimerQueue(backend);
    const fired: string[] = [];
    queue.add(30, () => fired.push("c"));
    queue.add(10, () => fired.push("a1"));
    queue.add(20, () => fired.push("b"));
    queue.add(10, () => fired.push("a2"));
    advance(10);
    assert.deepEqual(fired, ["a1", "a2"]);
    advance(100);
    assert.deepEqual(fired, ["a1", "a2", "b", "c"]);
    assert.equal(queue.size, 0);
  });

  test("one backend timer serves every entry, armed for the earliest", () => {
    const { backend, state } = fakeBackend();
    const queue = new TimerQueue(backend);
    queue.add(50, () => {});
    queue.add(40, () => {});
    queue.add(60, () => {});
    assert.equal(state.armedFor, 40);
    assert.equal(state.arms, 2, "re-armed only when an earlier deadline came in");
  });

  test("adding and removing later deadlines never touches the backend timer", () => {
    const { backend, state } = fakeBackend();
    const queue = new TimerQueue(backend);
    queue.add(10, () => {});
    const armsBefore = state.arms;
    for (let i = 0; i < 1000; i++) queue.remove(queue.add(1000 + i, () => {}));
    assert.equal(state.arms, armsBefore);
    assert.equal(queue.size, 1);
  });

  test("a timer that fires before the earliest deadline re-arms for it", () => {
    const { backend, state, advance } = fakeBackend();
    const queue = new TimerQueue(backend);
    const fired: number[] = [];
    const early = queue.add(10, () => fired.push(10));
    queue.add(50, () => fired.push(50));
    queue.remove(early);
    advance(10);
    assert.deepEqual(fired, []);
    assert.equal(state.armedFor, 50);
    advance(50);
    assert.deepEqual(fired, [50]);
  });

  test("the timer keeps the process alive exactly while entries wait", () => {
    const { backend, state, advance } = fakeBackend();
    const queue = new TimerQueue(backend);
    assert.equal(queue.keepsAlive, false);
    const entry = queue.add(10, () => {});
    assert.equal(state.ref, true);
    assert.equal(queue.keepsAlive, true);
    queue.remove(entry);
    assert.equal(state.ref, false);
    assert.equal(queue.keepsAlive, false);
    queue.add(20, () => {});
    assert.equal(state.ref, true);
    advance(20);
    assert.equal(state.ref, false);
    assert.equal(queue.keepsAlive, false);
  });

  test("removing an entry twice, or after it fired, does nothing", () => {
    const { backend, advance } = fakeBackend();
    const queue = new TimerQueue(backend);
    let count = 0;
    const a = queue.add(10, () => count++);
    const b = queue.add(20, () => count++);
    queue.remove(b);
    queue.remove(b);
    advance(10);
    queue.remove(a);
    assert.equal(count, 1);
    assert.equal(queue.size, 0);
  });

  test("a callback may add a due entry, which fires in the same pass", () => {
    const { backend, advance } = fakeBackend();
    const queue = new TimerQueue(backend);
    const fired: string[] = [];
    queue.add(10, () => {
      fired.push("first");
      queue.add(5, () => fired.push("added late but due"));
    });
    advance(10);
    assert.deepEqual(fired, ["first", "added late but due"]);
  });

  test("the heap stays ordered under many random additions and removals", () => {
    const { backend, advance } = fakeBackend();
    const queue = new TimerQueue(backend);
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const live = new Map<number, ReturnType<TimerQueue["add"]>>();
    const fired: number[] = [];
    for (let i = 0; i < 2000; i++) {
      if (live.size > 0 && random() < 0.4) {
        const keys = [...live.keys()];
        const key = keys[Math.floor(random() * keys.length)]!;
        queue.remove(live.get(key)!);
        live.delete(key);
      } else {
        const deadline = 1 + Math.floor(random() * 10_000);
        live.set(i, queue.add(deadline, () => fired.push(deadline)));
      }
    }
    advance(10_001);
    assert.equal(fired.length, live.size);
    assert.deepEqual(fired, [...fired].sort((x, y) => x - y));
  });

  test("removing most entries (a cancelled group) keeps size, order and liveness right", () => {
    const { backend, state, advance } = fakeBackend();
    const queue = new TimerQueue(backend);
    const fired: number[] = [];
    const entries = Array.from({ length: 1000 }, (_, i) => {
      const deadline = 1 + ((i * 7919) % 1000);
      return { deadline, entry: queue.add(deadline, () => fired.push(deadline)) };
    });
    const kept = entries.filter((_, i) => i % 10 === 3);
    entries.forEach((e, i) => {
      if (i % 10 !== 3) queue.remove(e.entry);
    });
    assert.equal(queue.size, kept.length);
    assert.equal(state.ref, true);
    advance(2000);
    assert.deepEqual(fired, kept.map((e) => e.deadline).sort((a, b) => a - b));
    assert.equal(queue.size, 0);
    assert.equal(queue.keepsAlive, false);
  });

  test("removing every entry, root last or first, leaves an empty queue that keeps nothing alive", () => {
    const { backend, state } = fakeBackend();
    const queue = new TimerQueue(backend);
    const a = Array.from({ length: 100 }, (_, i) => queue.add(10 + i, () => assert.fail("removed entry fired")));
    for (const entry of a.reverse()) queue.remove(entry);
    assert.equal(queue.size, 0);
    assert.equal(state.ref, false);
    const b = Array.from({ length: 100 }, (_, i) => queue.add(10 + i, () => assert.fail("removed entry fired")));
    for (const entry of b) queue.remove(entry);
    assert.equal(queue.size, 0);
    assert.equal(state.ref, false);
  });
});
