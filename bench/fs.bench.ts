/**
 * The files suite: writing and reading back a file in 64 KiB chunks, and copying a
 * 1 GiB file, through structio (on the runtime's own backend, and on the node:*
 * backend) against the runtime's raw API doing the same work (bench/raw-fs.ts). Each
 * case checks that every byte arrived.
 *
 * The files live in one temporary directory per process, removed when it exits, on
 * /dev/shm (a RAM file system) where there is one: on a disk, the kernel writing back
 * the gigabyte the previous contender wrote slows down the next one, which measured the
 * disk's mood rather than the API's cost (the same contender varied by a third).
 *
 * @module
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { openFile, Path, run, type RuntimeName } from "../src/index.ts";
import { type BenchCase, expectCount, type ThroughputCase } from "./harness.ts";
import { rawFs } from "./raw-fs.ts";

const SUITE = "files";
const CHUNK = 65536;
const GIB = 1 << 30;

let directory: string | undefined;
/** This process's scratch directory, made on first use and removed at exit. */
function scratch(name: string): string {
  if (directory === undefined) {
    const made = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "structio-bench-"));
    directory = made;
    process.on("exit", () => rmSync(made, { recursive: true, force: true }));
  }
  return join(directory, name);
}

/**
 * The write-read file's path, with no file there: every batch creates the file anew.
 * (Bun's FileSink opens without O_TRUNC, so over a file left by the previous batch it
 * would only overwrite pages that exist, which costs half as much as making them.)
 */
function freshWriteReadPath(): string {
  const path = scratch("write-read.bin");
  rmSync(path, { force: true });
  return path;
}

/** The 1 GiB file to copy, written by the copy case's setup. */
function copySource(): string {
  return scratch("source.bin");
}

/** Writes the file to copy, once per process, before any batch (see ThroughputCase.setup). */
function writeCopySource(): Promise<void> {
  const block = new Uint8Array(64 << 20).fill(7);
  writeFileSync(copySource(), new Uint8Array(0));
  for (let written = 0; written < GIB; written += block.byteLength) writeFileSync(copySource(), block, { flag: "a" });
  return Promise.resolve();
}

function structioWriteRead(backend: RuntimeName | undefined) {
  return async (count: number) => {
    const chunks = Math.floor(count);
    const path = freshWriteReadPath();
    const received = await run(async () => {
      const chunk = new Uint8Array(CHUNK);
      {
        await using out = await openFile(path, "wb");
        for (let i = 0; i < chunks; i++) await out.write(chunk);
      }
      // One buffer for every read, as the baselines do (readInto, AnyIO's readinto).
      await using input = await openFile(path, "rb");
      const buffer = new Uint8Array(CHUNK);
      let total = 0;
      for (let n; (n = await input.readInto(buffer)) > 0;) total += n;
      return total;
    }, { backend });
    expectCount("bytes read back", received, chunks * CHUNK);
  };
}

function structioCopy(backend: RuntimeName | undefined) {
  return async (count: number) => {
    const from = copySource();
    const to = scratch("copy.bin");
    for (let i = 0; i < count; i++) {
      rmSync(to, { force: true });
      await run(() => new Path(from).copy(to), { backend });
      expectCount("bytes copied", statSync(to).size, GIB);
    }
  };
}

const raw = rawFs();

const writeRead: ThroughputCase = {
  kind: "throughput",
  suite: SUITE,
  name: "file-write-read-64k",
  count: GIB / CHUNK, // 1 GiB
  unit: "64 KiB chunk written, then read back",
  impls: {
    async baseline(count) {
      const chunks = Math.floor(count);
      expectCount("bytes read back", await raw.writeRead(freshWriteReadPath(), chunks, CHUNK), chunks * CHUNK);
    },
    structio: structioWriteRead(undefined),
    "structio-node": structioWriteRead("node"),
  },
};

const copy: ThroughputCase = {
  kind: "throughput",
  suite: SUITE,
  name: "file-copy-1g",
  // One copy a batch, for every contender: consecutive copies of a gigabyte get slower
  // as the VM reclaims memory, so a batch of four costs more per copy than a batch of
  // two, which made contenders given different batch sizes incomparable.
  count: 1,
  unit: "1 GiB file copied",
  setup: writeCopySource,
  impls: {
    async baseline(count) {
      const from = copySource();
      const to = scratch("copy.bin");
      for (let i = 0; i < count; i++) {
        rmSync(to, { force: true });
        await raw.copy(from, to);
        expectCount("bytes copied", statSync(to).size, GIB);
      }
    },
    structio: structioCopy(undefined),
    "structio-node": structioCopy("node"),
  },
};

export const fsCases: readonly BenchCase[] = [writeRead, copy];
