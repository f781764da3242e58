/**
 * Every benchmark suite, in the order `npm run bench` runs them. Case names are unique
 * across suites, so `--case` needs no suite prefix.
 *
 * @module
 */
import { coreCases } from "./core.bench.ts";
import type { BenchCase } from "./harness.ts";
import { fsCases } from "./fs.bench.ts";
import { netCases } from "./net.bench.ts";
import { processCases } from "./process.bench.ts";
import { syncCases } from "./sync.bench.ts";
import { unasyncCases } from "./unasync.bench.ts";

export const SUITES: Readonly<Record<string, readonly BenchCase[]>> = {
  core: coreCases,
  "streams-sync": syncCases,
  net: netCases,
  files: fsCases,
  processes: processCases,
  unasync: unasyncCases,
};

/** Every case of every suite. */
export const allCases: readonly BenchCase[] = Object.values(SUITES).flat();
