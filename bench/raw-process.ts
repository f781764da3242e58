/**
 * The baselines of the processes suite: the same work as structio's cases, written with
 * the raw subprocess API of the runtime running the bench (node:child_process on Node,
 * Deno.Command on Deno, Bun.spawn on Bun), as a careful user of that API would write it.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { runtimeName } from "./harness.ts";

/** The work every implementation of the processes suite does. */
export interface ProcessWork {
  /** Runs `true` `n` times, `parallel` at a time; resolves with how many exited with 0. */
  runTrue(n: number, parallel: number): Promise<number>;
  /**
   * Starts `cat`, writes `chunks` chunks of `chunkSize` bytes to its stdin (then closes
   * it) while reading its stdout; resolves with the bytes read back.
   */
  pipeCat(chunks: number, chunkSize: number): Promise<number>;
}

/** Runs `one()` `n` times, at most `parallel` at a time; resolves with how many returned true. */
export async function inParallel(n: number, parallel: number, one: () => Promise<boolean>): Promise<number> {
  let next = 0;
  let ok = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      if (await one()) ok++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, n) }, worker));
  return ok;
}

const nodeWork: ProcessWork = {
  runTrue: (n, parallel) =>
    inParallel(n, parallel, async () => {
      const child = spawn("true", [], { stdio: "ignore" });
      const [code] = await once(child, "close");
      return code === 0;
    }),
  async pipeCat(chunks, chunkSize) {
    const child = spawn("cat", [], { stdio: ["pipe", "pipe", "ignore"] });
    let total = 0;
    child.stdout!.on("data", (data: Buffer) => (total += data.byteLength));
    const closed = once(child, "close");
    const chunk = new Uint8Array(chunkSize);
    for (let i = 0; i < chunks; i++) if (!child.stdin!.write(chunk)) await once(child.stdin!, "drain");
    child.stdin!.end();
    await closed;
    return total;
  },
};

interface DenoChild {
  stdin: WritableStream<Uint8Array>;
  stdout: ReadableStream<Uint8Array>;
  status: Promise<{ code: number }>;
}
interface DenoCommand {
  spawn(): DenoChild;
}
interface DenoNs {
  Command: new (cmd: string, options: { args?: string[]; stdin?: string; stdout?: string; stderr?: string }) => DenoCommand;
}

function denoWork(Deno: DenoNs): ProcessWork {
  return {
    runTrue: (n, parallel) =>
      inParallel(n, parallel, async () => {
        const child = new Deno.Command("true", { stdin: "null", stdout: "null", stderr: "null" }).spawn();
        return (await child.status).code === 0;
      }),
    async pipeCat(chunks, chunkSize) {
      const child = new Deno.Command("cat", { stdin: "piped", stdout: "piped", stderr: "null" }).spawn();
      const reading = (async () => {
        let total = 0;
        for await (const piece of child.stdout) total += piece.byteLength;
        return total;
      })();
      const writer = child.stdin.getWriter();
      const chunk = new Uint8Array(chunkSize);
      for (let i = 0; i < chunks; i++) {
        await writer.ready;
        await writer.write(chunk);
      }
      await writer.close();
      const total = await reading;
      await child.status;
      return total;
    },
  };
}

interface BunSubprocess {
  stdin: { write(data: Uint8Array): number; flush(): number | Promise<number>; end(): number | Promise<number> };
  stdout: ReadableStream<Uint8Array>;
  exited: Promise<number>;
}
interface BunNs {
  spawn(cmd: string[], options: { stdin?: string; stdout?: string; stderr?: string }): BunSubprocess;
}

function bunWork(Bun: BunNs): ProcessWork {
  return {
    runTrue: (n, parallel) =>
      inParallel(n, parallel, async () => {
        const child = Bun.spawn(["true"], { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
        return (await child.exited) === 0;
      }),
    async pipeCat(chunks, chunkSize) {
      const child = Bun.spawn(["cat"], { stdin: "pipe", stdout: "pipe", stderr: "ignore" });
      const reading = (async () => {
        let total = 0;
        for await (const piece of child.stdout) total += piece.byteLength;
        return total;
      })();
      const chunk = new Uint8Array(chunkSize);
      // A FileSink buffers; flushing each chunk keeps memory bounded (backpressure).
      for (let i = 0; i < chunks; i++) {
        child.stdin.write(chunk);
        await child.stdin.flush();
      }
      await child.stdin.end();
      const total = await reading;
      await child.exited;
      return total;
    },
  };
}

/** The raw subprocess work of the runtime running the bench. */
export function rawProcess(): ProcessWork {
  const g = globalThis as { Deno?: DenoNs; Bun?: BunNs };
  switch (runtimeName()) {
    case "deno":
      return denoWork(g.Deno!);
    case "bun":
      return bunWork(g.Bun!);
    default:
      return nodeWork;
  }
}
