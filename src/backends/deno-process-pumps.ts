/**
 * Files as a child's standard streams on the deno backend.
 *
 * Deno.Command connects a child's stdin, stdout and stderr only to a new pipe, to the
 * parent's own stream, or to /dev/null: it cannot hand the child a descriptor. So for a
 * file the backend makes a pipe and copies through it: from the file into the child's
 * stdin, or from the child's stdout or stderr into the file. A file opened with
 * structio's files API is read and written through its Deno.FsFile; a descriptor
 * number through node:fs, since Deno has no API of its own that reads or writes a
 * descriptor (node:fs descriptors are the system's on Deno).
 *
 * @module
 */
import { fstatSync, read, write } from "node:fs";
import type { RawFile } from "./files.ts";

function swallow(): void {}

/** What a copy needs of a file: reads and writes at its current position. */
export interface PumpFile {
  read(buffer: Uint8Array): Promise<number>;
  write(data: Uint8Array): Promise<number>;
}

/** A copy running in the background: `done` resolves (never rejects) once it stopped. */
export interface Pump {
  readonly done: Promise<void>;
  /** Stops the copy early (the child exited). */
  stop(): void;
}

/** Descriptor `fd` as a {@link PumpFile}, through node:fs. */
function fdFile(fd: number): PumpFile {
  return {
    read: (buffer) =>
      new Promise((resolve, reject) =>
        read(fd, buffer, 0, buffer.byteLength, null, (err, n) => err ? reject(err) : resolve(n))
      ),
    write: (data) =>
      new Promise((resolve, reject) =>
        write(fd, data, 0, data.byteLength, null, (err, n) => err ? reject(err) : resolve(n))
      ),
  };
}

/** The file behind a `{ fd }` or `{ file }` setting. */
export function pumpFile(setting: { readonly fd: number } | { readonly file: RawFile }): PumpFile {
  return "fd" in setting ? fdFile(setting.fd) : setting.file;
}

/**
 * Checks that a file can feed a child's stdin on the deno backend: a regular file,
 * which a copy reads to its end without ever blocking. A pipe, socket or terminal could
 * block a read for ever, and Deno cannot interrupt a read in progress.
 */
export async function checkFileForStdin(setting: { readonly fd: number } | { readonly file: RawFile }): Promise<void> {
  let regular: boolean;
  if ("fd" in setting) {
    try {
      regular = fstatSync(setting.fd).isFile();
    } catch (err) {
      throw Object.assign(new Error(`descriptor ${setting.fd} is not open`), { code: "EBADF", cause: err });
    }
  } else {
    regular = (await setting.file.stat()).kind === "file";
  }
  if (!regular) {
    const what = "fd" in setting ? `descriptor ${setting.fd}` : "this file";
    throw new TypeError(
      `the deno backend can give a child's stdin only a regular file, not ${what}: Deno.Command cannot pass a ` +
        `descriptor, so the file is copied through a pipe (send the data through "pipe", or use the node backend)`,
    );
  }
}

/**
 * Copies what the child writes to `stream` (its stdout or stderr pipe) into `file`, at
 * the file's current position, until the child closes the pipe. If the file fails, the
 * pipe is closed, so the child gets EPIPE as it would writing to the failed file itself.
 */
export function pumpToFile(stream: ReadableStream<Uint8Array>, file: PumpFile): Pump {
  const reader = stream.getReader();
  const done = (async () => {
    try {
      while (true) {
        const { done: end, value } = await reader.read();
        if (end) return;
        let offset = 0;
        while (offset < value.byteLength) offset += await file.write(value.subarray(offset));
      }
    } catch {
      await reader.cancel().catch(swallow);
    }
  })();
  return { done, stop: () => void reader.cancel().catch(swallow) };
}

/**
 * Copies `file` (a regular file, from its current position) into the child's stdin,
 * then closes the pipe so the child reads end of file. A child that exits (or closes
 * its stdin) early makes a write fail, which ends the copy.
 */
export function pumpFromFile(file: PumpFile, stream: WritableStream<Uint8Array>): Pump {
  const writer = stream.getWriter();
  let stopped = false;
  const done = (async () => {
    try {
      while (!stopped) {
        const buffer = new Uint8Array(65536);
        const n = await file.read(buffer);
        if (n === 0 || stopped) break;
        await writer.write(buffer.subarray(0, n));
      }
      if (!stopped) await writer.close();
    } catch {
      // The child closed its end (EPIPE), or the file failed: nothing more to copy.
    }
    await writer.abort().catch(swallow);
  })();
  return {
    done,
    stop: () => {
      stopped = true;
      writer.abort().catch(swallow);
    },
  };
}
