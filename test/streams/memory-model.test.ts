/**
 * Model-based property tests of memory object streams (fast-check).
 *
 * 1. Lock-step schedules: random sequences of blocking sends and receives (each in a task
 *    of its own), non-blocking calls, clones, closes and cancellations, some arriving in
 *    the same synchronous step as a hand-over. After every step the test waits, by
 *    checkpoints, until the stream agrees with a plain-array model of AnyIO's semantics:
 *    the same outcome for every operation (which item, which error, or still parked) and
 *    the same statistics. Independently of the model, the items observed must show no
 *    loss, no duplicate and no reordering.
 * 2. Free-running producers and consumers through clones, with sends and receives
 *    cancelled at random moments: every item whose send returned is received exactly
 *    once, no item whose send was cancelled is ever received, and each consumer sees each
 *    producer's items in order.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { describe, test } from "../harness/registry.ts";
import { errorName, MAX_CHECKPOINTS, type Op, spawnOp } from "./helpers.ts";
import { CancelScope, checkpoint, EndOfStream, isCancelled, type TaskGroup, withTaskGroup } from "../../src/index.ts";
import {
  createMemoryObjectStream,
  type MemoryObjectReceiveStream,
  type MemoryObjectSendStream,
  type MemoryObjectStreamStatistics,
} from "../../src/streams/index.ts";

// ---------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------

/** What an operation ended with: "ok" (a send), "ok:<item>" (a receive), or an error's name. */
type Outcome = string;
/** A model operation that had to wait. */
const PARKED = "parked";

/**
 * AnyIO's memory object stream, written as plainly as possible: arrays, no tasks. Each
 * blocking operation is known by the id of its op; `outcomes` holds how every op ended
 * (ops still parked have none).
 */
class Model {
  readonly buffer: number[] = [];
  senders: { op: number; item: number; end: number }[] = [];
  receivers: { op: number; end: number }[] = [];
  readonly sendOpen: boolean[] = [true];
  readonly receiveOpen: boolean[] = [true];
  readonly outcomes = new Map<number, Outcome>();
  /** Items dropped because the last receive end closed while they were buffered. */
  readonly dropped: number[] = [];

  readonly maxBufferSize: number;

  constructor(maxBufferSize: number) {
    this.maxBufferSize = maxBufferSize;
  }

  get openSend(): number {
    return this.sendOpen.filter(Boolean).length;
  }

  get openReceive(): number {
    return this.receiveOpen.filter(Boolean).length;
  }

  /** A send on end `end`; `op` is null for sendNowait. */
  send(end: number, item: number, op: number | null): Outcome {
    if (!this.sendOpen[end]) return "ClosedResourceError";
    if (this.openReceive === 0) return "BrokenResourceError";
    const receiver = this.receivers.shift();
    if (receiver !== undefined) {
      this.outcomes.set(receiver.op, `ok:${item}`);
      return "ok";
    }
    if (this.buffer.length < this.maxBufferSize) {
      this.buffer.push(item);
      return "ok";
    }
    if (op === null) return "WouldBlock";
    this.senders.push({ op, item, end });
    return PARKED;
  }

  /** A receive on end `end`; `op` is null for receiveNowait. */
  receive(end: number, op: number | null): Outcome {
    if (!this.receiveOpen[end]) return "ClosedResourceError";
    if (this.buffer.length > 0) {
      const item = this.buffer.shift()!;
      const sender = this.senders.shift();
      if (sender !== undefined) {
        this.buffer.push(sender.item);
        this.outcomes.set(sender.op, "ok");
      }
      return `ok:${item}`;
    }
    const sender = this.senders.shift();
    if (sender !== undefined) {
      this.outcomes.set(sender.op, "ok");
      return `ok:${sender.item}`;
    }
    if (this.openSend === 0) return "EndOfStream";
    if (op === null) return "WouldBlock";
    this.receivers.push({ op, end });
    return PARKED;
  }

  cloneSend(end: number): Outcome {
    if (!this.sendOpen[end]) return "ClosedResourceError";
    this.sendOpen.push(true);
    return "ok";
  }

  cloneReceive(end: number): Outcome {
    if (!this.receiveOpen[end]) return "ClosedResourceError";
    this.receiveOpen.push(true);
    return "ok";
  }

