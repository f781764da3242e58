/**
 * Connected sockets as byte streams: TCP and Unix sockets, and (as a subclass) TLS.
 * AnyIO's `SocketStream` and `UNIXSocketStream`.
 *
 * @module
 */
import type { RawStream, SocketInfo } from "../backends/net.ts";
import { checkpoint } from "../core/checkpoint.ts";
import { BrokenResourceError, BusyResourceError, ClosedResourceError } from "../core/errors.ts";
import { DEFAULT_MAX_BYTES } from "../streams/checks.ts";
import { receiveUntilEnd } from "../streams/iterate.ts";
import { Direction, receiveWhenReady, sendWhenReady } from "../streams/readiness.ts";
import { type TypedAttribute, type TypedAttributeMap, TypedAttributeProvider } from "../streams/typed-attributes.ts";
import type { ByteStream } from "../streams/types.ts";
import { closeResource } from "./acquire.ts";
import { SocketAttribute } from "./attributes.ts";

/** Reports a runtime error of an established connection as a broken stream. */
export function brokenBy(err: unknown): BrokenResourceError {
  const reason = err instanceof Error ? err.message : String(err);
  return new BrokenResourceError(`the connection broke: ${reason}`, { cause: err });
}

/**
 * A connected TCP or Unix socket as a {@link ByteStream}. Made by {@link connectTcp},
 * {@link connectUnix} and listeners; never constructed directly.
 *
 * - `receive(maxBytes)` returns between 1 and `maxBytes` bytes as they arrive, and
 *   raises {@link EndOfStream} once the peer finished sending.
 * - `send(data)` waits while the runtime's send buffer is full, then hands `data` over
 *   whole. The runtime may read `data` after `send()` returns: do not change it.
 * - Both are checkpoints, and cancelling one has no effect: the wait for readiness is
 *   the only place a cancellation can land, and the bytes move in one synchronous step
 *   after it, so a cancelled receive takes nothing and a cancelled send sends nothing.
 * - One task at a time may receive, and one may send; a second raises
 *   {@link BusyResourceError}. A reset connection raises {@link BrokenResourceError}
 *   (the runtime's error is its `cause`); use after `aclose()` raises
 *   {@link ClosedResourceError}, also in a task that was waiting when it closed.
 * - `aclose()` flushes what was sent and releases the socket; cancelled, it releases
 *   the socket at once and returns.
 *
 * Typed attributes: {@link SocketAttribute}.
 *
 * @example
 * ```ts
 * import { connectTcp, createTcpListener, SocketAttribute, withTaskGroup } from "structio";
 *
 * await using listener = await createTcpListener({ host: "127.0.0.1" });
 * const port = listener.extra(SocketAttribute.localPort);
 * await withTaskGroup(async (tg) => {
 *   tg.startSoon(() => listener.serve(async (peer) => {
 *     for await (const chunk of peer) await peer.send(chunk); // echo until end of stream
 *   }));
 *   await using client = await connectTcp("127.0.0.1", port);
 *   await client.send(new TextEncoder().encode("ping"));
 *   await client.sendEof();
 *   console.log(new TextDecoder().decode(await client.receive())); // "ping"
 *   tg.cancelScope.cancel();
 * });
 * ```
 */
export class SocketStream extends TypedAttributeProvider implements ByteStream {
  #raw: RawStream;
  #closed = false;
  #eofSent = false;
  readonly #in: Direction<RawStream>;
  readonly #out: Direction<RawStream>;

  /** @internal Made by the connect functions and listeners. */
  constructor(raw: RawStream) {
    super();
    this.#raw = raw;
    this.#in = new Direction(raw, this.#checkOpen, brokenBy);
    this.#out = new Direction(raw, this.#checkCanSend, brokenBy);
  }

