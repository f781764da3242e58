/**
 * A listening TCP or Unix socket. AnyIO's `SocketListener`.
 *
 * @module
 */
import type { RawListener, RawStream } from "../backends/net.ts";
import { checkpoint, waitForEvent } from "../core/checkpoint.ts";
import { BusyResourceError, ClosedResourceError } from "../core/errors.ts";
import { type TaskGroup, withTaskGroup } from "../core/task-group.ts";
import { checkFunction } from "../sync/checks.ts";
import { type TypedAttributeMap, TypedAttributeProvider } from "../streams/typed-attributes.ts";
import type { Listener } from "../streams/types.ts";
import { closeResource } from "./acquire.ts";
import { SocketStream, socketAttributes } from "./socket-stream.ts";

/**
 * Runs `handler(connection)` and closes the connection when it returns or fails, so a
 * handler that forgets to close cannot leak a socket.
 */
export async function handleAndClose<T extends AsyncDisposable>(
  handler: (connection: T) => unknown,
  connection: T,
): Promise<void> {
  try {
    await handler(connection);
  } finally {
    await connection[Symbol.asyncDispose]();
  }
}

/**
 * Serves `listener`: accepts connections until cancelled, starting
 * `handler(connection)` for each in `taskGroup`, or in a task group of its own.
 */
export async function serveWith<T extends AsyncDisposable>(
  accept: () => Promise<T>,
  handler: (connection: T) => unknown,
  taskGroup: TaskGroup | undefined,
): Promise<void> {
  checkFunction(handler, "handler");
  const loop = async (tg: TaskGroup) => {
    for (;;) {
      const connection = await accept();
      tg.startSoon(handleAndClose, handler, connection);
    }
  };
  if (taskGroup !== undefined) return await loop(taskGroup);
  await withTaskGroup(loop);
}

/**
 * A listening TCP or Unix socket: `accept()` returns the next connection as a
 * {@link SocketStream}; `serve(handler)` runs `handler` for each connection in its own
 * task, and closes the connection when the handler returns.
 *
 * `accept()` is a checkpoint; a cancelled accept takes no connection (a connection
 * that arrives meanwhile waits for the next accept). Closing the listener closes the
 * connections that arrived but were not accepted yet.
 *
 * Typed attributes: {@link SocketAttribute} (the local end only).
 *
 * @example
 * ```ts
 * import { connectUnix, createUnixListener } from "structio";
 *
 * const path = `/tmp/structio-doc-${Date.now()}.sock`;
 * await using listener = await createUnixListener(path);
 * await using client = await connectUnix(path);
 * await using server = await listener.accept();
 * await client.send(new Uint8Array([42]));
 * console.log(await server.receive()); // Uint8Array(1) [ 42 ]
 * ```
 */
export class SocketListener extends TypedAttributeProvider implements Listener<SocketStream> {
  readonly #raw: RawListener;
  readonly #wrap: (raw: RawStream) => SocketStream;
  #closed = false;
  #accepting = false;

  /** @internal Made by {@link createTcpListener} and {@link createUnixListener}. */
  constructor(raw: RawListener, wrap: (raw: RawStream) => SocketStream = (s) => new SocketStream(s)) {
    super();
    this.#raw = raw;
    this.#wrap = wrap;
  }

  /**
   * Waits for the next connection and returns it.
   *
   * @throws {BusyResourceError} if another task is accepting on this listener.
   * @throws {ClosedResourceError} if the listener was closed (also while waiting).
   */
  async accept(): Promise<SocketStream> {
    if (this.#closed) throw new ClosedResourceError();
    if (this.#accepting) throw new BusyResourceError("accepting connections on this listener");
    this.#accepting = true;
    try {
      await checkpoint();
      const raw = this.#raw;
      for (;;) {
        if (this.#closed) throw new ClosedResourceError();
        const accepted = raw.tryAccept();
        if (accepted !== null) return this.#wrap(accepted);
        await waitForEvent((ready) => raw.onAcceptable(ready));
      }
    } finally {
      this.#accepting = false;
    }
  }

  /**
   * Accepts connections until cancelled, running `handler(connection)` for each in
   * `taskGroup` (or in a task group of its own, which this waits for). Each connection
   * is closed when its handler returns or fails.
   *
   * @throws {TypeError} if `handler` is not a function.
   */
  serve(handler: (connection: SocketStream) => unknown, taskGroup?: TaskGroup): Promise<void> {
    return serveWith(() => this.accept(), handler, taskGroup);
  }

  /**
   * Stops listening. Idempotent; a waiting accept raises {@link ClosedResourceError}.
   * Never raises `Cancelled` (see {@link SocketStream.aclose}).
   */
  async aclose(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await closeResource(this.#raw.close(), () => {});
  }

  /** The same as {@link SocketListener.aclose}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }

  /** {@link SocketAttribute}s of the listening socket. */
  override get extraAttributes(): TypedAttributeMap {
    return socketAttributes(this.#raw.info);
  }
}
