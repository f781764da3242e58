/**
 * The slice of Deno's namespace the deno backend uses (declared here, so no Deno type
 * package is needed), and the small helpers its parts share.
 *
 * @module
 */
import { type SocketInfo } from "./net.ts";

export interface DenoNetAddr {
  transport: "tcp" | "udp";
  hostname: string;
  port: number;
}

export interface DenoUnixAddr {
  transport: "unix" | "unixpacket";
  /** null for an unnamed end. */
  path: string | null;
}

export type DenoAddr = DenoNetAddr | DenoUnixAddr;

export interface DenoConn {
  read(buffer: Uint8Array): Promise<number | null>;
  write(data: Uint8Array): Promise<number>;
  closeWrite(): Promise<void>;
  close(): void;
  readonly localAddr: DenoAddr;
  readonly remoteAddr: DenoAddr;
  /** TCP connections only. */
  setNoDelay?(noDelay?: boolean): void;
}

export interface DenoTlsConn extends DenoConn {
  handshake(): Promise<{ alpnProtocol: string | null }>;
}

export interface DenoListenerHandle {
  accept(): Promise<DenoConn>;
  close(): void;
  readonly addr: DenoAddr;
}

export interface DenoDatagramConn {
  receive(buffer?: Uint8Array): Promise<[Uint8Array, DenoAddr]>;
  send(data: Uint8Array, to: DenoAddr): Promise<number>;
  close(): void;
  readonly addr: DenoAddr;
}

export interface DenoFileInfo {
  isSocket: boolean | null;
  ino: number | null;
  dev: number;
}

export interface DenoNetNamespace {
  connect(
    options:
      | { transport: "tcp"; hostname: string; port: number; signal?: AbortSignal }
      | { transport: "unix"; path: string },
  ): Promise<DenoConn>;
  listen(
    options:
      | { transport: "tcp"; hostname: string; port: number; tcpBacklog?: number; reusePort?: boolean }
      | { transport: "unix"; path: string },
  ): DenoListenerHandle;
  startTls(
    conn: DenoConn,
    options: { hostname?: string; caCerts?: string[]; alpnProtocols?: string[] },
  ): Promise<DenoTlsConn>;
  /** Absent unless Deno runs with --unstable-net. */
  listenDatagram?(
    options:
      | { transport: "udp"; hostname: string; port: number; reuseAddress?: boolean }
      | { transport: "unixpacket"; path?: string },
  ): DenoDatagramConn;
  chmod(path: string, mode: number): Promise<void>;
  lstatSync(path: string): DenoFileInfo;
  removeSync(path: string): void;
}

export function deno(): DenoNetNamespace {
  const ns = (globalThis as { Deno?: DenoNetNamespace }).Deno;
  if (ns === undefined) throw new Error("the deno backend needs the Deno runtime");
  return ns;
}

// ---------------------------------------------------------------------------------------
// Small helpers.

/** Size of the buffer each read fills, and the write queue's high-water mark. */
export const CHUNK = 64 * 1024;
/** Reads of at most this many bytes are copied out of the read buffer, which is then reused. */
export const COPY_BELOW = 4096;

/** Small queued writes are merged into one conn.write up to this size (fewer ops). */
export const MERGE_BELOW = 16 * 1024;

export function swallow(): void {}

export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

export function familyOf(address: string): "IPv4" | "IPv6" {
  return address.includes(":") ? "IPv6" : "IPv4";
}

export function ipInfo(conn: DenoConn): SocketInfo {
  const local = conn.localAddr as DenoNetAddr;
  const remote = conn.remoteAddr as DenoNetAddr;
  return {
    family: familyOf(local.hostname),
    localAddress: local.hostname,
    localPort: local.port,
    remoteAddress: remote.hostname,
    remotePort: remote.port,
  };
}

export function unixInfo(conn: DenoConn): SocketInfo {
  return {
    family: "unix",
    localAddress: (conn.localAddr as DenoUnixAddr).path ?? "",
    remoteAddress: (conn.remoteAddr as DenoUnixAddr).path ?? "",
  };
}

/**
 * Waits for `pending`, a Deno operation that makes a resource, unless `signal` aborts
 * first. Then `interrupt` makes the operation stop (by closing what it works on, or
 * through the signal Deno was given), and the promise still waits for `pending` to
 * settle, hands a resource that arrived anyway to `dispose` and waits for that too, and
 * only then rejects with the signal's reason. Rejecting at once would let the caller go
 * on while a socket is still open: Deno frees a socket only once no operation holds it,
 * and an operation that cannot be interrupted (a Unix connect) still makes its
 * connection. Waiting is prompt all the same, since an interrupted operation rejects
 * within an event-loop turn and a Unix connect never blocks (it succeeds or fails at
 * once). A result that arrived before the abort wins: the promise resolves with it, and
 * the caller closes it.
 */
export async function abortable<T>(
  pending: Promise<T>,
  signal: AbortSignal,
  interrupt: () => void,
  dispose: (late: T) => void | Promise<void>,
): Promise<T> {
  type Outcome = { ok: true; value: T } | { ok: false; error: unknown };
  const outcome = pending.then(
    (value): Outcome => ({ ok: true, value }),
    (error): Outcome => ({ ok: false, error }),
  );
  let onAbort = swallow;
  const aborted = new Promise<null>((resolve) => {
    onAbort = () => resolve(null);
  });
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  let first: Outcome | null;
  try {
    first = await Promise.race([outcome, aborted]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
  if (first === null) {
    interrupt();
    const late = await outcome;
    if (late.ok) await dispose(late.value);
    throw signal.reason;
  }
  if (first.ok) return first.value;
  throw first.error;
}

/** Closes `conn`, which may be closed already (by Deno, or consumed by Deno.startTls). */
export function closeQuietly(conn: { close(): void }): void {
  try {
    conn.close();
  } catch {
    // Already closed: released either way.
  }
}

/** The file's identity if `path` names a socket, else null (missing or another kind). */
export function socketFileId(path: string): string | null {
  try {
    const stat = deno().lstatSync(path);
    return stat.isSocket ? `${stat.dev}:${stat.ino}` : null;
  } catch {
    return null;
  }
}

/**
 * Removes the file at `path` if it is a socket, so a listener can take over the path of
 * one that died without cleaning up. Any other file is left for listen() to fail on.
 */
export function removeStaleSocket(path: string): void {
  if (socketFileId(path) === null) return;
  try {
    deno().removeSync(path);
  } catch {
    // Gone meanwhile, or not ours to remove: listen() reports what matters.
  }
}

/** Removes our socket file at `path` if it is still the one we made (`id`). */
export function removeOwnSocket(path: string, id: string | null): void {
  if (id !== null && socketFileId(path) === id) removeStaleSocket(path);
}
