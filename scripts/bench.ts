/**
 * `npm run bench`: the benchmark suites (bench/suites.ts: `core`, `streams-sync`, `net`,
 * `files`, `processes`, `unasync`), on Node,
 * Deno and Bun one after the other. Every case runs beside its baseline (the raw
 * runtime API, or a minimal hand-written equivalent) and its peers (Effection 4,
 * Effect 4, async-mutex, p-limit: whichever have an equivalent); each implementation
 * of each case runs in a fresh process (bench/worker.ts), one process at a time.
 *
 * Prints a table per runtime: suite, case, implementation, ops/s, ratio to the baseline
 * and, for the memory case, heap bytes per task. The ratio is a cost ratio, higher is
 * worse: time per operation over the baseline's (throughput cases), or bytes per task
 * over the baseline's (memory case).
 *
 * Usage: node scripts/bench.ts [--runtime node|deno|bun|all] [--quick] [--json]
 *          [--markdown] [--rounds N] [--suite name,...] [--case name,...] [--impl name,...]
 *   --runtime   one runtime, a comma list, or all (the default)
 *   --suite     run only these suites (a comma list of bench/suites.ts's names); all by default
 *   --quick     10x smaller counts, a 1 s batch budget and no timed warm-up, for development
 *   --json      one JSON object per line instead of tables:
 *               {suite, case, implementation, runtime, opsPerSec, ratio[, bytesPerTask]}
 *   --markdown  tables in markdown (for bench/RESULTS.md)
 *   --rounds N  run every implementation N times, in turn (each in every position
 *               of the order equally often), and report the median (evens out a machine whose
 *               speed drifts during the run); the ratio is then the median of each
 *               round's own ratio (see pairedRatio)
 *   --case, --impl  run only these cases / implementations (the baseline always runs
 *               when a ratio is wanted)
 */
import { spawn } from "node:child_process";
import os from "node:os";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { IMPLEMENTATIONS, implsOf, type Measurement, median, RESULT_MARKER, turnOrder } from "../bench/harness.ts";
import { SUITES } from "../bench/suites.ts";
import { RUNTIME_ENV } from "./runtime-env.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = (name: string) => `${root}node_modules/.bin/${name}`;

type Runtime = "node" | "deno" | "bun";
const RUNTIMES: readonly Runtime[] = ["node", "deno", "bun"];

/** How each runtime starts a worker, with a forced GC available. */
const COMMANDS: Record<Runtime, [string, string[]]> = {
  node: [bin("node"), ["--expose-gc"]],
  deno: [bin("deno"), ["run", "-A", "--quiet", "--unstable-net", "--v8-flags=--expose-gc"]],
  bun: [bin("bun"), ["run"]],
};

/** A worker that takes longer than this is killed and reported as failed. */
const WORKER_TIMEOUT_MS = 20 * 60_000;

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const list = (name: string): string[] | undefined => option(name)?.split(",").filter((s) => s !== "");

const quick = args.includes("--quick");
const json = args.includes("--json");
const markdown = args.includes("--markdown");
const rounds = Number(option("--rounds") ?? "1");
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error(`--rounds must be a whole number >= 1, not ${option("--rounds")}`);
  process.exit(2);
}
const runtimeOption = option("--runtime") ?? "all";
const runtimes = runtimeOption === "all" ? [...RUNTIMES] : runtimeOption.split(",") as Runtime[];
for (const runtime of runtimes) {
  if (!RUNTIMES.includes(runtime)) {
    console.error(`--runtime must be node, deno, bun, all or a comma list of them, not ${runtime}`);
    process.exit(2);
  }
}
const suiteFilter = list("--suite");
const caseFilter = list("--case");
const implFilter = list("--impl");
const suiteCases = Object.entries(SUITES)
  .filter(([suite]) => suiteFilter === undefined || suiteFilter.includes(suite))
  .flatMap(([, cases]) => cases);
const cases = suiteCases.filter((c) => caseFilter === undefined || caseFilter.includes(c.name));
const impls = IMPLEMENTATIONS.filter((i) => implFilter === undefined || implFilter.includes(i));
if (cases.length === 0 || impls.length === 0) {
  console.error(
    `nothing to run: suites are ${Object.keys(SUITES).join(", ")}; ` +
      `cases are ${suiteCases.map((c) => c.name).join(", ")}; ` +
      `implementations are ${IMPLEMENTATIONS.join(", ")}`,
  );
  process.exit(2);
}

