/**
 * The net suite's raw Deno echo (4096 chunks of 64 KiB over loopback) with the server's
 * read buffer handled in different ways, to price what structio's `receive()` contract
 * (a fresh buffer per chunk, owned by the caller) costs on Deno with no structio at all.
 * Prints `median X µs per chunk` over 5 runs, for scripts/alternate.ts:
 *
 * - `reuse`: one read buffer for the whole run, as the suite's baseline does;
 * - `fresh`: a new 64 KiB buffer per read, as `receive()` must hand out;
 * - `slice`: one read buffer, each read copied out with `slice()` before it is written;
 * - `copy`: one read buffer copied into one reused staging buffer before each write
 *   (what a `send()` that copies into memory of its own would cost).
 *
 * ```sh
 * D="node_modules/.bin/deno run -A bench/probes/deno-echo-buffers.ts"
 * node_modules/.bin/node scripts/alternate.ts --rounds 7 "reuse=$D reuse" "fresh=$D fresh" "copy=$D copy"
 * ```
 *
 * @module
 */
import process from "node:process";
import { median } from "../harness.ts";
import { type DenoConn, type DenoNet, writeAll } from "../raw-net.ts";

const CHUNK = 65536;
const CHUNKS = 4096;

const Deno = (globalThis as { Deno?: DenoNet }).Deno;
if (Deno === undefined) throw new Error("deno-echo-buffers.ts runs on Deno only");

const servers: Record<string, (conn: DenoConn) => Promise<void>> = {
  async reuse(conn) {
    const buffer = new Uint8Array(CHUNK);
    for (let n; (n = await conn.read(buffer).catch(() => null)) !== null;) await writeAll(conn, buffer.subarray(0, n));
  },
  async fresh(conn) {
    for (;;) {
      const buffer = new Uint8Array(CHUNK);
      const n = await conn.read(buffer).catch(() => null);
      if (n === null) return;
      await writeAll(conn, buffer.subarray(0, n));
    }
  },
  async slice(conn) {
    const buffer = new Uint8Array(CHUNK);
    for (let n; (n = await conn.read(buffer).catch(() => null)) !== null;) await writeAll(conn, buffer.slice(0, n));
  },
  async copy(conn) {
    const buffer = new Uint8Array(CHUNK);
    const staging = new Uint8Array(CHUNK);
    for (let n; (n = await conn.read(buffer).catch(() => null)) !== null;) {
      staging.set(buffer.subarray(0, n));
      await writeAll(conn, staging.subarray(0, n));
    }
  },
};

const name = process.argv.at(-1) ?? "";
const serve = servers[name];
if (serve === undefined) throw new Error(`usage: deno-echo-buffers.ts <${Object.keys(servers).join("|")}>`);
const samples: number[] = [];
for (let run = 0; run < 5; run++) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const serving = listener.accept().then(async (conn) => {
    await serve(conn);
    conn.close();
  });
  const client = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  client.setNoDelay(true);
  const start = performance.now();
  const reading = (async () => {
    const buffer = new Uint8Array(CHUNK);
    let received = 0;
    while (received < CHUNK * CHUNKS) {
      const n = await client.read(buffer);
      if (n === null) break;
      received += n;
    }
    return received;
  })();
  const chunk = new Uint8Array(CHUNK);
  for (let i = 0; i < CHUNKS; i++) await writeAll(client, chunk);
  const received = await reading;
  if (received !== CHUNK * CHUNKS) throw new Error(`expected ${CHUNK * CHUNKS} bytes, got ${received}`);
  samples.push(((performance.now() - start) * 1000) / CHUNKS);
  client.close();
  await serving;
  listener.close();
}
console.log(`${name} median ${median(samples).toFixed(2)} µs per chunk`);
