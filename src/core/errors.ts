/**
 * The error classes of structio, named after AnyIO's.
 *
 * Cancellation is an error class of its own (`Cancelled`) so that it travels up the
 * stack through ordinary `try`/`catch`, but it is not a failure: code that catches
 * everything must rethrow it (see {@link isCancelled}).
 *
 * @module
 */

const CANCELLED_BRAND = Symbol.for("structio.Cancelled");

/**
 * Raised at a checkpoint when the surrounding cancel scope is cancelled.
 *
 * Cancellation is level-triggered: while a scope stays cancelled, every checkpoint inside
 * it raises `Cancelled` again, so catching it without rethrowing only delays the exit.
 * The cancel scope that was cancelled absorbs it on the way out.
 *
 * @example
 * ```ts
 * import { Cancelled, moveOnAfter, sleepForever } from "structio";
 *
 * await moveOnAfter(10, async () => {
 *   try {
 *     await sleepForever();
 *   } catch (err) {
 *     if (err instanceof Cancelled) console.log("cancelled:", err.reason);
 *     throw err; // always rethrow Cancelled
 *   }
 * });
 * ```
 */
export class Cancelled extends Error {
  /** The reason given to `cancel(reason)`, or a description of the deadline. */
  readonly reason: string | undefined;

  constructor(reason?: string) {
    super(reason === undefined ? "the operation was cancelled" : `cancelled: ${reason}`);
    this.name = "Cancelled";
    this.reason = reason;
  }

  /** True for any `Cancelled`, even one made by another copy of structio. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null &&
      (value as Record<symbol, unknown>)[CANCELLED_BRAND] === true;
  }
}
Object.defineProperty(Cancelled.prototype, CANCELLED_BRAND, { value: true });

/**
 * Whether `err` is a cancellation. Use it in `catch` blocks that must let
 * cancellation through.
 *
 * @example
 * ```ts
 * import { isCancelled } from "structio";
 *
 * try {
 *   await work();
 * } catch (err) {
 *   if (isCancelled(err)) throw err;
 *   console.error("work failed", err);
 * }
 * ```
 */
export function isCancelled(err: unknown): err is Cancelled {
  return err instanceof Cancelled;
}

/**
 * Returns the class of cancellation errors (AnyIO's `get_cancelled_exc_class()`).
 *
 * @example
 * ```ts
 * import { getCancelledErrorClass } from "structio";
 *
 * const CancelledClass = getCancelledErrorClass();
 * console.log(new CancelledClass("shutting down").reason); // "shutting down"
 * ```
 */
export function getCancelledErrorClass(): typeof Cancelled {
  return Cancelled;
}

/**
 * Raised by {@link failAfter} and {@link failAt} when their deadline, and not some other
 * cancellation, ended the operation.
 *
 * @example
 * ```ts
 * import { failAfter, sleepForever, TimeoutError } from "structio";
 *
 * try {
 *   await failAfter(10, () => sleepForever());
 * } catch (err) {
 *   if (err instanceof TimeoutError) console.log("too slow");
 * }
 * ```
 */
export class TimeoutError extends Error {
  constructor(message = "the deadline was exceeded") {
    super(message);
    this.name = "TimeoutError";
  }
}

/**
 * Raised by `TaskHandle.result()` when the task was cancelled before it produced a
 * result. It is not a {@link Cancelled}: the waiter itself was not cancelled, so the
 * error does not travel as a cancellation through the waiter's scopes.
 *
 * @example
 * ```ts
 * import { TaskCancelledError, withTaskGroup, sleepForever } from "structio";
 *
 * await withTaskGroup(async (tg) => {
 *   const handle = tg.startSoon(sleepForever);
 *   handle.cancel("not needed");
 *   try {
 *     await handle.result();
 *   } catch (err) {
 *     console.log(err instanceof TaskCancelledError); // true
 *   }
 * });
 * ```
 */
export class TaskCancelledError extends Error {
  /** The reason given when the task's scope was cancelled, if any. */
  readonly reason: string | undefined;

