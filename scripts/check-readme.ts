/**
 * Runs every ```ts example in README.md (importing "structio" from src/ and
 * "@structio/unasync" from packages/unasync/src/), one process each, so the documentation
 * cannot drift from the library. Exits non-zero if any fails.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const readme = readFileSync(`${root}README.md`, "utf8");
const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
const dir = `${root}.readme-check/`;
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir);
let failed = 0;
blocks.forEach((code, i) => {
  const file = `${dir}example-${i + 1}.ts`;
  const local = code
    .replaceAll(`from "structio"`, `from "../src/index.ts"`)
    .replaceAll(`from "@structio/unasync"`, `from "../packages/unasync/src/index.ts"`);
  writeFileSync(file, local);
  const result = spawnSync(`${root}node_modules/.bin/node`, [file], { encoding: "utf8", timeout: 60_000 });
  if (result.status !== 0) {
    failed++;
    console.log(`README example ${i + 1} failed (exit ${result.status}):\n${code}\n${result.stdout}${result.stderr}`);
  }
});
rmSync(dir, { recursive: true, force: true });
console.log(`README examples: ${blocks.length - failed} of ${blocks.length} ran cleanly`);
process.exit(failed > 0 ? 1 : 0);
