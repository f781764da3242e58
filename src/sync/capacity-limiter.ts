/**
 * Capacity limiters: at most N borrowers at once, each holding at most one token.
 *
 * @module
 */
import { cancelShieldedCheckpoint } from "../core/checkpoint.ts";
import { currentScope } from "../core/context.ts";
import { WouldBlock } from "../core/errors.ts";
import { TaskHandle } from "../core/task.ts";
import { checkCount, checkFunction, currentTask } from "./checks.ts";
import { WaitQueue } from "../core/wait-queue.ts";
import { Ticket, waitForGrant } from "./ticket.ts";

/** What {@link CapacityLimiter.statistics} reports. */
export interface CapacityLimiterStatistics {
  /** How many tokens are lent out. */
  readonly borrowedTokens: number;
  /** The total number of tokens (may be `Infinity`). */
  readonly totalTokens: number;
  /**
   * Who holds tokens, in the order they got them: a task that borrowed for itself is
   * shown as its `TaskInfo`, any other borrower as itself.
   */
  readonly borrowers: readonly unknown[];
  /** How many tasks wait for a token. */
  readonly tasksWaiting: number;
}

/** A task waiting for a token on behalf of `borrower`. */
class LimiterTicket extends Ticket {
  readonly borrower: unknown;

  constructor(borrower: unknown) {
    super();
    this.borrower = borrower;
  }
}

function checkBorrower(borrower: unknown): void {
  if (borrower === undefined || borrower === null) {
    throw new TypeError(`borrower must be a value, not ${borrower}`);
  }
}

/**
 * Lends up to `totalTokens` tokens, one per borrower: by default the calling task, or
 * any value given to the `*OnBehalfOf` methods. Like a semaphore, but a borrower holds
 * at most one token, and only the borrower's own release gives it back. Waiters are
 * served strictly in order: a freed token goes straight to the borrower that has waited
 * longest, and `acquireNowait()` raises {@link WouldBlock} while anyone waits.
 *
 * `totalTokens` can be changed at any time (to a whole number >= 0 or `Infinity`):
 * raising it hands the new tokens to waiters at once; lowering it below what is lent out
 * takes nothing back, but no token is lent again until enough are returned. Prefer
 * {@link CapacityLimiter.withToken}, which returns the token on every path. A limiter
 * can be made anywhere, also outside `run()`.
 *
 * @example
 * ```ts
 * import { CapacityLimiter, sleep, withTaskGroup } from "structio";
 *
 * const limiter = new CapacityLimiter(3); // three requests at a time
 * await withTaskGroup(async (tg) => {
 *   for (let i = 0; i < 10; i++) {
 *     tg.startSoon(() => limiter.withToken(() => sleep(10)));
 *   }
 * });
 * console.log(limiter.borrowedTokens); // 0
 * ```
 */
export class CapacityLimiter {
  #totalTokens: number;
  /** Who holds a token (at most one each), in the order they got it. */
  readonly #borrowers = new Set<unknown>();
  /** Who waits, each once, in arrival order: the queue of {@link LimiterTicket}s. */
  readonly #queue = new WaitQueue<LimiterTicket>();
  readonly #waiting = new Set<unknown>();

  /** @param totalTokens how many tokens to lend: a whole number >= 0, or `Infinity`. */
  constructor(totalTokens: number) {
    this.#totalTokens = checkCount(totalTokens, "totalTokens", 0, true);
  }

  /** The number of tokens; setting it while in use hands new tokens to waiters at once. */
  get totalTokens(): number {
    return this.#totalTokens;
  }

  set totalTokens(value: number) {
    this.#totalTokens = checkCount(value, "totalTokens", 0, true);
    this.#handOver();
  }

  /** How many tokens are lent out. */
  get borrowedTokens(): number {
    return this.#borrowers.size;
  }

