/**
 * `npm start`: runs examples/in-action.ts. `npm start -- --runtime deno` (or bun) runs
 * the same program on another runtime.
 */
import { spawnSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const at = args.indexOf("--runtime");
const runtime = at >= 0 ? args[at + 1] : "node";
const rest = at >= 0 ? [...args.slice(0, at), ...args.slice(at + 2)] : args;
const commands: Record<string, string[]> = {
  node: ["node"],
  deno: ["deno", "run", "-A", "--quiet", "--unstable-net"],
  bun: ["bun", "run"],
};
const command = runtime === undefined ? undefined : commands[runtime];
if (command === undefined) {
  console.error(`--runtime must be one of ${Object.keys(commands).join(", ")}, not ${runtime}`);
  process.exit(2);
}
const [bin, ...pre] = command;
const result = spawnSync(`${root}node_modules/.bin/${bin}`, [...pre, "examples/in-action.ts", ...rest], {
  cwd: root,
  stdio: "inherit",
});
process.exit(result.status ?? 1);
