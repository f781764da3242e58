/**
 * The baselines of the networking suite: the same work as structio's cases, written
 * with the raw networking API of the runtime running the bench (node:net on Node,
 * Deno.listen/Deno.connect on Deno, Bun.listen/Bun.connect on Bun), each with proper
 * backpressure, as a careful user of that API would write it.
 *
 * @module
 */
import net from "node:net";
import { once } from "node:events";
import { runtimeName } from "./harness.ts";

/** The work every implementation of the networking suite does. */
export interface NetWork {
  /** Echoes `chunks` chunks of `chunkSize` bytes through a loopback server; resolves with bytes received back. */
  echo(chunks: number, chunkSize: number): Promise<number>;
  /** Makes `n` one-byte request/response round trips on one connection; resolves with replies received. */
  roundTrips(n: number): Promise<number>;
  /**
   * Connects `n` times, `parallel` at a time, to a server that accepts each connection
   * and closes it; each client waits for that end of stream, then closes. (The server
   * closing first keeps the order of the TCP close the same for every implementation;
   * which side closes first decides where TIME_WAIT lands and sways this case a lot.)
   * Resolves with the connections accepted.
   */
  accepts(n: number, parallel: number): Promise<number>;
}

// ---------------------------------------------------------------------------------
// Node (node:net)
// ---------------------------------------------------------------------------------

async function nodeServer(onConnection: (socket: net.Socket) => void): Promise<[net.Server, number]> {
  const server = net.createServer({ noDelay: true }, onConnection);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return [server, (server.address() as net.AddressInfo).port];
}

async function nodeConnect(port: number): Promise<net.Socket> {
  const socket = net.connect({ port, host: "127.0.0.1", noDelay: true });
  await once(socket, "connect");
  return socket;
}

