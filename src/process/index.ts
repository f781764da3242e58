/**
 * Subprocesses: run a command to its end (`runProcess`), or start one and talk to it
 * through its standard streams (`openProcess`), on every backend.
 *
 * @example
 * ```ts
 * import { runProcess } from "structio";
 *
 * const result = await runProcess(["echo", "hello"]);
 * console.log(new TextDecoder().decode(result.stdout)); // "hello\n"
 * ```
 *
 * @module
 */
export { CompletedProcess } from "./completed-process.ts";
export { openProcess } from "./open-process.ts";
export type { ProcessCommand, OpenProcessOptions, RunProcessOptions, StdioOption } from "./options.ts";
export { Process } from "./process.ts";
export { ProcessReceiveStream } from "./receive-stream.ts";
export { runProcess } from "./run-process.ts";
export { ProcessSendStream } from "./send-stream.ts";
