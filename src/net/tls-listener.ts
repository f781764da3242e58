/**
 * A listener whose connections speak TLS. AnyIO's `TLSListener`.
 *
 * @module
 */
import { failAfter } from "../core/timeouts.ts";
import { getBackend } from "../core/run.ts";
import { isCancelled } from "../core/errors.ts";
import type { TaskGroup } from "../core/task-group.ts";
import { checkFunction, checkOptions } from "../sync/checks.ts";
import { type TypedAttributeMap, TypedAttributeProvider } from "../streams/typed-attributes.ts";
import type { Listener } from "../streams/types.ts";
import type { SocketStream } from "./socket-stream.ts";
import { serverSettings, type TlsServerOptions } from "./tls-options.ts";
import { TLSStream } from "./tls-stream.ts";

/** Options of a {@link TLSListener}. */
export interface TlsListenerOptions {
  /** Milliseconds a client has to finish its handshake (default 30000). */
  handshakeTimeout?: number;
  /**
   * Called with the error when a client's handshake fails or times out; the connection
   * is closed and serving goes on. The default writes one line to standard error.
   */
  onHandshakeError?: (error: unknown) => void;
}

/**
 * Wraps a listener of plain connections (from {@link createTcpListener} or
 * {@link createUnixListener}) so that `serve(handler)` hands the handler
 * {@link TLSStream}s. Each connection's handshake runs in the connection's own task,
 * with a timeout; a handshake that fails or times out is reported to
 * `onHandshakeError`, its connection closed, and the server carries on.
 *
 * @example
 * ```ts
 * import { createTcpListener, TLSListener } from "structio";
 *
 * declare const certPem: string, keyPem: string;
 * const plain = await createTcpListener({ host: "127.0.0.1" });
 * await using listener = new TLSListener(plain, { cert: certPem, key: keyPem }, { handshakeTimeout: 5000 });
 * await listener.serve(async (stream) => {
 *   await stream.send(new TextEncoder().encode("hello over TLS\n"));
 * });
 * ```
 */
export class TLSListener extends TypedAttributeProvider implements Listener<TLSStream> {
  /** The listener of plain connections. */
  readonly listener: Listener<SocketStream>;
  readonly #settings: TlsServerOptions;
  readonly #handshakeTimeout: number;
  readonly #onHandshakeError: (error: unknown) => void;

  /**
   * @throws {TypeError} if `listener` is not a listener, or an option is not valid.
   * @throws {RangeError} if `handshakeTimeout` is not a positive number.
   */
  constructor(listener: Listener<SocketStream>, options: TlsServerOptions, listenerOptions?: TlsListenerOptions) {
    super();
    if (listener === null || typeof listener !== "object" || typeof listener.serve !== "function") {
      throw new TypeError("listener must be a Listener");
    }
    const server = serverSettings(options, "options");
    const o = checkOptions(listenerOptions);
    const timeout = o.handshakeTimeout ?? 30000;
    if (typeof timeout !== "number") throw new TypeError(`handshakeTimeout must be a number, not ${typeof timeout}`);
    if (!(timeout > 0)) throw new RangeError(`handshakeTimeout must be > 0, not ${timeout}`);
    if (o.onHandshakeError !== undefined) checkFunction(o.onHandshakeError, "onHandshakeError");
    this.listener = listener;
    this.#settings = { ...server, serverSide: true } as TlsServerOptions;
    this.#handshakeTimeout = timeout;
    this.#onHandshakeError = o.onHandshakeError ??
      ((error) => getBackend().printError(`structio TLSListener: a TLS handshake failed: ${String(error)}`));
  }

  /**
   * Serves until cancelled: each connection's handshake runs in its own task, then
   * `handler(tlsStream)`, after which the stream is closed.
   *
   * @throws {TypeError} if `handler` is not a function.
   */
  serve(handler: (connection: TLSStream) => unknown, taskGroup?: TaskGroup): Promise<void> {
    checkFunction(handler, "handler");
    return this.listener.serve(async (plain) => {
      let secure: TLSStream;
      try {
        secure = await failAfter(this.#handshakeTimeout, () =>
          TLSStream.wrap(plain, { ...this.#settings, serverSide: true }));
      } catch (err) {
        if (isCancelled(err)) throw err;
        this.#onHandshakeError(err);
        return;
      }
      await using stream = secure;
      await handler(stream);
    }, taskGroup);
  }

  /** Closes the wrapped listener. */
  aclose(): Promise<void> {
    return this.listener.aclose();
  }

  /** The same as {@link TLSListener.aclose}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }

  /** The wrapped listener's attributes. */
  override get extraAttributes(): TypedAttributeMap {
    return this.listener.extraAttributes;
  }
}
