/**
 * `npm test`: typecheck, lint, then the whole suite under Node, Deno and Bun in turn.
 * Prints a summary per runtime and, last, `N passed, N failed` over everything; exits
 * non-zero if anything failed or a runtime could not run.
 *
 * Usage: node scripts/test.ts [--only node,deno,bun] [--filter text] [--no-checks]
 */
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { RUNTIME_ENV } from "./runtime-env.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = (name: string) => `${root}node_modules/.bin/${name}`;

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const only = option("--only")?.split(",");
const filter = option("--filter");
const runChecks = !args.includes("--no-checks") && filter === undefined;

/** Runs a command with inherited stdio but a copy of stdout kept, and its exit code. */
function exec(cmd: string, cmdArgs: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, cmdArgs, { cwd: root, env: RUNTIME_ENV, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      process.stdout.write(chunk);
    });
    child.on("error", (err) => resolve({ code: 127, out: out + String(err) }));
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), out }));
  });
}

const summaries: string[] = [];
let passed = 0;
let failed = 0;

async function check(name: string, cmd: string, cmdArgs: string[]): Promise<void> {
  console.log(`\n## ${name}: ${[cmd.replace(root, ""), ...cmdArgs].join(" ")}`);
  const { code } = await exec(cmd, cmdArgs);
  if (code === 0) passed++;
  else failed++;
  summaries.push(`${name}: ${code === 0 ? "ok" : `failed (exit ${code})`}`);
}

if (runChecks) {
  await check("typecheck", bin("tsc"), ["-p", "tsconfig.json", "--noEmit"]);
  await check("lint", bin("deno"), ["lint", "--quiet"]);
  await check("lint rules", bin("deno"), ["test", "--quiet", "lint/"]);
  await check("build", bin("node"), ["scripts/build.ts"]);
  await check("readme", bin("node"), ["scripts/check-readme.ts"]);
}

const runtimes: Array<[string, string, string[]]> = [
  ["node", bin("node"), []],
  ["deno", bin("deno"), ["run", "-A", "--quiet", "--unstable-net"]],
  ["bun", bin("bun"), ["run"]],
];

for (const [name, cmd, pre] of runtimes) {
  if (only !== undefined && !only.includes(name)) continue;
  console.log(`\n## tests on ${name}`);
  const testArgs = [...pre, "test/harness/main.ts", ...(filter === undefined ? [] : ["--filter", filter])];
  const { code, out } = await exec(cmd, testArgs);
  const match = out.match(new RegExp(`^${name}: (\\d+) passed, (\\d+) failed$`, "m"));
  if (match === null) {
    failed++;
    summaries.push(`${name}: could not run (exit ${code}, no summary line)`);
    continue;
  }
  passed += Number(match[1]);
  failed += Number(match[2]);
  if (code !== 0 && Number(match[2]) === 0) {
    failed++;
    summaries.push(`${name}: exited ${code} although no test failed`);
  } else {
    summaries.push(match[0]);
  }
}

console.log("\n## summary");
for (const line of summaries) console.log(line);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
