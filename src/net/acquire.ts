/**
 * Waiting for a backend operation that makes a resource (a connection, a TLS session),
 * so that cancellation can never leave a half-made resource behind.
 *
 * @module
 */
import { parkUntil } from "../core/checkpoint.ts";
import { currentScope } from "../core/context.ts";
import { abandonOnCancel } from "../core/foreign.ts";
import { isCancelled } from "../core/errors.ts";
import type { RawStream } from "../backends/net.ts";

/**
 * Starts `start(signal)` and waits for the resource it makes, as a checkpoint.
 *
 * If the wait is cancelled, the operation is aborted through `signal` and this waits,
 * deaf to further cancellation, until the backend let go: either its promise rejects
 * (it released what it had half made) or it resolves anyway (the resource was made a
 * moment before the abort), in which case `release` closes it. Only then is
 * {@link Cancelled} raised, so a cancelled connect returns with no socket open.
 */
export async function acquire<T>(
  start: (signal: AbortSignal) => Promise<T>,
  release: (resource: T) => unknown,
): Promise<T> {
  const scope = currentScope();
  if (scope._effective) throw scope._cancelledError();
  const controller = new AbortController();
  const pending = start(controller.signal);
  try {
    return await parkUntil<T>((parked) => {
      pending.then((value) => parked.resolve(value), (err) => parked.reject(err));
    });
  } catch (err) {
    if (!isCancelled(err)) throw err;
    controller.abort(err);
    // A plain await, not a checkpoint: the backend settles promptly after an abort
    // (NetBackend promises so), and the task is already on its way out.
    await pending.then(release, () => {});
    throw err;
  }
}

/**
 * Waits for a resource's `closing` to finish, as a checkpoint that never raises
 * {@link Cancelled}: cancelled (or called in a cancelled scope), it calls `abort` to
 * release the resource at once and waits only for that.
 *
 * Closing does not raise Cancelled because closing is what `await using` does on the
 * way out of a cancelled block: a second Cancelled from the disposer would turn the
 * block's own into a SuppressedError, which no longer reads as a cancellation. The
 * task still sees its cancellation at its next checkpoint (cancellation is
 * level-triggered), so nothing is lost by not raising here.
 */
export async function closeResource(closing: Promise<void>, abort: () => void): Promise<void> {
  try {
    await abandonOnCancel(closing);
  } catch (err) {
    if (!isCancelled(err)) throw err;
    abort();
    await closing;
  }
}

/**
 * Drops a connection nobody will use (one that connected after its connect was
 * cancelled, or lost a Happy Eyeballs race): releases it at once, unsent bytes and all,
 * and resolves once the runtime let go of its socket.
 */
export function discardStream(raw: RawStream): Promise<void> {
  raw.abort();
  return raw.close();
}