  /**
   * Receives between 1 and `maxBytes` bytes (default 65536).
   *
   * @throws {RangeError} if `maxBytes` is not a whole number >= 1.
   * @throws {EndOfStream} once the peer finished sending and everything was received.
   * @throws {BusyResourceError} if another task is receiving.
   * @throws {BrokenResourceError} if the connection was reset.
   * @throws {ClosedResourceError} if this stream was closed.
   */
  receive(maxBytes: number = DEFAULT_MAX_BYTES): Promise<Uint8Array> {
    return receiveWhenReady(this.#in, maxBytes);
  }

  /**
   * Receives between 1 and `buffer.byteLength` bytes into `buffer` and returns how
   * many: `receive()` without a new array per call, for a loop that handles each chunk
   * before the next (Python's `recv_into`). A cancelled call writes nothing into
   * `buffer`.
   *
   * @throws {TypeError} if `buffer` is not a Uint8Array.
   * @throws {RangeError} if `buffer` is empty.
   * @throws {EndOfStream} once the peer finished sending and everything was received.
   * @throws {BusyResourceError} if another task is receiving.
   * @throws {BrokenResourceError} if the connection was reset.
   * @throws {ClosedResourceError} if this stream was closed.
   *
   * @example
   * ```ts
   * import { connectTcp, EndOfStream } from "structio";
   *
   * await using stream = await connectTcp("example.com", 80);
   * await stream.send(new TextEncoder().encode("HEAD / HTTP/1.0\r\nHost: example.com\r\n\r\n"));
   * const buffer = new Uint8Array(4096);
   * let total = 0;
   * try {
   *   for (;;) total += await stream.receiveInto(buffer);
   * } catch (err) {
   *   if (!(err instanceof EndOfStream)) throw err;
   * }
   * console.log(`${total} bytes of response`);
   * ```
   */
  receiveInto(buffer: Uint8Array): Promise<number> {
    return receiveWhenReady(this.#in, buffer);
  }

  /**
   * Sends all of `data`, waiting while the send buffer is full. Do not change `data`
   * afterwards: the runtime may still read it.
   *
   * @throws {TypeError} if `data` is not a Uint8Array.
   * @throws {BusyResourceError} if another task is sending.
   * @throws {BrokenResourceError} if the connection was reset.
   * @throws {ClosedResourceError} if this stream was closed, or `sendEof()` was called.
   */
  send(data: Uint8Array): Promise<void> {
    return sendWhenReady(this.#out, data);
  }

  /**
   * Tells the peer that nothing more will be sent (after what was sent so far); this
   * side can still receive. Idempotent.
   *
   * @throws {ClosedResourceError} if this stream was closed.
   */
  async sendEof(): Promise<void> {
    if (this.#closed) throw new ClosedResourceError();
    if (this.#eofSent) return;
    this.#eofSent = true;
    this.#raw.shutdownWrite();
    await checkpoint();
  }

  /**
   * Flushes what was sent and closes the socket. Idempotent. A receive or send waiting
   * in another task raises {@link ClosedResourceError}. Cancelled (or in a cancelled
   * scope), it releases the socket at once, dropping unsent bytes, and returns without
   * raising `Cancelled`, so that `await using` works in cancelled scopes.
   *
   * The flush runs in this call, not in the background: if the peer stops reading, it
   * waits (as long as the last `send()` could have). Bound it with a timeout
   * (`moveOnAfter`) where a peer may stall; the rest is then dropped.
   */
  async aclose(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const raw = this.#raw;
    await closeResource(raw.close(), () => raw.abort());
  }

  /** The same as {@link SocketStream.aclose}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }

  /** Receives chunks until end of stream. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return receiveUntilEnd(this);
  }

  /** {@link SocketAttribute}s of this socket. */
  override get extraAttributes(): TypedAttributeMap {
    return socketAttributes(this.#raw.info);
  }

  /**
   * @internal Hands the socket over to a new owner (a TLS stream); this stream then
   * acts as closed.
   */
  _detach(): RawStream {
    if (this.#closed) throw new ClosedResourceError();
    if (this.#in.busy || this.#out.busy) throw new BusyResourceError("using this stream");
    this.#closed = true;
    return this.#raw;
  }

  readonly #checkOpen = (): void => {
    if (this.#closed) throw new ClosedResourceError();
  };

  readonly #checkCanSend = (): void => {
    if (this.#closed) throw new ClosedResourceError();
    if (this.#eofSent) throw new ClosedResourceError("the sending side was closed by sendEof()");
  };
}

/** The {@link SocketAttribute}s that `info` provides. */
export function socketAttributes(info: SocketInfo): Map<TypedAttribute<unknown>, () => unknown> {
  const map = new Map<TypedAttribute<unknown>, () => unknown>([
    [SocketAttribute.family, () => info.family],
    [SocketAttribute.localAddress, () => info.localAddress],
  ]);
  if (info.localPort !== undefined) map.set(SocketAttribute.localPort, () => info.localPort);
  if (info.remoteAddress !== undefined) map.set(SocketAttribute.remoteAddress, () => info.remoteAddress);
  if (info.remotePort !== undefined) map.set(SocketAttribute.remotePort, () => info.remotePort);
  return map;
}