  /** How many tokens could be lent now (0, not less, after totalTokens was lowered). */
  get availableTokens(): number {
    return Math.max(0, this.#totalTokens - this.#borrowers.size);
  }

  /**
   * Borrows a token for the current task, waiting in line if none is free. A
   * checkpoint: it raises {@link Cancelled} in a cancelled scope and otherwise lets
   * other tasks run, also when a token is free. A token handed over is never lost to a
   * later cancellation: the call returns, and the cancellation comes at the next
   * checkpoint. Raises an error if the task already holds or waits for a token.
   */
  acquire(): Promise<void> {
    return this.#acquire(currentTask());
  }

  /** Like {@link CapacityLimiter.acquire}, for `borrower` (any value but null or undefined). */
  acquireOnBehalfOf(borrower: unknown): Promise<void> {
    try {
      checkBorrower(borrower);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#acquire(borrower);
  }

  /** Borrows a token for the current task if one is free, or raises {@link WouldBlock}. */
  acquireNowait(): void {
    this.#acquireNowait(currentTask());
  }

  /** Like {@link CapacityLimiter.acquireNowait}, for `borrower`. */
  acquireOnBehalfOfNowait(borrower: unknown): void {
    checkBorrower(borrower);
    this.#acquireNowait(borrower);
  }

  /** Returns the current task's token; an error if it holds none. */
  release(): void {
    this.#release(currentTask());
  }

  /** Returns `borrower`'s token; an error if it holds none. */
  releaseOnBehalfOf(borrower: unknown): void {
    checkBorrower(borrower);
    this.#release(borrower);
  }

  /** Tokens lent and in total, who holds them, and how many tasks wait. */
  statistics(): CapacityLimiterStatistics {
    return {
      borrowedTokens: this.#borrowers.size,
      totalTokens: this.#totalTokens,
      borrowers: Array.from(this.#borrowers, (b) => b instanceof TaskHandle ? b.info : b),
      tasksWaiting: this.#queue.size,
    };
  }

  /**
   * Runs `fn` holding a token for the current task and returns its result; the token
   * is returned however `fn` ends (value, error or cancellation).
   *
   * @example
   * ```ts
   * import { CapacityLimiter } from "structio";
   *
   * const limiter = new CapacityLimiter(1);
   * await limiter.withToken(async () => console.log(limiter.availableTokens)); // 0
   * ```
   */
  async withToken<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    checkFunction(fn, "fn");
    const task = currentTask();
    await this.#acquire(task);
    try {
      return await fn();
    } finally {
      this.#release(task);
    }
  }

  #acquire(borrower: unknown): Promise<void> {
    const scope = currentScope();
    try {
      this.#checkNotBorrowing(borrower);
    } catch (err) {
      return Promise.reject(err);
    }
    if (scope._effective) return Promise.reject(scope._cancelledError());
    if (this.#queue.size === 0 && this.#borrowers.size < this.#totalTokens) {
      // Taken before the yield, so no task can slip in during it.
      this.#borrowers.add(borrower);
      return cancelShieldedCheckpoint();
    }
    const ticket = new LimiterTicket(borrower);
    ticket.onCancel = () => this.#waiting.delete(borrower);
    this.#waiting.add(borrower);
    return waitForGrant(this.#queue, ticket);
  }

  #acquireNowait(borrower: unknown): void {
    this.#checkNotBorrowing(borrower);
    if (this.#queue.size > 0 || this.#borrowers.size >= this.#totalTokens) {
      throw new WouldBlock("the capacity limiter has no token free");
    }
    this.#borrowers.add(borrower);
  }

  #release(borrower: unknown): void {
    if (!this.#borrowers.delete(borrower)) {
      throw new Error("this borrower is not holding any of this CapacityLimiter's tokens");
    }
    this.#handOver();
  }

  #checkNotBorrowing(borrower: unknown): void {
    if (this.#borrowers.has(borrower)) {
      throw new Error("this borrower is already holding one of this CapacityLimiter's tokens");
    }
    if (this.#waiting.has(borrower)) {
      throw new Error("this borrower is already waiting for one of this CapacityLimiter's tokens");
    }
  }

  /** Lends free tokens to the longest waiters; the borrower is recorded before the grant. */
  #handOver(): void {
    while (this.#borrowers.size < this.#totalTokens) {
      const next = this.#queue.first;
      if (next === null) return;
      this.#waiting.delete(next.borrower);
      this.#borrowers.add(next.borrower);
      next.grant();
    }
  }
}
