/**
 * The benchmark harness: how a case is described, how one implementation of it is
 * measured (warm-up, repetitions, median), and the few runtime hooks that measuring
 * needs (a clock, a forced full GC, the heap size) on Node, Deno and Bun alike.
 *
 * A case has one implementation per contender: `baseline` (the raw runtime API, or a
 * minimal hand-written equivalent in bench/), `structio`, and whichever peers offer the
 * same thing: `effection` (v4), `effect` (v4), `async-mutex`, `p-limit`. Every case has
 * a baseline and a structio implementation; peers are optional. Each implementation
 * runs in its own process (see bench/worker.ts), so that no contender's garbage, timers
 * or JIT feedback colours another's figures.
 *
 * @module
 */
import process from "node:process";

/** The contenders, in the order they run and are printed. The first is the baseline. */
export const IMPLEMENTATIONS = [
  "baseline",
  "structio",
  "structio-node",
  "effection",
  "effect",
  "async-mutex",
  "p-limit",
] as const;
export type ImplName = (typeof IMPLEMENTATIONS)[number];

/**
 * One implementation per contender: the baseline and structio always, each peer only
 * where it has an equivalent.
 */
export type Impls<F> = { readonly baseline: F; readonly structio: F } & Readonly<Partial<Record<ImplName, F>>>;

/** The contenders a case has, in {@link IMPLEMENTATIONS} order. */
export function implsOf(c: BenchCase): ImplName[] {
  return IMPLEMENTATIONS.filter((i) => c.impls[i] !== undefined);
}

/**
 * A throughput case: `run(n)` does one batch of `n` operations and resolves when all
 * of them are done. Throws if the batch did not do what it claims (every case checks
 * its own work with a counter).
 */
export interface ThroughputCase {
  readonly kind: "throughput";
  readonly suite: string;
  readonly name: string;
  /** Operations per batch in a full run (`--quick` divides by 10). */
  readonly count: number;
  /** What one operation is, for the table's readers. */
  readonly unit: string;
  readonly impls: Impls<(n: number) => Promise<void>>;
  /**
   * Prepares what every implementation works on (a large input file), once per
   * process, before the first batch, so that no batch, not even the probe that sizes
   * the batches, is charged with it.
   */
  readonly setup?: () => Promise<void>;
}

/**
 * A memory case: `park(n, measure)` brings `n` tasks to a waiting state, calls
 * `measure()` (synchronously) while every one of them is parked, then ends them all
 * and resolves.
 */
export interface MemoryCase {
  readonly kind: "memory";
  readonly suite: string;
  readonly name: string;
  readonly count: number;
  readonly unit: string;
  readonly impls: Impls<(n: number, measure: () => void) => Promise<void>>;
}

export type BenchCase = ThroughputCase | MemoryCase;

/** What a worker reports for one implementation of one case. */
export interface Measurement {
  readonly suite: string;
  readonly case: string;
  readonly implementation: ImplName;
  readonly runtime: string;
  readonly count: number;
  /** Median operations per second (throughput cases); null for memory cases. */
  readonly opsPerSec: number | null;
  /** Median heap bytes per parked task (memory cases only). */
  readonly bytesPerTask?: number;
  /** Every timed sample: seconds per batch, or bytes per task. */
  readonly samples: number[];
}

/** The marker a worker puts before its one line of JSON, so stray output is ignored. */
export const RESULT_MARKER = "@@structio-bench@@ ";

/** The runtime executing this code. */
export function runtimeName(): "node" | "deno" | "bun" {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (g.Bun !== undefined) return "bun";
  if (g.Deno !== undefined) return "deno";
  return "node";
}

/**
 * A function that forces a full, synchronous garbage collection, or undefined when the
 * runtime was started without one (Node: `--expose-gc`; Deno: `--v8-flags=--expose-gc`;
 * Bun: always, as `Bun.gc(true)`).
 */
export function gcFunction(): (() => void) | undefined {
  const g = globalThis as { gc?: () => void; Bun?: { gc(force: boolean): void } };
  if (g.Bun !== undefined) {
    const bun = g.Bun;
    return () => bun.gc(true);
  }
  if (typeof g.gc === "function") {
    const gc = g.gc;
    return () => gc();
  }
  return undefined;
}

/** Collects garbage thoroughly (several passes, so weak and finalised objects go too). */
export function fullGc(gc: () => void): void {
  for (let i = 0; i < 3; i++) gc();
}

