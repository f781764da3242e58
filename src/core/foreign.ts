/**
 * Bridges to code that knows nothing of cancel scopes: AbortSignals and plain promises.
 *
 * @module
 */
import { parkUntil } from "./checkpoint.ts";
import { currentScope } from "./context.ts";

/**
 * An AbortSignal that aborts once the current cancel scope is effectively cancelled,
 * with a {@link Cancelled} as its reason. Hand it to `fetch` and other signal-aware APIs.
 *
 * @example
 * ```ts
 * import { getCancelSignal, moveOnAfter } from "structio";
 *
 * await moveOnAfter(1000, async () => {
 *   const response = await fetch("https://example.com", { signal: getCancelSignal() });
 *   console.log(response.status);
 * });
 * ```
 */
export function getCancelSignal(): AbortSignal {
  return currentScope().signal;
}

/**
 * Waits for a promise that structio cannot interrupt (a driver call, a third-party
 * API), so that cancellation releases the waiter at once: the promise is abandoned and
 * its eventual result or error ignored. Given a function, calls it with the scope's
 * AbortSignal, so the foreign work can stop too. A result that arrived first wins.
 *
 * @example
 * ```ts
 * import { abandonOnCancel, moveOnAfter } from "structio";
 *
 * await moveOnAfter(100, async () => {
 *   const body = await abandonOnCancel((signal) => fetch("https://example.com", { signal }));
 *   console.log(body.status);
 * });
 * ```
 */
export function abandonOnCancel<T>(
  work: PromiseLike<T> | ((signal: AbortSignal) => T | PromiseLike<T>),
): Promise<T> {
  let promise: PromiseLike<T> | T;
  if (typeof work === "function") {
    const scope = currentScope();
    if (scope._effective) return Promise.reject(scope._cancelledError());
    try {
      promise = work(scope.signal);
    } catch (err) {
      return Promise.reject(err);
    }
  } else if (work !== null && typeof (work as PromiseLike<T>)?.then === "function") {
    promise = work;
  } else {
    throw new TypeError("work must be a promise or a function returning one");
  }
  // From here the promise is ours: whatever path the wait takes (raising at once in a
  // cancelled scope, or abandoning it later), a late rejection must never go unhandled.
  const settled = Promise.resolve(promise);
  settled.then(undefined, () => {});
  return parkUntil<T>((parked) => {
    settled.then((value) => parked.resolve(value), (err) => parked.reject(err));
  });
}