  closeSend(end: number): void {
    if (!this.sendOpen[end]) return;
    this.sendOpen[end] = false;
    for (const s of this.senders.filter((s) => s.end === end)) this.outcomes.set(s.op, "ClosedResourceError");
    this.senders = this.senders.filter((s) => s.end !== end);
    if (this.openSend > 0) return;
    for (const r of this.receivers) this.outcomes.set(r.op, "EndOfStream");
    this.receivers = [];
  }

  closeReceive(end: number): void {
    if (!this.receiveOpen[end]) return;
    this.receiveOpen[end] = false;
    for (const r of this.receivers.filter((r) => r.end === end)) this.outcomes.set(r.op, "ClosedResourceError");
    this.receivers = this.receivers.filter((r) => r.end !== end);
    if (this.openReceive > 0) return;
    for (const s of this.senders) this.outcomes.set(s.op, "BrokenResourceError");
    this.senders = [];
    this.dropped.push(...this.buffer.splice(0));
  }

  /** Cancels op `op` if it is still parked; an op that already ended keeps its outcome. */
  cancel(op: number): void {
    const before = this.senders.length + this.receivers.length;
    this.senders = this.senders.filter((s) => s.op !== op);
    this.receivers = this.receivers.filter((r) => r.op !== op);
    if (this.senders.length + this.receivers.length < before) this.outcomes.set(op, "Cancelled");
  }

  /** Ids of the ops parked now, oldest first within each queue. */
  parked(): number[] {
    return [...this.senders.map((s) => s.op), ...this.receivers.map((r) => r.op)];
  }

  statistics(): MemoryObjectStreamStatistics {
    return {
      currentBufferUsed: this.buffer.length,
      maxBufferSize: this.maxBufferSize,
      openSendStreams: this.openSend,
      openReceiveStreams: this.openReceive,
      tasksWaitingSend: this.senders.length,
      tasksWaitingReceive: this.receivers.length,
    };
  }
}

// ---------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------

/**
 * One step of a schedule. `end` picks an end (modulo how many exist, closed ones
 * included); `cancel` picks one of the ops parked before the step, to be cancelled in the
 * same synchronous step right after it (so it may already have been handed its result).
 */
type Command =
  | { kind: "send" | "receive"; end: number; preCancel: boolean }
  | { kind: "sendNowait" | "receiveNowait" | "closeSend" | "closeReceive"; end: number; cancel: number | null }
  | { kind: "cloneSend" | "cloneReceive"; end: number }
  | { kind: "cancel"; op: number };

const endArb = fc.nat({ max: 15 });
const cancelArb = fc.option(fc.nat({ max: 15 }), { nil: null, freq: 2 });
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constantFrom("send" as const, "receive" as const),
      end: endArb,
      preCancel: fc.nat({ max: 7 }).map((n) => n === 0),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constantFrom("sendNowait" as const, "receiveNowait" as const),
      end: endArb,
      cancel: cancelArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constantFrom("closeSend" as const, "closeReceive" as const),
      end: endArb,
      cancel: cancelArb,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom("cloneSend" as const, "cloneReceive" as const), end: endArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("cancel" as const), op: fc.nat({ max: 15 }) }) },
);

/** The real side of a schedule: the ends, the ops and what the controller observed. */
interface Real {
  sends: MemoryObjectSendStream<number>[];
  receives: MemoryObjectReceiveStream<number>[];
  /** Every blocking op, by id, with `receive` telling its kind. */
  ops: { op: Op<number | void>; receive: boolean; item?: number }[];
  /** Items whose send (blocking or not) returned, in the order they did. */
  accepted: number[];
  /** Items received (blocking or not), in the order observed. */
  received: number[];
}

function realOutcome(entry: Real["ops"][number]): Outcome | undefined {
  const { op, receive } = entry;
  if (!op.done) return undefined;
  if (op.outcome !== "ok") return op.outcome;
  return receive ? `ok:${op.value}` : "ok";
}

function nowait(fn: () => number | void): Outcome {
  try {
    const value = fn();
    return value === undefined ? "ok" : `ok:${value}`;
  } catch (err) {
    return errorName(err);
  }
}

/**
 * Whether the real stream agrees with the model: null if it does, "pending" while ops the
 * model says have ended are still on their way, or a description of a definite mismatch.
 */
