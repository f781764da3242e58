/**
 * The async iterator every receive stream offers: receive until end of stream.
 *
 * @module
 * @internal
 */
import { EndOfStream } from "../core/errors.ts";

/**
 * Yields what `stream.receive()` returns until it raises {@link EndOfStream}, then ends
 * quietly; any other error propagates. Each step is one `receive()`, so it is a
 * checkpoint, and leaving the loop early leaves the stream open (nothing is closed
 * here because the caller owns the stream).
 *
 * A plain iterator object rather than an async generator: a generator adds several
 * promise turns to every step, which a receive loop over a socket pays per chunk.
 */
export function receiveUntilEnd<T>(stream: { receive(): Promise<T> }): AsyncIterableIterator<T> {
  let done = false;
  const finish = (): IteratorReturnResult<undefined> => {
    done = true;
    return { done: true, value: undefined };
  };
  return {
    async next(): Promise<IteratorResult<T>> {
      if (done) return { done: true, value: undefined };
      try {
        return { done: false, value: await stream.receive() };
      } catch (err) {
        if (err instanceof EndOfStream) return finish();
        done = true;
        throw err;
      }
    },
    async return(): Promise<IteratorResult<T>> {
      return finish();
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