  constructor(taskName: string, reason?: string) {
    super(`task ${JSON.stringify(taskName)} was cancelled${reason === undefined ? "" : `: ${reason}`}`);
    this.name = "TaskCancelledError";
    this.reason = reason;
  }
}

/**
 * Raised by a `*Nowait` call that would have had to wait (an empty stream, a held lock).
 *
 * @example
 * ```ts
 * import { WouldBlock } from "structio";
 *
 * try {
 *   throw new WouldBlock();
 * } catch (err) {
 *   console.log(err instanceof WouldBlock); // true
 * }
 * ```
 */
export class WouldBlock extends Error {
  constructor(message = "the operation would block") {
    super(message);
    this.name = "WouldBlock";
  }
}

/**
 * Raised by a receive when the other end closed the stream and nothing is left to read.
 * End of stream is always this error, never an empty chunk.
 *
 * @example
 * ```ts
 * import { EndOfStream } from "structio";
 *
 * console.log(new EndOfStream().name); // "EndOfStream"
 * ```
 */
export class EndOfStream extends Error {
  constructor(message = "the stream has ended") {
    super(message);
    this.name = "EndOfStream";
  }
}

/**
 * Raised when a resource is used after this side closed it.
 *
 * @example
 * ```ts
 * import { ClosedResourceError } from "structio";
 *
 * console.log(new ClosedResourceError().message); // "the resource is closed"
 * ```
 */
export class ClosedResourceError extends Error {
  constructor(message = "the resource is closed") {
    super(message);
    this.name = "ClosedResourceError";
  }
}

/**
 * Raised when a resource can no longer be used because the other side is gone (all
 * receivers closed, a peer reset the connection). The runtime's error, if any, is the
 * `cause`.
 *
 * @example
 * ```ts
 * import { BrokenResourceError } from "structio";
 *
 * const err = new BrokenResourceError("the peer reset the connection", { cause: new Error("ECONNRESET") });
 * console.log(err.cause);
 * ```
 */
export class BrokenResourceError extends Error {
  constructor(message = "the resource is broken", options?: ErrorOptions) {
    super(message, options);
    this.name = "BrokenResourceError";
  }
}

/**
 * Raised when two tasks use a resource at once that allows only one user at a time
 * (two concurrent receives on one socket, say).
 *
 * @example
 * ```ts
 * import { BusyResourceError } from "structio";
 *
 * console.log(new BusyResourceError("receiving").message); // "another task is already receiving"
 * ```
 */
export class BusyResourceError extends Error {
  constructor(action: string) {
    super(`another task is already ${action}`);
    this.name = "BusyResourceError";
  }
}

/**
 * Raised by `BufferedByteReceiveStream.receiveExactly()` and `receiveUntil()` when the
 * stream ends before the requested bytes (or the delimiter) arrived. The bytes that did
 * arrive stay in the stream's buffer; the {@link EndOfStream} is the `cause`.
 *
 * @example
 * ```ts
 * import { BufferedByteReceiveStream, createMemoryObjectStream, IncompleteRead } from "structio";
 *
 * const [send, receive] = createMemoryObjectStream<Uint8Array>(1);
 * send.sendNowait(new Uint8Array([1, 2]));
 * send.close();
 * const buffered = new BufferedByteReceiveStream(receive);
 * try {
 *   await buffered.receiveExactly(4);
 * } catch (err) {
 *   console.log(err instanceof IncompleteRead, buffered.buffer); // true Uint8Array(2) [ 1, 2 ]
 * }
 * ```
 */
export class IncompleteRead extends Error {
  constructor(message = "the stream ended before the read could be completed", options?: ErrorOptions) {
    super(message, options);
    this.name = "IncompleteRead";
  }
}

/**
 * Raised by `BufferedByteReceiveStream.receiveUntil()` when the first `maxBytes` bytes
 * of the stream do not contain the delimiter. Nothing is consumed: the bytes stay in
 * the stream's buffer.
 *
 * @example
 * ```ts
 * import { DelimiterNotFound } from "structio";
 *
 * const err = new DelimiterNotFound(1024);
 * console.log(err.maxBytes, err.message); // 1024 "the delimiter was not found among the first 1024 bytes"
 * ```
 */
export class DelimiterNotFound extends Error {
  /** The limit that was reached without finding the delimiter. */
  readonly maxBytes: number;

