/**
 * What runProcess returns: Python's `CompletedProcess`.
 *
 * @module
 */
import { CalledProcessError } from "../core/errors.ts";
import type { ProcessCommand } from "./options.ts";

/**
 * A child process that ran to its end, as {@link runProcess} returns it: the command,
 * the return code, and the output it captured.
 *
 * @example
 * ```ts
 * import { runProcess } from "structio";
 *
 * const result = await runProcess(["sh", "-c", "echo out; echo err >&2; exit 2"], { check: false });
 * console.log(result.returncode); // 2
 * console.log(new TextDecoder().decode(result.stdout)); // "out\n"
 * console.log(new TextDecoder().decode(result.stderr)); // "err\n"
 * ```
 */
export class CompletedProcess {
  /** The command as given to {@link runProcess}. */
  readonly args: ProcessCommand;
  /** The exit status, or `-n` when signal number `n` ended the child. */
  readonly returncode: number;
  /** Everything the child wrote to its standard output, when it was a pipe (else empty). */
  readonly stdout: Uint8Array;
  /** Everything the child wrote to its standard error, when it was a pipe (else empty). */
  readonly stderr: Uint8Array;

  constructor(args: ProcessCommand, returncode: number, stdout: Uint8Array, stderr: Uint8Array) {
    this.args = args;
    this.returncode = returncode;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * Throws {@link CalledProcessError} if the return code is not 0 (for a result of
   * `runProcess(..., { check: false })`).
   *
   * @example
   * ```ts
   * import { runProcess } from "structio";
   *
   * const result = await runProcess(["false"], { check: false });
   * result.checkReturncode(); // throws CalledProcessError
   * ```
   */
  checkReturncode(): void {
    if (this.returncode !== 0) throw new CalledProcessError(this.returncode, this.args, this.stdout, this.stderr);
  }
}
