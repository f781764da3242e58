/**
 * A Bun UDP socket as a raw datagram socket.
 *
 * @module
 */
import { type CancelWait, type RawDatagram, type RawDatagramSocket, type SocketInfo } from "./net.ts";
import { DatagramQueue } from "./datagram-queue.ts";
import { type BunUdpSocket } from "./bun-api.ts";
import { closedError } from "./bun-stream.ts";

// ---------------------------------------------------------------------------------------
// UDP

export interface PendingSend {
  readonly data: Uint8Array;
  readonly address: string | undefined;
  readonly port: number | undefined;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A Bun UDP socket as a {@link RawDatagramSocket}.
 *
 * Sends keep their order: a datagram Bun refused under backpressure (send() returned
 * false: not sent) waits in `#sendQueue`, and later sends queue behind it until the
 * `drain` handler hands them over; each send() resolves once its datagram was taken.
 */
export class BunDatagramSocket implements RawDatagramSocket {
  info: SocketInfo = { family: "IPv4", localAddress: "" };
  #socket: BunUdpSocket | null = null;
  readonly #received = new DatagramQueue();
  #sendQueue: PendingSend[] = [];
  #closed = false;

  start(socket: BunUdpSocket, family: "IPv4" | "IPv6"): void {
    this.#socket = socket;
    const remote = socket.remoteAddress;
    this.info = {
      family,
      localAddress: socket.address.address,
      localPort: socket.address.port,
      remoteAddress: remote?.address,
      remotePort: remote?.port,
    };
  }

  onData(data: Uint8Array, port: number, address: string): void {
    if (this.#closed) return;
    this.#received.push({ data, address, port });
  }

  onError(error: Error): void {
    this.#received.fail(error);
  }

  onDrain(): void {
    while (this.#sendQueue.length > 0 && !this.#closed) {
      const next = this.#sendQueue[0];
      let accepted: boolean;
      try {
        accepted = this.#trySend(next.data, next.address, next.port);
      } catch (error) {
        this.#sendQueue.shift();
        next.reject(error);
        continue;
      }
      if (!accepted) return;
      this.#sendQueue.shift();
      next.resolve();
    }
  }

  #trySend(data: Uint8Array, address: string | undefined, port: number | undefined): boolean {
    const socket = this.#socket!;
    return address === undefined ? socket.send(data) : socket.send(data, port, address);
  }

  tryReceive(): RawDatagram | null {
    return this.#received.take();
  }

  onReceivable(ready: () => void): CancelWait {
    return this.#received.onReady(ready);
  }

  send(data: Uint8Array, address?: string, port?: number): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    if (this.#sendQueue.length === 0) {
      try {
        if (this.#trySend(data, address, port)) return Promise.resolve();
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return new Promise((resolve, reject) => this.#sendQueue.push({ data, address, port, resolve, reject }));
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    // Bun's close() releases the socket synchronously; sends still waiting for a
    // drain will never go out.
    this.#socket?.close();
    for (const pending of this.#sendQueue.splice(0)) pending.reject(closedError());
    this.#received.wake();
    return Promise.resolve();
  }
}
