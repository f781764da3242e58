/**
 * The environment scripts/test.ts and scripts/bench.ts start the runtimes with: this
 * process's own, plus `DENO_NO_UPDATE_CHECK=1`. Without it Deno checks for a newer
 * version in the background and opens a socket about 1.4 s after it starts: the test
 * harness then blames whichever test runs at that moment for a socket left open (one
 * run in three to five failed that way), and a benchmark pays for the check.
 */
import process from "node:process";

export const RUNTIME_ENV: NodeJS.ProcessEnv = { ...process.env, DENO_NO_UPDATE_CHECK: "1" };