function compare(model: Model, real: Real): string | null {
  let pending = false;
  for (const [id, entry] of real.ops.entries()) {
    const expected = model.outcomes.get(id);
    const actual = realOutcome(entry);
    if (actual === undefined) {
      if (expected !== undefined) pending = true;
      continue;
    }
    if (expected === undefined) return `op ${id} ended with ${actual}, but the model has it parked`;
    if (actual !== expected) return `op ${id} ended with ${actual}, the model says ${expected}`;
  }
  // Statistics may lag while an op is on its way to park; a lasting difference fails in
  // settle() once it has waited MAX_CHECKPOINTS.
  const stats = JSON.stringify(real.sends[0]!.statistics());
  const expected = JSON.stringify(model.statistics());
  if (stats !== expected) return `pending: statistics ${stats}, model ${expected}`;
  return pending ? "pending" : null;
}

/** Passes checkpoints until the real stream agrees with the model; fails on a mismatch. */
async function settle(model: Model, real: Real, step: string): Promise<void> {
  let last = "";
  for (let spin = 0; spin < MAX_CHECKPOINTS; spin++) {
    const result = compare(model, real);
    if (result === null) return;
    if (!result.startsWith("pending")) assert.fail(`after ${step}: ${result}`);
    last = result;
    await checkpoint();
  }
  assert.fail(`after ${step}: never settled (${last})`);
}

/** Records what a finished op observed into `accepted` / `received`. */
function harvest(real: Real, seen: Set<number>): void {
  for (const [id, entry] of real.ops.entries()) {
    if (seen.has(id) || !entry.op.done) continue;
    seen.add(id);
    if (entry.op.outcome !== "ok") continue;
    if (entry.receive) real.received.push(entry.op.value as number);
    else real.accepted.push(entry.item!);
  }
}