/** One row of output. */
interface Row {
  suite: string;
  case: string;
  implementation: string;
  runtime: Runtime;
  opsPerSec: number | null;
  ratio: number | null;
  bytesPerTask?: number;
  /** Operations per timed batch (smaller than the case's count when the budget cut it). */
  count?: number;
  error?: string;
}

/** Runs one worker; resolves with its measurement or an error message. */
function runWorker(runtime: Runtime, caseName: string, impl: string): Promise<Measurement | string> {
  const [cmd, pre] = COMMANDS[runtime];
  const workerArgs = [...pre, "bench/worker.ts", "--case", caseName, "--impl", impl];
  if (quick) workerArgs.push("--quick");
  return new Promise((resolve) => {
    const child = spawn(cmd, workerArgs, { cwd: root, env: RUNTIME_ENV, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), WORKER_TIMEOUT_MS);
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve(`could not start ${cmd}: ${e.message}`);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const line = out.split("\n").find((l) => l.startsWith(RESULT_MARKER));
      if (code === 0 && line !== undefined) {
        resolve(JSON.parse(line.slice(RESULT_MARKER.length)) as Measurement);
      } else {
        const why = signal !== null ? `killed by ${signal}` : `exit ${code}`;
        const detail = err.trim().split("\n").slice(-3).join(" | ");
        resolve(`${why}${detail === "" ? "" : `: ${detail}`}`);
      }
    });
  });
}

function formatOps(ops: number | null): string {
  if (ops === null) return "-";
  if (ops >= 1e6) return `${(ops / 1e6).toFixed(2)}M`;
  if (ops >= 1e3) return `${(ops / 1e3).toFixed(1)}k`;
  return ops.toFixed(0);
}

function formatRatio(ratio: number | null): string {
  return ratio === null ? "-" : `${ratio.toFixed(2)}x`;
}

