/**
 * Runs commands in alternating processes and compares what they report: the way to
 * measure a small difference on a machine whose speed drifts from minute to minute.
 *
 * Usage: node_modules/.bin/node scripts/alternate.ts [--rounds N] "label=command" ...
 * (Node 24 from the devDependencies: it runs TypeScript as it is)
 *
 * Each round runs every command once, in the order given, each in a fresh process; a
 * command prints a line with `median <number>` (bench/probes/ do). The report gives,
 * per command, the median of its rounds and the median over rounds of its ratio to the
 * first command in the same round (a round's commands ran back to back, so a slow phase
 * of the machine mostly cancels out of their ratio).
 *
 * @module
 */
import { execSync } from "node:child_process";
import process from "node:process";
import { median } from "../bench/harness.ts";
import { RUNTIME_ENV } from "./runtime-env.ts";

const args = process.argv.slice(2);
const roundsAt = args.indexOf("--rounds");
const rounds = roundsAt >= 0 ? Number(args.splice(roundsAt, 2)[1]) : 7;
if (!Number.isInteger(rounds) || rounds < 1) throw new Error("--rounds must be a whole number >= 1");
const commands = args.map((arg) => {
  const at = arg.indexOf("=");
  if (at <= 0) throw new Error(`each command must be "label=command", not ${JSON.stringify(arg)}`);
  return { label: arg.slice(0, at), command: arg.slice(at + 1) };
});
if (commands.length === 0) throw new Error('usage: alternate.ts [--rounds N] "label=command" ...');

const values = commands.map(() => [] as number[]);
for (let round = 0; round < rounds; round++) {
  commands.forEach(({ label, command }, i) => {
    const out = execSync(command, { env: RUNTIME_ENV, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    const found = /median (\d+(?:\.\d+)?)/.exec(out);
    if (found === null) throw new Error(`${label} printed no "median <number>": ${out.slice(-200)}`);
    values[i].push(Number(found[1]));
  });
  process.stderr.write(`round ${round + 1} of ${rounds} done\n`);
}
for (const [i, { label }] of commands.entries()) {
  const ratios = values[i].map((v, r) => v / values[0][r]);
  console.log(
    `${label.padEnd(16)} median ${median(values[i]).toFixed(2).padStart(9)}   ratio ${median(ratios).toFixed(3)}   ` +
      `rounds ${values[i].map((v) => v.toFixed(1)).join(" ")}`,
  );
}
