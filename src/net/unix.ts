/**
 * Unix domain stream sockets. AnyIO's `connect_unix` and `create_unix_listener`.
 *
 * @module
 */
import { ConnectionFailed, isCancelled } from "../core/errors.ts";
import { getBackend } from "../core/run.ts";
import { checkOptions } from "../sync/checks.ts";
import { acquire, discardStream } from "./acquire.ts";
import { checkBacklog, checkPath } from "./checks.ts";
import { SocketListener } from "./socket-listener.ts";
import { SocketStream } from "./socket-stream.ts";

/**
 * Connects to the Unix socket at `path`. A checkpoint; cancelled, it leaves no socket
 * open.
 *
 * @throws {TypeError} if `path` is not a non-empty string.
 * @throws {ConnectionFailed} if nothing listens at `path` (the runtime's error, code
 *   ENOENT or ECONNREFUSED, is the cause).
 *
 * @example
 * ```ts
 * import { connectUnix, createUnixListener } from "structio";
 *
 * const path = `/tmp/structio-connect-${Date.now()}.sock`;
 * await using listener = await createUnixListener(path);
 * await using stream = await connectUnix(path);
 * await stream.send(new TextEncoder().encode("hi"));
 * ```
 */
export async function connectUnix(path: string): Promise<SocketStream> {
  checkPath(path, "path");
  const net = getBackend().net;
  try {
    return new SocketStream(await acquire((signal) => net.connectUnix(path, signal), discardStream));
  } catch (error) {
    if (isCancelled(error)) throw error;
    throw new ConnectionFailed(path, [{ address: path, error }]);
  }
}

/** Options of {@link createUnixListener}. */
export interface UnixListenerOptions {
  /** Permissions of the socket file (0o600, say); default: as the umask leaves them. */
  mode?: number;
  /** The most connections the system queues before they are accepted (default 65536; the runtime may cap it). */
  backlog?: number;
}

/**
 * Listens for connections on the Unix socket at `path`. A socket file left at `path`
 * by a listener that died is replaced; any other file there makes it fail. Closing the
 * listener removes the socket file.
 *
 * @throws {TypeError} if `path` is not a non-empty string, or an option is not valid.
 * @throws {RangeError} if `mode` is not from 0 to 0o777.
 * @throws the runtime's error (EADDRINUSE, EACCES, ...) if listening failed.
 *
 * @example
 * ```ts
 * import { createUnixListener } from "structio";
 *
 * await using listener = await createUnixListener(`/tmp/structio-listen-${Date.now()}.sock`, { mode: 0o600 });
 * ```
 */
export async function createUnixListener(path: string, options?: UnixListenerOptions): Promise<SocketListener> {
  checkPath(path, "path");
  const o = checkOptions(options);
  if (o.mode !== undefined) {
    if (typeof o.mode !== "number") throw new TypeError(`options.mode must be a number, not ${typeof o.mode}`);
    if (!Number.isInteger(o.mode) || o.mode < 0 || o.mode > 0o777) {
      throw new RangeError(`options.mode must be a whole number from 0 to 0o777, not ${o.mode}`);
    }
  }
  const backlog = checkBacklog(o.backlog ?? 65536);
  return new SocketListener(await getBackend().net.listenUnix(path, o.mode, backlog));
}
