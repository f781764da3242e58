/**
 * `npm run build`: emits dist/ (JavaScript, .d.ts and source maps) from src/, then checks
 * that the package's exports map resolves to the emitted files and that they load. Then
 * the same for the workspace package packages/unasync/ (its dist/, and that its bin
 * `dist/bin.js --help` runs).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, rmSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Empties `dir`dist/ and compiles `dir`tsconfig.build.json into it; exits on failure. */
function compile(dir: string): void {
  rmSync(`${root}${dir}dist`, { recursive: true, force: true });
  const tsc = spawnSync(`${root}node_modules/.bin/tsc`, ["-p", `${dir}tsconfig.build.json`], {
    cwd: root,
    stdio: "inherit",
  });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}

compile("");

for (const file of ["dist/index.js", "dist/index.d.ts"]) {
  if (!existsSync(`${root}${file}`)) {
    console.error(`build: ${file} was not emitted`);
    process.exit(1);
  }
}
// Import the package by its own name: Node resolves that through the exports map, so
// this checks the map and that the emitted JavaScript (with rewritten imports) loads.
const check = spawnSync(
  `${root}node_modules/.bin/node`,
  [
    "--input-type=module",
    "-e",
    `const m = await import("structio");
     const names = ["run", "withTaskGroup", "CancelScope", "ExceptionGroup", "sleep", "main"];
     const missing = names.filter((n) => !(n in m));
     if (missing.length) { console.error("missing exports: " + missing); process.exit(1); }
     const r = await m.run(() => m.moveOnAfter(1, () => m.sleepForever()));
     if (r !== undefined) process.exit(1);
     console.log("build: dist/ loads through the exports map (" + Object.keys(m).length + " exports)");`,
  ],
  { cwd: root, stdio: "inherit" },
);
if (check.status !== 0) process.exit(check.status ?? 1);

// @structio/unasync: its bin must be an executable script that runs.
compile("packages/unasync/");
const cli = `${root}packages/unasync/dist/bin.js`;
chmodSync(cli, 0o755);
const help = spawnSync(`${root}node_modules/.bin/node`, [cli, "--help"], { cwd: root, encoding: "utf8" });
if (help.status !== 0 || !help.stdout.startsWith("usage: unasync")) {
  console.error(`build: packages/unasync/dist/bin.js --help failed (exit ${help.status}): ${help.stderr}`);
  process.exit(1);
}
console.log("build: packages/unasync/dist/bin.js --help runs");
