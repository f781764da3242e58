/**
 * Helpers of the subprocess tests: text and bytes, temporary directories, fixture
 * commands, and reading a process's output.
 */
import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runtimeCommand } from "../harness/helpers.ts";
import { getBackend } from "../../src/index.ts";
import type { ByteReceiveStream } from "../../src/streams/types.ts";
import { assertBytes, concat, pattern } from "../harness/bytes.ts";

export { assertBytes, concat, pattern };

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
export const str = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Receives everything until end of stream. */
export async function receiveAll(stream: ByteReceiveStream): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return all;
}

/** A temporary directory (real path, symlinks resolved), removed when disposed. */
export function tempDir(): { path: string; [Symbol.dispose](): void } {
  const path = realpathSync(mkdtempSync(join(tmpdir(), "structio-process-")));
  return { path, [Symbol.dispose]: () => rmSync(path, { recursive: true, force: true }) };
}

/** The command that runs fixture `name` (test/process/fixtures/<name>.ts) on this runtime. */
export function fixture(name: string, ...args: string[]): string[] {
  const path = fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url));
  return [...runtimeCommand(), path, ...args];
}

/** The name of the backend the test runs with, for fixtures that must use the same. */
export function backendName(): string {
  return getBackend().name;
}

/** The session id in a /proc/<pid>/stat line (the 6th field; the name in parentheses may hold spaces). */
export function sessionOf(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[3]);
}

/** This process's session id. */
export function ownSession(): number {
  return sessionOf(readFileSync("/proc/self/stat", "utf8"));
}