  constructor(maxBytes: number) {
    super(`the delimiter was not found among the first ${maxBytes} bytes`);
    this.name = "DelimiterNotFound";
    this.maxBytes = maxBytes;
  }
}

/**
 * Raised by `extra(attribute)` when the stream (or whatever it wraps) does not provide
 * the typed attribute and no default was given.
 *
 * @example
 * ```ts
 * import { createMemoryObjectStream, typedAttribute, TypedAttributeLookupError } from "structio";
 *
 * const peerName = typedAttribute<string>("peerName");
 * const [send] = createMemoryObjectStream<string>();
 * try {
 *   send.extra(peerName);
 * } catch (err) {
 *   console.log(err instanceof TypedAttributeLookupError); // true
 * }
 * console.log(send.extra(peerName, "unknown")); // "unknown"
 * ```
 */
export class TypedAttributeLookupError extends Error {
  constructor(message = "the typed attribute was not found") {
    super(message);
    this.name = "TypedAttributeLookupError";
  }
}

/** One failed connection attempt, as carried by {@link ConnectionFailed}. */
export interface ConnectionAttempt {
  /** The address tried (an IP literal, or a socket path). */
  readonly address: string;
  /** The port tried; undefined for a Unix socket. */
  readonly port?: number;
  /** Why it failed: the runtime's error, with its code (ECONNREFUSED, say). */
  readonly error: unknown;
}

/**
 * Raised when a connection could not be made: every address was refused, unreachable
 * or failed otherwise. `attempts` holds each address tried with its error, in the order
 * they were tried, and `cause` the last attempt's error.
 *
 * @example
 * ```ts
 * import { ConnectionFailed, connectTcp } from "structio";
 *
 * try {
 *   await connectTcp("127.0.0.1", 1); // nothing listens on port 1
 * } catch (err) {
 *   if (!(err instanceof ConnectionFailed)) throw err;
 *   for (const attempt of err.attempts) console.log(attempt.address, attempt.port, String(attempt.error));
 * }
 * ```
 */
export class ConnectionFailed extends Error {
  readonly attempts: readonly ConnectionAttempt[];

  constructor(target: string, attempts: readonly ConnectionAttempt[]) {
    const details = attempts.map((a) => {
      const where = a.port === undefined ? a.address : a.address.includes(":") ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
      return `${where}: ${a.error instanceof Error ? a.error.message : String(a.error)}`;
    });
    super(`could not connect to ${target}${details.length > 0 ? ` (${details.join("; ")})` : ""}`, {
      cause: attempts.at(-1)?.error,
    });
    this.name = "ConnectionFailed";
    this.attempts = attempts;
  }
}

/** What an {@link OSError} is about: the operation and the paths it worked on. */
export interface OSErrorDetails {
  /** The operation that failed, named after its system call (`open`, `rename`, `spawn`). */
  syscall: string;
  /** The path (or command) the operation worked on. */
  path?: string;
  /** The second path of a two-path operation (the target of a rename, copy or link). */
  dest?: string;
  /** The runtime's own error. */
  cause?: unknown;
}

/**
 * Raised when the operating system refuses a file, directory or process operation.
 * `code` is the POSIX error name the runtime reported (`ENOENT`, `EACCES`, `EEXIST`,
 * `ENOTDIR`, …) on every runtime, `path` (and `dest`) the paths involved, and `cause`
 * the runtime's own error. AnyIO and Python raise `OSError` subclasses here.
 *
 * @example
 * ```ts
 * import { OSError, Path } from "structio";
 *
 * try {
 *   await new Path("/no/such/file").readText();
 * } catch (err) {
 *   if (!(err instanceof OSError) || err.code !== "ENOENT") throw err;
 *   console.log("missing:", err.path);
 * }
 * ```
 */
export class OSError extends Error {
  /** The POSIX error name, such as `ENOENT`; `EUNKNOWN` if the runtime gave none. */
  readonly code: string;
  /** The operation that failed. */
  readonly syscall: string;
  /** The path (or command) involved, if any. */
  readonly path: string | undefined;
  /** The second path of a two-path operation, if any. */
  readonly dest: string | undefined;

