/**
 * asCompleted(): results as they come, read with `for await`. AnyIO's `as_completed`,
 * as an async iterator that is structured on its own: leaving the loop, however it is
 * left, stops the work and waits for it.
 *
 * @module
 */
import { currentScope } from "../core/context.ts";
import { ClosedResourceError, EndOfStream, isCancelled } from "../core/errors.ts";
import { type TaskGroup, withTaskGroup } from "../core/task-group.ts";
import { createMemoryObjectStream } from "../streams/memory-object-stream.ts";
import type { MemoryObjectReceiveStream } from "../streams/memory-receive-stream.ts";
import {
  callPulled,
  checkFunctionsInArray,
  checkInputs,
  type ConcurrencyOptions,
  type Inputs,
  readConcurrency,
} from "./options.ts";
import { spawnEach } from "./spawn-each.ts";

const IDLE = 0;
const RUNNING = 1;
const DONE = 2;

/** How the group running the work ended; never a rejected promise, so never unhandled. */
type Outcome = { failed: false } | { failed: true; error: unknown };
const SUCCEEDED: Outcome = { failed: false };
const END: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * The async iterator returned by {@link asCompleted}: read it with `for await`, or call
 * `next()` yourself and end with `return()` (or `await using`).
 *
 * The work starts at the first `next()`, in a task group under the cancel scope of
 * that call (so iterate it where you created it), and a result waits in its task until
 * a `next()` takes it. `return()` (what `break`, `return` and a throw out of a
 * `for await` loop call) cancels the work that is left and waits until all of it has
 * stopped. If the work failed, `next()` or `return()` throws one
 * {@link ExceptionGroup} with every failure, once.
 *
 * @example
 * ```ts
 * import { asCompleted, sleep } from "structio";
 *
 * const results = asCompleted([10, 30, 20], async (ms) => {
 *   await sleep(ms);
 *   return ms;
 * });
 * for await (const ms of results) console.log(ms); // 10, 20, 30
 * ```
 */
export class AsCompleted<T> implements AsyncIterableIterator<T, undefined, undefined>, AsyncDisposable {
  #state = IDLE;
  readonly #start: (tg: TaskGroup, deliver: (value: T) => Promise<void>) => Promise<void>;
  #receive: MemoryObjectReceiveStream<T> | null = null;
  #group: TaskGroup | null = null;
  #groupEnded = false;
  #cancelRequested = false;
  /** Settles (never rejects) once the group has ended. */
  #ended: Promise<Outcome> | null = null;
  /** The one stop of the work, shared by every caller that ends the iteration. */
  #finishing: Promise<Outcome> | null = null;
  /** Whether the outcome was thrown already: a failure is reported once. */
  #reported = false;

  /** @internal Use {@link asCompleted}. */
  constructor(start: (tg: TaskGroup, deliver: (value: T) => Promise<void>) => Promise<void>) {
    this.#start = start;
  }