const nodeWork: NetWork = {
  async echo(chunks, chunkSize) {
    const [server, port] = await nodeServer((s) => s.pipe(s));
    const client = await nodeConnect(port);
    const total = chunks * chunkSize;
    let received = 0;
    const done = new Promise<void>((resolve) =>
      client.on("data", (d: Buffer) => {
        received += d.byteLength;
        if (received >= total) resolve();
      })
    );
    const chunk = new Uint8Array(chunkSize);
    for (let i = 0; i < chunks; i++) if (!client.write(chunk)) await once(client, "drain");
    await done;
    client.destroy();
    server.close();
    return received;
  },
  async roundTrips(n) {
    const [server, port] = await nodeServer((s) => s.on("data", (d: Buffer) => s.write(d)));
    const client = await nodeConnect(port);
    const byte = new Uint8Array(1);
    let replies = 0;
    for (let i = 0; i < n; i++) {
      const reply = once(client, "data");
      client.write(byte);
      await reply;
      replies++;
    }
    client.destroy();
    server.close();
    return replies;
  },
  async accepts(n, parallel) {
    let accepted = 0;
    const [server, port] = await nodeServer((s) => {
      accepted++;
      s.destroySoon();
    });
    let next = 0;
    const worker = async () => {
      while (next < n) {
        next++;
        const socket = await nodeConnect(port);
        socket.resume();
        await once(socket, "end");
        socket.destroySoon();
        await once(socket, "close");
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
    server.close();
    return accepted;
  },
};

// ---------------------------------------------------------------------------------
// Deno (Deno.listen, Deno.connect)
// ---------------------------------------------------------------------------------

export interface DenoConn {
  read(buf: Uint8Array): Promise<number | null>;
  write(buf: Uint8Array): Promise<number>;
  close(): void;
  setNoDelay(on: boolean): void;
}
interface DenoListener extends AsyncIterable<DenoConn> {
  accept(): Promise<DenoConn>;
  close(): void;
  addr: { port: number };
}
export interface DenoNet {
  listen(options: { hostname: string; port: number }): DenoListener;
  connect(options: { hostname: string; port: number }): Promise<DenoConn>;
}

export async function writeAll(conn: DenoConn, data: Uint8Array): Promise<void> {
  for (let at = 0; at < data.byteLength;) at += await conn.write(data.subarray(at));
}

function denoWork(Deno: DenoNet): NetWork {
  const listen = () => Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const connect = async (port: number) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.setNoDelay(true);
    return conn;
  };
  const echoServer = async (conn: DenoConn, size: number) => {
    const buf = new Uint8Array(size);
    for (;;) {
      const n = await conn.read(buf).catch(() => null);
      if (n === null) break;
      await writeAll(conn, buf.subarray(0, n));
    }
    conn.close();
  };
  return {
    async echo(chunks, chunkSize) {
      const listener = listen();
      const serving = listener.accept().then((conn) => echoServer(conn, chunkSize));
      const client = await connect(listener.addr.port);
      const total = chunks * chunkSize;
      const reading = (async () => {
        const buf = new Uint8Array(chunkSize);
        let received = 0;
        while (received < total) {
          const n = await client.read(buf);
          if (n === null) break;
          received += n;
        }
        return received;
      })();
      const chunk = new Uint8Array(chunkSize);
      for (let i = 0; i < chunks; i++) await writeAll(client, chunk);
      const received = await reading;
      client.close();
      await serving;
      listener.close();
      return received;
    },
    async roundTrips(n) {
      const listener = listen();
      const serving = listener.accept().then((conn) => echoServer(conn, 1));
      const client = await connect(listener.addr.port);
      const byte = new Uint8Array(1);
      let replies = 0;
      for (let i = 0; i < n; i++) {
        await writeAll(client, byte);
        if ((await client.read(byte)) === 1) replies++;
      }
      client.close();
      await serving;
      listener.close();
      return replies;
    },
    async accepts(n, parallel) {
      const listener = listen();
      let accepted = 0;
      const serving = (async () => {
        while (accepted < n) {
          const conn = await listener.accept();
          accepted++;
          conn.close();
        }
      })();
      let next = 0;
      const worker = async () => {
        const buf = new Uint8Array(1);
        while (next < n) {
          next++;
          const conn = await connect(listener.addr.port);
          await conn.read(buf); // null: the server closed
          conn.close();
        }
      };
      await Promise.all(Array.from({ length: parallel }, worker));
      await serving;
      listener.close();
      return accepted;
    },
  };
}

// ---------------------------------------------------------------------------------
// Bun (Bun.listen, Bun.connect)
// ---------------------------------------------------------------------------------

interface BunSocket {
  write(data: Uint8Array): number;
  end(): void;
  terminate(): void;
  setNoDelay(on: boolean): void;
  data: { queue: Uint8Array[] };
}
interface BunHandlers {
  open?(socket: BunSocket): void;
  end?(socket: BunSocket): void;
  data?(socket: BunSocket, data: Uint8Array): void;
  drain?(socket: BunSocket): void;
  close?(socket: BunSocket): void;
  error?(socket: BunSocket, error: Error): void;
}
interface BunNet {
  listen(options: { hostname: string; port: number; socket: BunHandlers }): { port: number; stop(force: boolean): void };
  connect(options: { hostname: string; port: number; socket: BunHandlers }): Promise<BunSocket>;
}

/** Writes what Bun's socket takes now and queues the rest for its drain handler. */
function bunWrite(socket: BunSocket, data: Uint8Array): boolean {
  const queue = socket.data.queue;
  if (queue.length > 0) {
    queue.push(data.slice());
    return false;
  }
  const written = socket.write(data);
  if (written < data.byteLength) {
    queue.push(data.slice(Math.max(written, 0)));
    return false;
  }
  return true;
}

function bunFlush(socket: BunSocket): void {
  const queue = socket.data.queue;
  while (queue.length > 0) {
    const written = socket.write(queue[0]);
    if (written < queue[0].byteLength) {
      queue[0] = queue[0].subarray(Math.max(written, 0));
      return;
    }
    queue.shift();
  }
}

function bunWork(Bun: BunNet): NetWork {
  const echoHandlers: BunHandlers = {
    open: (s) => {
      s.data = { queue: [] };
      s.setNoDelay(true);
    },
    data: (s, d) => void bunWrite(s, d),
    drain: bunFlush,
  };
  return {
    async echo(chunks, chunkSize) {
      const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: echoHandlers });
      const total = chunks * chunkSize;
      let received = 0;
      let wake: (() => void) | null = null;
      const { promise: done, resolve: finished } = Promise.withResolvers<void>();
      const client = await Bun.connect({
        hostname: "127.0.0.1",
        port: server.port,
        socket: {
          open: (s) => (s.data = { queue: [] }),
          data: (_s, d) => {
            received += d.byteLength;
            if (received >= total) finished();
          },
          drain: (s) => {
            bunFlush(s);
            if (s.data.queue.length === 0 && wake !== null) {
              const w = wake;
              wake = null;
              w();
            }
          },
        },
      });
      const chunk = new Uint8Array(chunkSize);
      for (let i = 0; i < chunks; i++) {
        if (!bunWrite(client, chunk)) await new Promise<void>((resolve) => (wake = resolve));
      }
      await done;
      client.end();
      server.stop(true);
      return received;
    },
    async roundTrips(n) {
      const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: echoHandlers });
      let reply: (() => void) | null = null;
      const client = await Bun.connect({
        hostname: "127.0.0.1",
        port: server.port,
        socket: {
          open: (s) => (s.data = { queue: [] }),
          data: () => reply?.(),
          drain: bunFlush,
        },
      });
      client.setNoDelay(true);
      const byte = new Uint8Array(1);
      let replies = 0;
      for (let i = 0; i < n; i++) {
        const answered = new Promise<void>((resolve) => (reply = resolve));
        bunWrite(client, byte);
        await answered;
        replies++;
      }
      client.end();
      server.stop(true);
      return replies;
    },
    async accepts(n, parallel) {
      let accepted = 0;
      const server = Bun.listen({
        hostname: "127.0.0.1",
        port: 0,
        socket: {
          open: (s) => {
            accepted++;
            s.end();
          },
          data: () => {},
        },
      });
      let next = 0;
      const worker = async () => {
        while (next < n) {
          next++;
          const { promise: ended, resolve } = Promise.withResolvers<void>();
          const socket = await Bun.connect({
            hostname: "127.0.0.1",
            port: server.port,
            socket: { data: () => {}, end: () => resolve(), close: () => resolve() },
          });
          await ended;
          socket.end();
        }
      };
      await Promise.all(Array.from({ length: parallel }, worker));
      server.stop(true);
      return accepted;
    },
  };
}

/** The raw API of the runtime running the bench. */
export function rawNet(): NetWork {
  const g = globalThis as unknown as { Deno: DenoNet; Bun: BunNet };
  switch (runtimeName()) {
    case "deno":
      return denoWork(g.Deno);
    case "bun":
      return bunWork(g.Bun);
    default:
      return nodeWork;
  }
}
