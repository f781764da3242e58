/**
 * The baselines of the files suite: the same work as structio's cases, written with the
 * raw file API of the runtime running the bench (node:fs/promises on Node, Deno.open on
 * Deno, Bun.file and its FileSink on Bun), as a careful user of that API would write it.
 *
 * @module
 */
import { open } from "node:fs/promises";
import { copyFile } from "node:fs/promises";
import { runtimeName } from "./harness.ts";

/** The work every implementation of the files suite does. */
export interface FsWork {
  /**
   * Writes `chunks` chunks of `chunkSize` bytes to a new file at `path`, closes it,
   * then reads it back in chunks of `chunkSize`; resolves with the bytes read.
   */
  writeRead(path: string, chunks: number, chunkSize: number): Promise<number>;
  /** Copies the file at `from` to `to`. */
  copy(from: string, to: string): Promise<void>;
}

const nodeWork: FsWork = {
  async writeRead(path, chunks, chunkSize) {
    const chunk = new Uint8Array(chunkSize);
    const out = await open(path, "w");
    try {
      for (let i = 0; i < chunks; i++) {
        // FileHandle.write may write less than asked: write the rest.
        let done = 0;
        while (done < chunkSize) done += (await out.write(chunk, done, chunkSize - done)).bytesWritten;
      }
    } finally {
      await out.close();
    }
    const input = await open(path, "r");
    const buffer = new Uint8Array(chunkSize);
    let total = 0;
    try {
      while (true) {
        const { bytesRead } = await input.read(buffer, 0, chunkSize);
        if (bytesRead === 0) break;
        total += bytesRead;
      }
    } finally {
      await input.close();
    }
    return total;
  },
  copy: (from, to) => copyFile(from, to),
};

interface DenoFile {
  write(data: Uint8Array): Promise<number>;
  read(buffer: Uint8Array): Promise<number | null>;
  close(): void;
}
interface DenoFs {
  open(path: string, options: { read?: boolean; write?: boolean; create?: boolean; truncate?: boolean }): Promise<DenoFile>;
  copyFile(from: string, to: string): Promise<void>;
}

function denoWork(Deno: DenoFs): FsWork {
  return {
    async writeRead(path, chunks, chunkSize) {
      const chunk = new Uint8Array(chunkSize);
      const out = await Deno.open(path, { write: true, create: true, truncate: true });
      try {
        for (let i = 0; i < chunks; i++) {
          let done = 0;
          while (done < chunkSize) done += await out.write(chunk.subarray(done));
        }
      } finally {
        out.close();
      }
      const input = await Deno.open(path, { read: true });
      const buffer = new Uint8Array(chunkSize);
      let total = 0;
      try {
        while (true) {
          const n = await input.read(buffer);
          if (n === null) break;
          total += n;
        }
      } finally {
        input.close();
      }
      return total;
    },
    copy: (from, to) => Deno.copyFile(from, to),
  };
}

interface BunFileSink {
  write(data: Uint8Array): number | Promise<number>;
  end(): number | Promise<number>;
}
interface BunFile {
  writer(options?: { highWaterMark?: number }): BunFileSink;
  stream(chunkSize?: number): ReadableStream<Uint8Array>;
}
interface BunNs {
  file(path: string): BunFile;
  write(to: BunFile, from: BunFile): Promise<number>;
}

function bunWork(Bun: BunNs): FsWork {
  return {
    async writeRead(path, chunks, chunkSize) {
      const chunk = new Uint8Array(chunkSize);
      const sink = Bun.file(path).writer({ highWaterMark: chunkSize });
      // A FileSink buffers and returns a promise when it flushes: await it, so memory
      // stays bounded.
      for (let i = 0; i < chunks; i++) await sink.write(chunk);
      await sink.end();
      let total = 0;
      for await (const piece of Bun.file(path).stream(chunkSize)) total += piece.byteLength;
      return total;
    },
    async copy(from, to) {
      await Bun.write(Bun.file(to), Bun.file(from));
    },
  };
}

/** The raw file work of the runtime running the bench. */
export function rawFs(): FsWork {
  const g = globalThis as { Deno?: DenoFs; Bun?: BunNs };
  switch (runtimeName()) {
    case "deno":
      return denoWork(g.Deno!);
    case "bun":
      return bunWork(g.Bun!);
    default:
      return nodeWork;
  }
}
