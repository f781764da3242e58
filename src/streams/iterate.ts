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
 */
export async function* receiveUntilEnd<T>(stream: { receive(): Promise<T> }): AsyncGenerator<T, void, undefined> {
  while (true) {
    let item: T;
    try {
      item = await stream.receive();
    } catch (err) {
      if (err instanceof EndOfStream) return;
      throw err;
    }
    yield item;
  }
}