async function runSchedule(maxBufferSize: number, commands: Command[]): Promise<void> {
  const model = new Model(maxBufferSize);
  const [send, receive] = createMemoryObjectStream<number>(maxBufferSize);
  const real: Real = { sends: [send], receives: [receive], ops: [], accepted: [], received: [] };
  const seen = new Set<number>();
  let nextItem = 0;

  await withTaskGroup(async (tg) => {
    for (const [index, command] of commands.entries()) {
      const step = `step ${index} ${JSON.stringify(command)}`;
      const parkedBefore = model.parked();
      const cancelAfter = "cancel" in command && command.cancel !== null && parkedBefore.length > 0
        ? parkedBefore[command.cancel % parkedBefore.length]!
        : null;
      switch (command.kind) {
        case "send": {
          const end = command.end % real.sends.length;
          const item = nextItem++;
          const id = real.ops.length;
          const stream = real.sends[end]!;
          const op = spawnOp(tg, () => stream.send(item), `send ${item}`);
          real.ops.push({ op, receive: false, item });
          if (command.preCancel) {
            op.scope.cancel();
            model.outcomes.set(id, "Cancelled");
          } else {
            const outcome = model.send(end, item, id);
            if (outcome !== PARKED) model.outcomes.set(id, outcome);
          }
          break;
        }
        case "receive": {
          const end = command.end % real.receives.length;
          const id = real.ops.length;
          const stream = real.receives[end]!;
          const op = spawnOp(tg, () => stream.receive(), "receive");
          real.ops.push({ op, receive: true });
          if (command.preCancel) {
            op.scope.cancel();
            model.outcomes.set(id, "Cancelled");
          } else {
            const outcome = model.receive(end, id);
            if (outcome !== PARKED) model.outcomes.set(id, outcome);
          }
          break;
        }
        case "sendNowait": {
          const end = command.end % real.sends.length;
          const item = nextItem++;
          const actual = nowait(() => real.sends[end]!.sendNowait(item));
          const expected = model.send(end, item, null);
          assert.equal(actual, expected, `${step}: sendNowait`);
          if (actual === "ok") real.accepted.push(item);
          break;
        }
        case "receiveNowait": {
          const end = command.end % real.receives.length;
          let item: number | undefined;
          const actual = nowait(() => (item = real.receives[end]!.receiveNowait()));
          const expected = model.receive(end, null);
          assert.equal(actual, expected, `${step}: receiveNowait`);
          if (item !== undefined) real.received.push(item);
          break;
        }
        case "cloneSend": {
          const end = command.end % real.sends.length;
          let clone: MemoryObjectSendStream<number> | undefined;
          const actual = nowait(() => void (clone = real.sends[end]!.clone()));
          assert.equal(actual, model.cloneSend(end), `${step}: clone`);
          if (clone !== undefined) real.sends.push(clone);
          break;
        }
        case "cloneReceive": {
          const end = command.end % real.receives.length;
          let clone: MemoryObjectReceiveStream<number> | undefined;
          const actual = nowait(() => void (clone = real.receives[end]!.clone()));
          assert.equal(actual, model.cloneReceive(end), `${step}: clone`);
          if (clone !== undefined) real.receives.push(clone);
          break;
        }
        case "closeSend": {
          const end = command.end % real.sends.length;
          real.sends[end]!.close();
          model.closeSend(end);
          break;
        }
        case "closeReceive": {
          const end = command.end % real.receives.length;
          real.receives[end]!.close();
          model.closeReceive(end);
          break;
        }
        case "cancel": {
          if (parkedBefore.length === 0) break;
          const id = parkedBefore[command.op % parkedBefore.length]!;
          real.ops[id]!.op.scope.cancel();
          model.cancel(id);
          break;
        }
      }
      if (cancelAfter !== null) {
        // Same synchronous step: the op may have just been handed its result.
        real.ops[cancelAfter]!.op.scope.cancel();
        model.cancel(cancelAfter);
      }
      await settle(model, real, step);
      harvest(real, seen);
    }

    // Wind down: cancel what still waits, close the send ends, drain, close the rest.
    for (const id of model.parked()) {
      real.ops[id]!.op.scope.cancel();
      model.cancel(id);
    }
    for (const [end, stream] of real.sends.entries()) {
      stream.close();
      model.closeSend(end);
    }
    await settle(model, real, "wind-down");
    const open = real.receives.findIndex((_, end) => model.receiveOpen[end]);
    if (open >= 0) {
      while (true) {
        let item: number | undefined;
        const actual = nowait(() => (item = real.receives[open]!.receiveNowait()));
        assert.equal(actual, model.receive(open, null), "wind-down: drain");
        if (item === undefined) break;
        real.received.push(item);
      }
    }
    for (const [end, stream] of real.receives.entries()) {
      stream.close();
      model.closeReceive(end);
    }
    await settle(model, real, "close");
    harvest(real, seen);
  });

  // Independent of the model: nothing lost, duplicated or reordered. Items were given
  // increasing numbers as they were offered, one step at a time, so the stream must
  // deliver them in increasing order.
  const received = real.received;
  assert.equal(new Set(received).size, received.length, `an item was received twice: ${received}`);
  for (let i = 1; i < received.length; i++) {
    assert.ok(received[i - 1]! < received[i]!, `items reordered: ${received}`);
  }
  const accepted = new Set(real.accepted);
  for (const item of received) assert.ok(accepted.has(item), `item ${item} received but never sent`);
  const unreceived = real.accepted.filter((item) => !received.includes(item)).sort((a, b) => a - b);
  assert.deepEqual(unreceived, [...model.dropped].sort((a, b) => a - b), "items lost");
  assert.deepEqual(send.statistics(), { ...model.statistics(), currentBufferUsed: 0 });
}

// ---------------------------------------------------------------------------------------
// Free-running producers and consumers
// ---------------------------------------------------------------------------------------

/** When to cancel one operation: null for never, else after that many checkpoints. */
const cancelPlanArb = fc.option(fc.nat({ max: 3 }), { nil: null, freq: 3 });
/**
 * The same for receives, but never before the receive's own first checkpoint: a receive
 * always cancelled there could never see EndOfStream, and its consumer would loop forever.
 */
const receivePlanArb = fc.option(fc.integer({ min: 1, max: 3 }), { nil: null, freq: 3 });
/** A consumer giving up after this many receives has been starved: fail, do not hang. */
const MAX_TURNS = 10_000;

interface Scenario {
  maxBufferSize: number;
  /** Per producer: the cancel plan of each of its sends. */
  producers: (number | null)[][];
  /** Per consumer: cancel plans for its receives, used in turn. */
  consumers: (number | null)[][];
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  maxBufferSize: fc.constantFrom(0, 1, 3, Infinity),
  producers: fc.array(fc.array(cancelPlanArb, { minLength: 1, maxLength: 12, size: "max" }), {
    minLength: 1,
    maxLength: 3,
  }),
  consumers: fc.array(fc.array(receivePlanArb, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 3 }),
});

/**
 * Runs `fn` in a fresh scope that another task cancels after `plan` checkpoints (if plan
 * is not null). Returns whether `fn` completed.
 */
