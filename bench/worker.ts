/**
 * Runs one implementation of one case and prints its measurement as one line of JSON
 * after {@link RESULT_MARKER}. scripts/bench.ts starts one worker process per
 * implementation and case, on each runtime in turn.
 *
 * Usage: <runtime> bench/worker.ts --case <name> --impl <name> [--quick]
 * (Node needs --expose-gc and Deno --v8-flags=--expose-gc for the memory case.)
 *
 * @module
 */
import process from "node:process";
import {
  DEFAULT_REPETITIONS,
  IMPLEMENTATIONS,
  type ImplName,
  implsOf,
  type Measurement,
  measureMemory,
  measureThroughput,
  RESULT_MARKER,
} from "./harness.ts";
import { allCases } from "./suites.ts";

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};

const caseName = option("--case");
const impl = option("--impl") as ImplName | undefined;
const quick = args.includes("--quick");

const benchCase = allCases.find((c) => c.name === caseName);
if (benchCase === undefined || impl === undefined || !IMPLEMENTATIONS.includes(impl)) {
  throw new Error(
    `usage: bench/worker.ts --case <${allCases.map((c) => c.name).join("|")}> ` +
      `--impl <${IMPLEMENTATIONS.join("|")}> [--quick]`,
  );
}
if (!implsOf(benchCase).includes(impl)) {
  throw new Error(`case ${benchCase.name} has no ${impl} implementation (it has ${implsOf(benchCase).join(", ")})`);
}

const n = quick ? benchCase.count / 10 : benchCase.count;
const repetitions = quick ? { ...DEFAULT_REPETITIONS, budget: 1, warmupSeconds: 0 } : DEFAULT_REPETITIONS;
const result: Measurement = benchCase.kind === "memory"
  ? await measureMemory(benchCase, impl, n, repetitions)
  : await measureThroughput(benchCase, impl, n, repetitions);
// Exit once the line is written: a peer may leave a timer or scheduler behind, and the
// measurement is done.
process.stdout.write(RESULT_MARKER + JSON.stringify(result) + "\n", () => process.exit(0));