  constructor(code: string, description: string, details: OSErrorDetails) {
    const paths = details.path === undefined
      ? ""
      : details.dest === undefined
      ? ` '${details.path}'`
      : ` '${details.path}' -> '${details.dest}'`;
    super(`${code}: ${description}, ${details.syscall}${paths}`, { cause: details.cause });
    this.name = "OSError";
    this.code = code;
    this.syscall = details.syscall;
    this.path = details.path;
    this.dest = details.dest;
  }
}

/**
 * @internal Wraps an error a backend raised for a file or process operation into an
 * {@link OSError} naming the operation and paths. Backends make sure such errors carry
 * the POSIX name as `code`; an error without one (a bug, a TypeError) passes unchanged.
 */
export function asOSError(err: unknown, details: Omit<OSErrorDetails, "cause">): unknown {
  if (err instanceof OSError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== "string" || !/^E[A-Z0-9]+$/.test(code)) return err;
  const message = err instanceof Error ? err.message : String(err);
  // Keep only the description: Node's messages read "ENOENT: no such file or directory,
  // open '/x'", Deno's "No such file or directory (os error 2): stat '/x'".
  const deno = message.match(/^(.*?) \(os error \d+\)/)?.[1];
  const description = message.match(/^E[A-Z0-9]+: ([^,]*)/)?.[1] ??
    (deno === undefined ? message : deno.charAt(0).toLowerCase() + deno.slice(1));
  return new OSError(code, description, { ...details, cause: err });
}

/**
 * Raised by `runProcess()` (with `check`, the default) when the child exited with a
 * status other than 0, or was ended by a signal. It carries what `runProcess()` would
 * have returned: the return code (`-n` for signal `n`), the command as given, and the
 * captured output (empty for a stream that was not a pipe).
 *
 * @example
 * ```ts
 * import { CalledProcessError, runProcess } from "structio";
 *
 * try {
 *   await runProcess("echo oops >&2; exit 3");
 * } catch (err) {
 *   if (!(err instanceof CalledProcessError)) throw err;
 *   console.log(err.returncode, new TextDecoder().decode(err.stderr)); // 3 "oops\n"
 * }
 * ```
 */
export class CalledProcessError extends Error {
  /** The exit status, or `-n` when signal number `n` ended the child. */
  readonly returncode: number;
  /** The command as given: a shell command line, or the program and its arguments. */
  readonly command: string | readonly string[];
  /** What the child wrote to its standard output, if it was captured (else empty). */
  readonly stdout: Uint8Array;
  /** What the child wrote to its standard error, if it was captured (else empty). */
  readonly stderr: Uint8Array;

  constructor(returncode: number, command: string | readonly string[], stdout: Uint8Array, stderr: Uint8Array) {
    const shown = typeof command === "string"
      ? JSON.stringify(command)
      : `[${command.map((arg) => JSON.stringify(arg)).join(", ")}]`;
    super(
      returncode < 0
        ? `command ${shown} was ended by signal ${-returncode}`
        : `command ${shown} exited with status ${returncode}`,
    );
    this.name = "CalledProcessError";
    this.returncode = returncode;
    this.command = command;
    this.stdout = stdout;
    this.stderr = stderr;
  }
}