  /**
   * Waits for the next result, in completion order. Returns `{ done: true }` once every
   * call has delivered its result; throws the {@link ExceptionGroup} of failures if
   * the work failed. A checkpoint.
   */
  async next(): Promise<IteratorResult<T, undefined>> {
    if (this.#state === DONE) return END;
    if (this.#state === IDLE) this.#begin();
    try {
      return { done: false, value: await this.#receive!.receive() };
    } catch (err) {
      // A cancellation that does not reach the work (a timeout around this one next())
      // leaves the iteration as it was: the work goes on, and so may the caller. One
      // that reaches it (the scope of a for-await loop, which is where the work runs)
      // ends the iteration, and the caller may leave only once the work has stopped:
      // a for-await loop does not call return() when next() throws.
      if (isCancelled(err) && !this.#group!.cancelScope.isEffectivelyCancelled && !this.#groupEnded) throw err;
      const outcome = await this.#finish();
      // A failure wins over a cancellation, as in a task group; end of stream is what
      // closing the send end when the group ended looks like to the receiver.
      if (outcome.failed && !isCancelled(outcome.error) && !this.#reported) {
        this.#reported = true;
        throw outcome.error;
      }
      if (err instanceof EndOfStream || err instanceof ClosedResourceError) return END;
      throw err;
    }
  }

  /**
   * Ends the iteration: cancels the work that is left and waits until all of it has
   * stopped. Throws the {@link ExceptionGroup} of failures if the work had failed (and
   * that was not thrown already), or {@link Cancelled} if the caller's scope was
   * cancelled while the work was being stopped, as leaving a task group would. Before
   * the first `next()` nothing has started and nothing needs stopping.
   */
  async return(): Promise<IteratorResult<T, undefined>> {
    if (this.#state === IDLE) {
      this.#state = DONE;
      return END;
    }
    const outcome = await this.#finish();
    if (outcome.failed && !this.#reported) {
      this.#reported = true;
      throw outcome.error;
    }
    return END;
  }

  /** Returns the iterator itself: it can be iterated once. */
  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The same as {@link AsCompleted.return}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  /** Starts the work: a task group whose body pulls the inputs and starts the tasks. */
  #begin(): void {
    // Raised before anything starts, so a cancelled caller leaves the iterator unused.
    const scope = currentScope();
    if (scope._effective) throw scope._cancelledError();
    // A rendezvous: a result is handed straight from its task to a next(), so results
    // wait in their tasks, which hold their concurrency tokens meanwhile (see
    // spawnEach): a slow reader slows the work down instead of piling results up.
    const [send, receive] = createMemoryObjectStream<T>(0);
    this.#receive = receive;
    this.#state = RUNNING;
    const ended = (outcome: Outcome): Outcome => {
      this.#groupEnded = true;
      // Every task has ended, so nobody sends any more: receivers get EndOfStream,
      // which tells next() to look at the outcome.
      send.close();
      return outcome;
    };
    this.#ended = withTaskGroup(async (tg) => {
      this.#group = tg;
      if (this.#cancelRequested) tg.cancel("the asCompleted() iteration was ended");
      await this.#start(tg, (value) => send.send(value));
    }).then(() => ended(SUCCEEDED), (error: unknown) => ended({ failed: true, error }));
  }

  /** Cancels the work if it still runs and waits (not cancellably) until it has stopped. */
  #finish(): Promise<Outcome> {
    return (this.#finishing ??= this.#stop());
  }

  async #stop(): Promise<Outcome> {
    if (!this.#groupEnded) {
      // The body of withTaskGroup runs as soon as it is called, so the group is known
      // here; the flag covers the case all the same.
      if (this.#group !== null) this.#group.cancel("the asCompleted() iteration was ended");
      else this.#cancelRequested = true;
    }
    // A plain await: the group is cancelled, so it ends once its tasks have reacted, and
    // the caller must not leave before (just as withTaskGroup waits for its tasks).
    const outcome = await this.#ended!;
    this.#receive!.close();
    this.#state = DONE;
    return outcome;
  }
}

/**
 * Runs calls concurrently and yields their results in the order they complete, as an
 * async iterator for `for await`:
 *
 * - `asCompleted(fns, options?)` calls each function of `fns`;
 * - `asCompleted(items, fn, options?)` calls `fn(item, index)` for each item.
 *
 * Each call runs in a task of its own, at most `options.concurrency` at once. Inputs
 * (any iterable or async iterable) are pulled only when a call may start, and a result
 * waits in its task until the loop takes it, so a slow loop slows the work down rather
 * than letting results pile up: at most `concurrency` inputs are held at once.
 *
 * The work is structured by the loop: it starts at the first iteration, in a task group
 * under the loop's cancel scope, and leaving the loop (`break`, `return`, a throw)
 * cancels what is left and waits until it has all stopped. The first failed call
 * cancels the rest; the loop then throws one {@link ExceptionGroup} with every failure
 * (a throw from the loop's own body wins over it, as JavaScript keeps the body's error).
 * Cancelling the loop's scope cancels the work too. Iterate it once, where you made it;
 * if you call `next()` yourself, finish with `return()` or `await using`, as nothing
 * else stops the work.
 *
 * @throws {TypeError} at the call, if the inputs are not iterable, an array of `fns`
 *   holds a non-function, or the second argument is neither a function nor an options
 *   object.
 * @throws {RangeError} at the call, if `concurrency` is not a whole number >= 1 or
 *   `Infinity`.
 *
 * @example
 * ```ts
 * import { asCompleted, sleep } from "structio";
 *
 * const mirrors = ["eu", "us", "asia"];
 * for await (const answer of asCompleted(mirrors, async (mirror, i) => {
 *   await sleep(10 * (3 - i)); // asia answers first
 *   return mirror;
 * })) {
 *   console.log("fastest:", answer); // fastest: asia
 *   break; // cancels the two slower calls and waits for them
 * }
 * ```
 */
export function asCompleted<F extends () => unknown>(
  fns: Inputs<F>,
  options?: ConcurrencyOptions,
): AsCompleted<Awaited<ReturnType<F>>>;
export function asCompleted<I, R>(
  items: Inputs<I>,
  fn: (item: I, index: number) => R | PromiseLike<R>,
  options?: ConcurrencyOptions,
): AsCompleted<Awaited<R>>;
export function asCompleted(
  inputs: Inputs<unknown>,
  fnOrOptions?: ((item: unknown, index: number) => unknown) | ConcurrencyOptions,
  options?: ConcurrencyOptions,
): AsCompleted<unknown> {
  // deno-lint-ignore no-explicit-any
  let fn: (item: any, index: number) => unknown;
  let name: string;
  if (typeof fnOrOptions === "function") {
    checkInputs(inputs, "items");
    fn = fnOrOptions;
    name = typeof fn.name === "string" && fn.name !== "" ? fn.name : "asCompleted";
  } else {
    checkInputs(inputs, "fns");
    if (fnOrOptions !== undefined && (typeof fnOrOptions !== "object" || fnOrOptions === null)) {
      throw new TypeError(
        `the second argument must be a function (fn) or an options object, not ${
          fnOrOptions === null ? "null" : typeof fnOrOptions
        }`,
      );
    }
    checkFunctionsInArray(inputs);
    fn = callPulled;
    name = "asCompleted";
    options = fnOrOptions;
  }
  const limit = readConcurrency(options);
  return new AsCompleted<unknown>((tg, deliver) => spawnEach(tg, inputs, fn, limit, deliver, name));
}
