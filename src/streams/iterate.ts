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
  const item = (value: T): IteratorResult<T> => ({ done: false, value });
  const end = (err: unknown): IteratorResult<T> => {
    if (err instanceof EndOfStream) return finish();
    done = true;
    throw err;
  };
  return {
    next(): Promise<IteratorResult<T>> {
      if (done) return Promise.resolve({ done: true, value: undefined });
      // then() rather than an async function: one promise turn less per item.
      return stream.receive().then(item, end);
    },
    async return(): Promise<IteratorResult<T>> {
      return finish();
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
