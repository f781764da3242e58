/**
 * Signal names and numbers for subprocesses: the numbers differ between platforms
 * (SIGUSR1 is 10 on Linux, 30 on macOS), and runtimes report a child's terminating
 * signal by name while Python-style return codes need its number.
 *
 * node:os has the platform's table on all three runtimes (Deno and Bun have no native
 * one), so every backend uses it.
 *
 * @module
 */
import { constants } from "node:os";

const numbers = constants.signals as Readonly<Record<string, number>>;

/**
 * The number of signal `name` ("SIGTERM") on this platform, or undefined for a name it
 * does not know. Aliases (SIGIOT, SIGPOLL) count as names.
 */
export function signalNumberOf(name: string): number | undefined {
  return Object.hasOwn(numbers, name) ? numbers[name] : undefined;
}

/**
 * The usual name of signal number `n` on this platform (SIGABRT rather than its alias
 * SIGIOT: the table lists the usual name first), or undefined for an unknown number.
 */
export function signalNameOf(n: number): string | undefined {
  for (const name in numbers) if (numbers[name] === n) return name;
  return undefined;
}

/**
 * A Python-style return code: the exit code, or `-n` when signal `n` ended the process.
 * A signal name the table lacks (it should not happen) counts as a plain failure, -1.
 */
export function returncodeOf(code: number | null, signal: string | null): number {
  if (signal !== null) return -(signalNumberOf(signal) ?? 1);
  return code ?? -1;
}
