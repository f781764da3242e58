/**
 * Entry points: `run()` for a structured block of work, `main()` for a whole program.
 *
 * @module
 */
import type { RuntimeName, ShutdownSignal } from "../backends/backend.ts";
import { loadBackend } from "../backends/index.ts";
import { CancelScope } from "./cancel-scope.ts";
import { createRootScope, currentScope, insideRun, runInScope } from "./context.ts";
import { isCancelled } from "./errors.ts";
import { formatError } from "./format-error.ts";
import type { Backend } from "../backends/backend.ts";

/** Options for {@link run} and {@link main}. */
export interface RunOptions {
  /**
   * Which backend to use: the current runtime's own (the default), or `"node"` to use
   * the node:* compatibility APIs on Deno or Bun instead.
   */
  backend?: RuntimeName;
}

function checkOptions(options: unknown): RunOptions {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("options must be an object");
  }
  return options as RunOptions;
}

/**
 * Runs `fn` as the root task of a new run and returns its result. Inside, every library
 * call uses the chosen backend. Library calls also work without `run()`, in an implicit
 * root that is never cancelled; `run()` gives a fresh root and the choice of backend.
 *
 * @example
 * ```ts
 * import { run, sleep } from "structio";
 *
 * const answer = await run(async () => {
 *   await sleep(10);
 *   return 42;
 * }, { backend: "node" });
 * ```
 */
export async function run<T>(fn: () => T | PromiseLike<T>, options: RunOptions = {}): Promise<T> {
  if (typeof fn !== "function") throw new TypeError(`fn must be a function, not ${typeof fn}`);
  const backend = loadBackend(checkOptions(options).backend);
  if (insideRun()) {
    throw new Error("run() cannot be called inside another run(); start a task group instead");
  }
  const root = createRootScope(backend, fn.name || "main");
  const task = root._task!;
  try {
    return await runInScope(root, fn, undefined);
  } finally {
    root._exit();
    task._state = "finished";
    if (task._runner.timers.size === 0) task._runner.timers.close();
  }
}

/**
 * Returns the backend in use here: the one `run()` was given, otherwise the adapter of
 * the running runtime.
 *
 * @example
 * ```ts
 * import { getBackend, run } from "structio";
 *
 * console.log(getBackend().name); // "node" on Node.js
 * await run(async () => console.log(getBackend().name), { backend: "node" });
 * ```
 */
export function getBackend(): Backend {
  return currentScope()._task!._runner.backend;
}

/**
 * Runs `fn` as a program: SIGINT and SIGTERM cancel it (a second signal ends the process
 * at once), the process stays alive until `fn` and its cleanup are done (even when they
 * only wait, as a server waiting for Ctrl-C does), and the process exit status says how it ended: 0 when `fn` returned, 1 when
 * it failed (the error is printed), 128 + the signal number (130, 143) when a signal
 * stopped it. Resolves with that status once `fn` and its cleanup are done.
 *
 * @example
 * ```ts
 * import { main, sleepForever } from "structio";
 *
 * await main(async () => {
 *   console.log("press Ctrl-C to stop");
 *   try {
 *     await sleepForever();
 *   } finally {
 *     console.log("cleaning up");
 *   }
 * });
 * ```
 */
export async function main(fn: () => unknown, options: RunOptions = {}): Promise<number> {
  if (typeof fn !== "function") throw new TypeError(`fn must be a function, not ${typeof fn}`);
  const backend = loadBackend(checkOptions(options).backend);
  // A process ended by signal n exits with status 128 + n, as shells report it.
  const exitStatus = (signal: string) => 128 + backend.signalNumber(signal)!;
  let received: ShutdownSignal | undefined;
  let code: number;
  try {
    await run(async function main() {
      const scope = new CancelScope();
      const release = backend.keepAlive();
      const stopListening = backend.onSignals(["SIGINT", "SIGTERM"], (signal) => {
        if (received !== undefined) backend.exit(exitStatus(signal));
        received = signal as ShutdownSignal;
        scope.cancel(`received ${signal}`);
      });
      try {
        await scope.run(fn);
      } finally {
        stopListening();
        release();
      }
    }, options);
    code = received === undefined ? 0 : exitStatus(received);
  } catch (err) {
    if (received !== undefined && isCancelled(err)) {
      code = exitStatus(received);
    } else {
      backend.printError(formatError(err));
      code = 1;
    }
  }
  backend.setExitCode(code);
  return code;
}