/** The bytes used by the JS heap now. */
export function heapUsed(): number {
  return process.memoryUsage().heapUsed;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The order in which round `round` runs `items` when contenders take turns: turned by
 * one each round, and reversed every other cycle, so that each runs in each position
 * equally often. Forward and reverse alone keep the middle one of three in the middle
 * every round, and a position has a cost of its own: in one process, of two builds that
 * measured the same in balanced orders, the one always in the middle came out 2-12%
 * slower.
 */
export function turnOrder<T>(items: readonly T[], round: number): T[] {
  const shift = round % items.length;
  const turned = [...items.slice(shift), ...items.slice(0, shift)];
  return Math.floor(round / items.length) % 2 === 0 ? turned : turned.toReversed();
}

/** How many warm-up and timed repetitions each measurement makes, and how long a batch may take. */
export interface Repetitions {
  /** Warm-up batches: at least this many, and more until `warmupSeconds` have passed. */
  readonly warmup: number;
  /**
   * The least time (seconds) a contender runs before it is timed. JIT compilers tier a
   * hot function up in steps over its first seconds of calls, on a thread of their own:
   * on Bun, FTL compiles structio's stream functions for about 3 s of a pipe through
   * `cat`, ~180 ms of compiling that takes turns with the work on a 2-core machine. A
   * count of batches alone warms a case whose batch is short for a fraction of that.
   */
  readonly warmupSeconds: number;
  readonly reps: number;
  /** A batch slower than this (seconds) during warm-up cuts the timed reps to 3. */
  readonly slowBatch: number;
  /**
   * The longest a batch may take (seconds). A contender that would need longer for the
   * case's count runs smaller batches instead (reported in `count`), so that a slow
   * peer cannot stretch a run to hours; its ops/s stays comparable.
   */
  readonly budget: number;
}

export const DEFAULT_REPETITIONS: Repetitions = { warmup: 2, reps: 5, slowBatch: 1.5, budget: 4, warmupSeconds: 3 };

/** Lets timers and I/O callbacks left over from a batch run before the next one. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Rounds down to 1, 2 or 5 times a power of ten. */
function roundDownNicely(n: number): number {
  const power = 10 ** Math.floor(Math.log10(n));
  const step = n / power >= 5 ? 5 : n / power >= 2 ? 2 : 1;
  return step * power;
}

/**
 * Measures a throughput case: a first warm-up batch at a tenth of the count (which also
 * decides whether the budget forces smaller batches), warm-up batches (at least
 * `warmup`, and until `warmupSeconds` have passed since the first batch), then timed
 * batches each preceded by a full GC (when available, so one batch's garbage is not
 * billed to the next), and the median of the timed batches.
 */
export async function measureThroughput(
  c: ThroughputCase,
  impl: ImplName,
  count: number,
  repetitions: Repetitions = DEFAULT_REPETITIONS,
): Promise<Measurement> {
  const run = c.impls[impl];
  if (run === undefined) throw new Error(`case ${c.name} has no ${impl} implementation`);
  const gc = gcFunction();
  let n = count;
  await c.setup?.();
  const probe = Math.max(1, Math.floor(count / 10));
  const t = performance.now();
  await run(probe);
  const projected = ((performance.now() - t) / 1000) * (count / probe);
  if (projected > repetitions.budget) {
    // A batch is a whole number of operations, at least one: a case's loop up to 0.5
    // still makes one copy, and the batch would be credited half of it.
    n = Math.max(1, Math.floor(probe / 10), roundDownNicely(count * repetitions.budget / projected));
  }
  await settle();
  let slow = false;
  for (let i = 0; i < repetitions.warmup || (performance.now() - t) / 1000 < repetitions.warmupSeconds; i++) {
    const t0 = performance.now();
    await run(n);
    if ((performance.now() - t0) / 1000 > repetitions.slowBatch) slow = true;
    await settle();
  }
  const reps = slow ? Math.min(3, repetitions.reps) : repetitions.reps;
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    if (gc !== undefined) fullGc(gc);
    await settle();
    const t0 = performance.now();
    await run(n);
    samples.push((performance.now() - t0) / 1000);
  }
  return {
    suite: c.suite,
    case: c.name,
    implementation: impl,
    runtime: runtimeName(),
    count: n,
    opsPerSec: n / median(samples),
    samples,
  };
}

/**
 * Measures a memory case: heap after a full GC with `n` tasks parked, minus the heap
 * after a full GC just before they were made, divided by `n`; median of the reps.
 */
export async function measureMemory(
  c: MemoryCase,
  impl: ImplName,
  n: number,
  repetitions: Repetitions = DEFAULT_REPETITIONS,
): Promise<Measurement> {
  const park = c.impls[impl];
  if (park === undefined) throw new Error(`case ${c.name} has no ${impl} implementation`);
  const gc = gcFunction();
  if (gc === undefined) {
    throw new Error("memory cases need a forced GC: run Node with --expose-gc, Deno with --v8-flags=--expose-gc");
  }
  const once = async (): Promise<number> => {
    await settle();
    fullGc(gc);
    const before = heapUsed();
    let after: number | undefined;
    await park(n, () => {
      fullGc(gc);
      after = heapUsed();
    });
    if (after === undefined) throw new Error(`${impl}: measure() was never called`);
    return (after - before) / n;
  };
  for (let i = 0; i < repetitions.warmup; i++) await once();
  const samples: number[] = [];
  for (let i = 0; i < repetitions.reps; i++) samples.push(await once());
  return {
    suite: c.suite,
    case: c.name,
    implementation: impl,
    runtime: runtimeName(),
    count: n,
    opsPerSec: null,
    bytesPerTask: median(samples),
    samples,
  };
}

/** Throws when a batch did less (or more) than it should have. */
export function expectCount(what: string, actual: number, expected: number): void {
  if (actual !== expected) throw new Error(`${what}: expected ${expected}, got ${actual}`);
}
