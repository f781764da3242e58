/**
 * Receiving POSIX signals as an async iterable. AnyIO's `open_signal_receiver`.
 *
 * @module
 */
import { CATCHABLE_SIGNALS, type SignalName } from "../backends/signals.ts";
import { type Parked, parkUntil, yieldPoint } from "../core/checkpoint.ts";
import { currentScope } from "../core/context.ts";
import { BusyResourceError, ClosedResourceError } from "../core/errors.ts";
import { getBackend } from "../core/run.ts";

const CATCHABLE: ReadonlySet<string> = new Set(CATCHABLE_SIGNALS);
const UNCATCHABLE: ReadonlySet<string> = new Set(["SIGKILL", "SIGSTOP", "SIGSEGV", "SIGBUS", "SIGFPE", "SIGILL"]);

/**
 * Starts receiving `signals` and returns a {@link SignalReceiver} that yields them in
 * the order they arrive. While it is open, the signals' default actions (SIGTERM ending
 * the process, say) do not happen; closing it (`using`, `close()`) removes its handlers,
 * which restores the handlers that were there before (the default action, if none).
 *
 * Signals that arrive while no task is waiting are kept, in order, until received.
 * The operating system may merge a signal sent many times in quick succession into one.
 *
 * @throws {TypeError} if no signal is given.
 * @throws {RangeError} for an unknown signal name, or one that cannot be caught
 *   (SIGKILL, SIGSTOP, and the fault signals SIGSEGV, SIGBUS, SIGFPE and SIGILL).
 *
 * @example
 * ```ts
 * import { openSignalReceiver } from "structio";
 *
 * using signals = openSignalReceiver("SIGTERM", "SIGHUP");
 * for await (const signal of signals) {
 *   if (signal === "SIGHUP") console.log("reloading configuration");
 *   else break; // SIGTERM: shut down
 * }
 * ```
 */
export function openSignalReceiver(...signals: SignalName[]): SignalReceiver {
  if (signals.length === 0) throw new TypeError("signals must name at least one signal");
  signals.forEach((signal, i) => checkSignal(signal, `signals[${i}]`));
  return new SignalReceiver([...new Set(signals)]);
}

function checkSignal(signal: unknown, name: string): void {
  if (typeof signal !== "string") throw new TypeError(`${name} must be a signal name such as "SIGTERM", not ${typeof signal}`);
  if (UNCATCHABLE.has(signal)) throw new RangeError(`${name}: ${signal} cannot be caught`);
  if (!CATCHABLE.has(signal)) {
    throw new RangeError(`${name} must be one of ${CATCHABLE_SIGNALS.join(", ")}, not ${JSON.stringify(signal)}`);
  }
}

/**
 * The signals a process received, as an async iterable; made by
 * {@link openSignalReceiver}. One task at a time may receive.
 *
 * @example
 * ```ts
 * import { moveOnAfter, openSignalReceiver } from "structio";
 *
 * using signals = openSignalReceiver("SIGUSR2");
 * process.kill(process.pid, "SIGUSR2");
 * console.log(await signals.receive()); // "SIGUSR2"
 * await moveOnAfter(10, () => signals.receive()); // nothing more within 10 ms
 * ```
 */
export class SignalReceiver implements AsyncIterable<SignalName>, Disposable, AsyncDisposable {
  /** The signals this receiver listens to. */
  readonly signals: readonly SignalName[];
  /** Signals received while no task was waiting, oldest first. */
  #pending: SignalName[] = [];
  #waiter: Parked<SignalName> | null = null;
  #releaseKeepAlive: (() => void) | null = null;
  #removeHandlers: (() => void) | null;

  /** @internal Made by {@link openSignalReceiver}. */
  constructor(signals: readonly SignalName[]) {
    this.signals = signals;
    this.#removeHandlers = getBackend().onSignals(signals, (signal) => this.#deliver(signal));
  }

  /** Whether {@link SignalReceiver.close} was called. */
  get closed(): boolean {
    return this.#removeHandlers === null;
  }

  /**
   * Waits for the next signal and returns its name. A checkpoint; a cancelled wait
   * takes no signal (the next one stays for the next receive).
   *
   * @throws {ClosedResourceError} if this receiver is (or gets) closed.
   * @throws {BusyResourceError} if another task is already waiting.
   */
  async receive(): Promise<SignalName> {
    if (this.closed) throw new ClosedResourceError();
    if (this.#waiter !== null) throw new BusyResourceError("receiving signals");
    const scope = currentScope();
    if (this.#pending.length > 0) {
      if (scope._effective) throw scope._cancelledError();
      // Taken before the yield, so the yield cannot lose it (completion wins).
      const signal = this.#pending.shift()!;
      await yieldPoint(scope._task!._runner);
      return signal;
    }
    return await parkUntil<SignalName>((parked) => {
      this.#waiter = parked;
      // Node does not count signal handlers as keeping the process alive, so a program
      // that only waits for a signal would end at once: hold it open while waiting.
      this.#releaseKeepAlive = getBackend().keepAlive();
      parked.onCancel = () => void this.#takeWaiter();
    });
  }

  /** Hands a signal to the waiting task, or keeps it for the next receive. */
  #deliver(signal: SignalName): void {
    const waiter = this.#takeWaiter();
    if (waiter === null) this.#pending.push(signal);
    else waiter.resolve(signal);
  }

  /** Ends the current wait, if any, and returns its waiter. */
  #takeWaiter(): Parked<SignalName> | null {
    const waiter = this.#waiter;
    if (waiter === null) return null;
    this.#waiter = null;
    this.#releaseKeepAlive!();
    this.#releaseKeepAlive = null;
    return waiter;
  }

  /**
   * Stops receiving: removes this receiver's handlers (restoring what was there before)
   * and drops signals not received yet. A task waiting in {@link SignalReceiver.receive}
   * raises {@link ClosedResourceError}. Idempotent.
   */
  close(): void {
    const remove = this.#removeHandlers;
    if (remove === null) return;
    this.#removeHandlers = null;
    remove();
    this.#pending = [];
    this.#takeWaiter()?.reject(new ClosedResourceError());
  }

  /** The same as {@link SignalReceiver.close}, for `await using`. */
  aclose(): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  /** The same as {@link SignalReceiver.close}, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** The same as {@link SignalReceiver.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }

  /**
   * Receives signals until this receiver is closed: closing it from another task ends
   * the loop. Breaking out of the loop leaves the receiver open.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<SignalName, void, undefined> {
    while (!this.closed) {
      let signal: SignalName;
      try {
        signal = await this.receive();
      } catch (err) {
        if (err instanceof ClosedResourceError && this.closed) return;
        throw err;
      }
      yield signal;
    }
  }
}