async function maybeCancelled(
  tg: TaskGroup,
  plan: number | null,
  fn: () => Promise<void>,
): Promise<boolean> {
  const scope = new CancelScope();
  if (plan !== null) {
    tg.startSoon(async () => {
      for (let i = 0; i < plan; i++) await checkpoint();
      scope.cancel("chaos");
    });
  }
  let completed = false;
  await scope.run(async () => {
    await fn();
    completed = true;
  });
  return completed;
}

async function runScenario({ maxBufferSize, producers, consumers }: Scenario): Promise<void> {
  const [send, receive] = createMemoryObjectStream<[number, number]>(maxBufferSize);
  const sent: string[] = [];
  const got: [number, number][][] = consumers.map(() => []);
  await withTaskGroup(async (tg) => {
    for (const [p, plans] of producers.entries()) {
      tg.startSoon(async (out: MemoryObjectSendStream<[number, number]>) => {
        using s = out;
        for (const [i, plan] of plans.entries()) {
          if (await maybeCancelled(tg, plan, () => s.send([p, i]))) sent.push(`${p}:${i}`);
        }
      }, send.clone());
    }
    for (const [c, plans] of consumers.entries()) {
      tg.startSoon(async (input: MemoryObjectReceiveStream<[number, number]>) => {
        using r = input;
        for (let turn = 0; turn < MAX_TURNS; turn++) {
          let ended = false;
          await maybeCancelled(tg, plans[turn % plans.length]!, async () => {
            try {
              got[c]!.push(await r.receive());
            } catch (err) {
              if (!(err instanceof EndOfStream)) throw err;
              ended = true;
            }
          });
          if (ended) return;
        }
        assert.fail(`consumer ${c} never saw the end of the stream`);
      }, receive.clone());
    }
    send.close();
    receive.close();
  });
  const received = got.flat().map(([p, i]) => `${p}:${i}`);
  assert.equal(new Set(received).size, received.length, `an item was received twice: ${received}`);
  assert.deepEqual([...received].sort(), [...sent].sort(), "received items differ from completed sends");
  for (const items of got) {
    for (const p of producers.keys()) {
      const seq = items.filter(([q]) => q === p).map(([, i]) => i);
      for (let k = 1; k < seq.length; k++) assert.ok(seq[k - 1]! < seq[k]!, `producer ${p} reordered: ${seq}`);
    }
  }
  assert.deepEqual(send.statistics(), {
    currentBufferUsed: 0,
    maxBufferSize,
    openSendStreams: 0,
    openReceiveStreams: 0,
    tasksWaitingSend: 0,
    tasksWaitingReceive: 0,
  });
}

// ---------------------------------------------------------------------------------------

describe("streams/memory model", () => {
  test("random schedules agree with the model, step by step", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0, 0, 1, 2, 3, Infinity),
        fc.array(commandArb, { minLength: 1, maxLength: 40, size: "max" }),
        runSchedule,
      ),
      { numRuns: 150 },
    );
  });

  test("rendezvous schedules heavy on cancellation agree with the model", async () => {
    const heavy: fc.Arbitrary<Command> = fc.oneof(
      { weight: 4, arbitrary: commandArb },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant("cancel" as const), op: fc.nat({ max: 15 }) }) },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constantFrom("sendNowait" as const, "receiveNowait" as const),
          end: fc.constant(0),
          cancel: fc.nat({ max: 15 }),
        }),
      },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(0, 1), fc.array(heavy, { minLength: 1, maxLength: 40, size: "max" }), runSchedule),
      { numRuns: 100 },
    );
  });

  test("free-running producers and consumers with random cancellations lose nothing", async () => {
    await fc.assert(fc.asyncProperty(scenarioArb, runScenario), { numRuns: 100 });
  });

  test("the model test notices a broken stream", async () => {
    // A guard on the guard: a schedule whose expected outcome is wrong must fail.
    const model = new Model(0);
    model.outcomes.set(0, "ok:1");
    const [send, receive] = createMemoryObjectStream<number>(0);
    await withTaskGroup(async (tg) => {
      const op = spawnOp(tg, () => receive.receive(), "receive");
      const real: Real = { sends: [send], receives: [receive], ops: [{ op, receive: true }], accepted: [], received: [] };
      send.close(); // the real receive ends with EndOfStream, not ok:1
      const err = await settle(model, real, "sabotage").then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof Error && /EndOfStream/.test(err.message), String(err));
      assert.ok(!isCancelled(err));
    });
    receive.close();
  });
});