function tableLines(runtime: Runtime, rows: Row[]): string[] {
  const header = ["suite", "case", "implementation", "ops/s", "ratio", "bytes/task", "batch"];
  const body = rows.map((r) => [
    r.suite,
    r.case,
    r.implementation,
    r.error === undefined ? formatOps(r.opsPerSec) : "FAILED",
    formatRatio(r.ratio),
    r.bytesPerTask === undefined ? "-" : r.bytesPerTask.toFixed(0),
    r.error ?? (r.count === undefined ? "-" : String(r.count)),
  ]);
  if (markdown) {
    const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
    return [
      `### ${runtime} ${versions.get(runtime) ?? ""}`.trimEnd(),
      "",
      line(header),
      line(header.map((_, i) => (i >= 3 && i <= 6 ? "---:" : "---"))),
      ...body.map(line),
      "",
    ];
  }
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const pad = (cells: string[]) =>
    cells.map((c, i) => (i >= 3 && i <= 6 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ");
  return [
    `\n== ${runtime} ${versions.get(runtime) ?? ""}`.trimEnd(),
    pad(header),
    pad(widths.map((w) => "-".repeat(w))),
    ...body.map(pad),
  ];
}

/** The version each runtime reports, for the table headings. */
const versions = new Map<Runtime, string>();
function runtimeVersion(runtime: Runtime): Promise<string> {
  const [cmd] = COMMANDS[runtime];
  return new Promise((resolve) => {
    const child = spawn(cmd, ["--version"], { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("error", () => resolve("(not found)"));
    child.on("close", () => resolve(out.split("\n")[0]!.trim()));
  });
}

const log = (text: string) => {
  if (!json) process.stderr.write(text);
};

if (!json && !markdown) {
  console.log(
    `structio benchmarks${quick ? " (--quick)" : ""}: ${os.cpus().length} cores, ${os.platform()} ${os.arch()}; ` +
      `ratio = cost over the baseline (time per op, or bytes per task)` +
      `${rounds > 1 ? ", the median of each round's own ratio" : ""}, higher is worse`,
  );
}

/** The cost ratio of one measurement over its baseline's: bytes per task, or time per op. */
function costRatio(result: Measurement, baseline: Measurement): number | null {
  if (result.bytesPerTask !== undefined && baseline.bytesPerTask !== undefined) {
    return result.bytesPerTask / baseline.bytesPerTask;
  }
  if (result.opsPerSec !== null && baseline.opsPerSec !== null) return baseline.opsPerSec / result.opsPerSec;
  return null;
}

/**
 * The median over rounds of each round's ratio. A round runs its contenders back to
 * back, so a slow phase of the machine (this VM drifts by 15-20% from one minute to
 * the next) mostly hits both sides of a round's ratio and cancels out of it, where a
 * ratio of two medians could pair a slow round of one with a fast round of the other.
 * Null without a baseline measured in every round.
 */
function pairedRatio(baseline: readonly Measurement[] | undefined, results: readonly Measurement[]): number | null {
  if (baseline === undefined || baseline.length !== results.length) return null;
  const ratios = results.map((r, i) => costRatio(r, baseline[i]!)).filter((v) => v !== null);
  return ratios.length === results.length ? median(ratios) : null;
}

let failures = 0;
for (const runtime of runtimes) {
  versions.set(runtime, await runtimeVersion(runtime));
  const rows: Row[] = [];
  for (const c of cases) {
    // On Node the runtime's own backend is the node:* one: "structio-node" would repeat "structio".
    const wanted = impls.filter((i) => implsOf(c).includes(i) && !(runtime === "node" && i === "structio-node"));
    const caseImpls = wanted.includes("baseline") ? wanted : ["baseline" as const, ...wanted];
    // Rounds run every implementation once each, in turn, so that a slow phase of the
    // machine (a noisy neighbour) hits all of them alike; the median round counts. The
    // order turns from round to round (turnOrder), so that whatever a position costs
    // (memory the previous process left to reclaim, a cold page cache) falls on every
    // implementation equally often instead of always on the baseline.
    const measured = new Map<string, Measurement[]>();
    const errors = new Map<string, string>();
    for (let round = 0; round < rounds; round++) {
      for (const impl of turnOrder(caseImpls, round)) {
        if (errors.has(impl)) continue;
        log(`${runtime} ${c.name} ${impl}${rounds > 1 ? ` (round ${round + 1})` : ""} ... `);
        const result = await runWorker(runtime, c.name, impl);
        if (typeof result === "string") {
          failures++;
          errors.set(impl, result);
          log(`FAILED (${result})\n`);
          continue;
        }
        measured.set(impl, [...(measured.get(impl) ?? []), result]);
        log(
          result.bytesPerTask !== undefined
            ? `${result.bytesPerTask.toFixed(0)} bytes/task\n`
            : `${formatOps(result.opsPerSec)} ops/s\n`,
        );
      }
    }
    const combined = (impl: string): Measurement | undefined => {
      const results = measured.get(impl);
      if (results === undefined) return undefined;
      const ops = results.map((r) => r.opsPerSec).filter((v) => v !== null);
      const bytes = results.map((r) => r.bytesPerTask).filter((v) => v !== undefined);
      return {
        ...results[0]!,
        opsPerSec: ops.length > 0 ? median(ops) : null,
        ...(bytes.length > 0 ? { bytesPerTask: median(bytes) } : {}),
      };
    };
    for (const impl of wanted) {
      const error = errors.get(impl);
      const result = combined(impl);
      let row: Row;
      if (error !== undefined || result === undefined) {
        row = { suite: c.suite, case: c.name, implementation: impl, runtime, opsPerSec: null, ratio: null, error };
      } else {
        const ratio = pairedRatio(measured.get("baseline"), measured.get(impl)!);
        row = {
          suite: result.suite,
          case: result.case,
          implementation: result.implementation,
          runtime,
          opsPerSec: result.opsPerSec,
          ratio,
          ...(result.bytesPerTask === undefined ? {} : { bytesPerTask: result.bytesPerTask }),
          count: result.count,
        };
      }
      rows.push(row);
      if (json) console.log(JSON.stringify(row));
    }
  }
  if (!json) console.log(tableLines(runtime, rows).join("\n"));
}
process.exitCode = failures > 0 ? 1 : 0;
