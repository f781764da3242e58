/**
 * A Bun listener as a raw listener.
 *
 * @module
 */
import { type CancelWait, type RawListener, type RawStream, type SocketFamily, type SocketInfo } from "./net.ts";
import { Notifier } from "./notifier.ts";
import { type BunListener, type BunSocket, type BunSocketHandlers } from "./bun-api.ts";
import { BunStream, STREAM_HANDLERS } from "./bun-stream.ts";

// ---------------------------------------------------------------------------------------
// Listeners

/**
 * A Bun listener as a {@link RawListener}: accepted connections queue until taken.
 *
 * Bun.listen takes no backlog: the parameter of listenTcp/listenUnix is ignored (Bun
 * uses its own default). Closing stops the listener with `stop()` (not `stop(true)`,
 * which would also close the connections already taken) and aborts the queued ones.
 */
export class BunStreamListener implements RawListener {
  /** Final once `start` ran: an IP listener's address and port come from getsockname. */
  info: SocketInfo;
  #listener: BunListener | null = null;
  readonly #queue: BunStream[] = [];
  readonly #waiters = new Notifier();
  #closed = false;
  readonly #unixPath: string | undefined;
  readonly #family: SocketFamily;

  constructor(family: SocketFamily, unixPath: string | undefined) {
    this.#family = family;
    this.#unixPath = unixPath;
    this.info = { family, localAddress: unixPath ?? "" };
  }

  /** The handlers for this listener's sockets: `open` makes and queues the stream. */
  handlers(): BunSocketHandlers {
    return { ...STREAM_HANDLERS, open: (socket) => this.#accept(socket) };
  }

  start(listener: BunListener): void {
    this.#listener = listener;
    if (this.#unixPath === undefined) {
      const address: { address?: string; port?: number; family?: string } = {};
      listener.getsockname(address);
      this.info = {
        family: this.#family,
        localAddress: address.address ?? "",
        localPort: address.port,
      };
    }
  }

  #accept(socket: BunSocket): void {
    if (this.#closed) {
      socket.terminate();
      return;
    }
    const stream = new BunStream(
      this.#unixPath === undefined ? null : { family: "unix", localAddress: this.#unixPath, remoteAddress: "" },
    );
    socket.data = stream;
    stream.attach(socket);
    this.#queue.push(stream);
    this.#waiters.notify();
  }

  tryAccept(): RawStream | null {
    return this.#queue.shift() ?? null;
  }

  onAcceptable(ready: () => void): CancelWait {
    return this.#waiters.add(ready);
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    // stop() also removes a Unix listener's socket file (Bun unlinks it).
    this.#listener?.stop();
    this.#listener = null;
    for (const stream of this.#queue.splice(0)) stream.abort();
    this.#waiters.notify();
    return Promise.resolve();
  }
}
