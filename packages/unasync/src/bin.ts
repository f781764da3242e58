#!/usr/bin/env node
/**
 * The `unasync` command (the package's bin): runs {@link main} on this process's
 * arguments. A file of its own, rather than an `import.meta.main` test in cli.ts, so
 * that it also runs on Node versions without `import.meta.main`.
 *
 * ```sh
 * npx unasync --check
 * node packages/unasync/src/bin.ts --config lib/unasync.config.json
 * ```
 *
 * @module
 */
import process from "node:process";
import { main } from "./cli.ts";

process.exitCode = main(process.argv.slice(2));
