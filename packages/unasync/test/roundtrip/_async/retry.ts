/**
 * Retrying an operation that may fail for a while, with exponential back-off.
 *
 * @module
 */
import { type AsyncClock, asyncClock } from "../clock.ts";

/**
 * How {@link retry} retries.
 *
 * @example
 * ```ts
 * const options: RetryOptions = { attempts: 3, delayMs: 100, retryIf: (e) => e instanceof TypeError };
 * ```
 */
export interface RetryOptions {
  /** Attempts in all, the first included (at least 1). */
  readonly attempts: number;
  /** The pause after the first failure; each further pause doubles it. */
  readonly delayMs: number;
  /** Whether a failure is worth another attempt (default: every failure is). */
  readonly retryIf?: (error: unknown) => boolean;
  /** What sleeps between attempts (default: a real timer). */
  readonly clock?: AsyncClock;
}

/**
 * Runs `operation` (given the attempt number, from 1) until it succeeds, sleeping
 * between attempts; rethrows the last failure once the attempts are used up, or at
 * once when `retryIf` declines it.
 *
 * @example
 * ```ts
 * const body = await retry(() => fetchBody(url), { attempts: 3, delayMs: 100 });
 * ```
 */
export async function retry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const clock = options.clock ?? asyncClock;
  for (let attempt = 1;; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      const again = attempt < options.attempts && (options.retryIf?.(error) ?? true);
      if (!again) throw error;
    }
    await clock.sleep(options.delayMs * 2 ** (attempt - 1));
  }
}
