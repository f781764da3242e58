/**
 * Native Deno datagram sockets (UDP and Unix) as raw datagram sockets.
 *
 * @module
 */
import { type CancelWait, type RawDatagram, type RawDatagramSocket, type SocketInfo } from "./net.ts";
import { DatagramQueue } from "./datagram-queue.ts";
import { asError, type DenoAddr, type DenoDatagramConn } from "./deno-api.ts";

// ---------------------------------------------------------------------------------------
// Datagram sockets.

/**
 * A Deno datagram socket (UDP, or Unix "unixpacket") as a {@link RawDatagramSocket}.
 *
 * One `receive()` is kept in flight from the start, so datagrams are taken from the
 * kernel as they come, as node:dgram does; up to MAX_QUEUED of them wait here, and the
 * oldest is dropped beyond that, as UDP may. Deno's datagram sockets cannot connect(2),
 * so a "connected" socket filters: `accepts` drops datagrams from other senders.
 */
export class DenoDatagramSocket implements RawDatagramSocket {
  readonly info: SocketInfo;
  readonly #socket: DenoDatagramConn;
  readonly #toAddr: (address: string, port: number) => DenoAddr;
  readonly #remote: DenoAddr | null;
  readonly #accepts: (from: DenoAddr) => boolean;
  readonly #onClosed: () => void;
  readonly #received = new DatagramQueue();
  #receiving: Promise<void> | null = null;
  #closed: Promise<void> | null = null;

  constructor(options: {
    socket: DenoDatagramConn;
    info: SocketInfo;
    toAddr: (address: string, port: number) => DenoAddr;
    remote: DenoAddr | null;
    accepts: (from: DenoAddr) => boolean;
    canReceive: boolean;
    onClosed: () => void;
  }) {
    this.#socket = options.socket;
    this.info = options.info;
    this.#toAddr = options.toAddr;
    this.#remote = options.remote;
    this.#accepts = options.accepts;
    this.#onClosed = options.onClosed;
    // An unbound Unix datagram socket has no address to receive on: its receive() would
    // never settle, so none is started.
    if (options.canReceive) this.#receive();
  }

  #receive(): void {
    if (this.#receiving !== null || this.#closed !== null) return;
    this.#receiving = this.#socket.receive().then(
      ([data, from]) => {
        this.#receiving = null;
        if (this.#closed !== null) return;
        if (this.#accepts(from)) {
          // Deno returns a view of a 64 KiB buffer; a copy keeps a queued datagram small.
          const own = data.byteLength === data.buffer.byteLength ? data : data.slice();
          this.#received.push(
            "hostname" in from
              ? { data: own, address: from.hostname, port: from.port }
              : { data: own, address: from.path ?? "", port: 0 },
          );
        }
        this.#receive();
      },
      (err) => {
        this.#receiving = null;
        // After close, Deno rejects the pending receive with Interrupted: nothing to report.
        if (this.#closed !== null) return;
        this.#received.fail(asError(err));
      },
    );
  }

  tryReceive(): RawDatagram | null {
    try {
      return this.#received.take();
    } catch (error) {
      // The error ended the receive in flight; receiving resumes (an ICMP error need not end a socket).
      this.#receive();
      throw error;
    }
  }

  onReceivable(ready: () => void): CancelWait {
    const cancel = this.#received.onReady(ready);
    if (this.#received.ready || this.#closed !== null) queueMicrotask(() => this.#received.wake());
    return cancel;
  }

  async send(data: Uint8Array, address?: string, port?: number): Promise<void> {
    if (this.#closed !== null) throw new Error("the socket is closed");
    const to = address === undefined ? this.#remote : this.#toAddr(address, port ?? 0);
    if (to === null) throw new Error("the socket is not connected: send() needs an address");
    await this.#socket.send(data, to);
  }

  close(): Promise<void> {
    if (this.#closed !== null) return this.#closed;
    try {
      this.#socket.close();
    } catch {
      // Already closed.
    }
    // As with listeners, the port is free once the pending receive has been rejected.
    this.#closed = (this.#receiving ?? Promise.resolve()).then(() => this.#onClosed());
    this.#received.wake();
    return this.#closed;
  }
}

/** `host` in one canonical form, so addresses from Deno and from the user compare equal. */
export function canonicalIp(host: string): string {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (mapped !== null) return mapped[1];
  if (!bare.includes(":")) return bare;
  // Expand "::" and drop leading zeros: "0:0:0:0:0:0:0:1" and "::1" become equal.
  const [head, tail] = bare.includes("::") ? bare.split("::") : [bare, undefined];
  const headParts = head === "" ? [] : head.split(":");
  const tailParts = tail === undefined || tail === "" ? [] : tail.split(":");
  const fill = tail === undefined ? [] : new Array<string>(8 - headParts.length - tailParts.length).fill("0");
  return [...headParts, ...fill, ...tailParts].map((part) => part.replace(/^0+(?=.)/, "")).join(":");
}

export function udpUnavailable(): Error {
  return new Error(
    "UDP on the deno backend needs Deno's --unstable-net flag (Deno.listenDatagram is unstable); " +
      'run with --unstable-net, or use backend "node"',
  );
}
