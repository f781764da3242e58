/**
 * Argument checks shared by the networking front ends: a bad argument is reported at the
 * call, naming it, before anything touches the network.
 *
 * @module
 */
import { checkCount } from "../sync/checks.ts";

/** Checks that `value` is a non-empty string (a host name or IP literal). */
export function checkHost(value: unknown, name: string): string {
  if (typeof value !== "string") throw new TypeError(`${name} must be a string, not ${typeof value}`);
  if (value === "") throw new TypeError(`${name} must not be empty`);
  return value;
}

/** Checks that `value` is a port: a whole number from `min` (0 or 1) to 65535. */
export function checkPort(value: unknown, name: string, min: 0 | 1): number {
  if (typeof value !== "number") throw new TypeError(`${name} must be a number, not ${typeof value}`);
  if (!Number.isInteger(value) || value < min || value > 65535) {
    throw new RangeError(`${name} must be a whole number from ${min} to 65535, not ${value}`);
  }
  return value;
}

/** Checks that `value` is a non-empty string naming a socket file. */
export function checkPath(value: unknown, name: string): string {
  if (typeof value !== "string") throw new TypeError(`${name} must be a string, not ${typeof value}`);
  if (value === "") throw new TypeError(`${name} must not be empty`);
  if (value.includes("\0")) throw new TypeError(`${name} must not contain a NUL character`);
  return value;
}

/** Checks an optional address family option. */
export function checkFamily(value: unknown, name: string): "IPv4" | "IPv6" | undefined {
  if (value === undefined || value === "IPv4" || value === "IPv6") return value;
  throw new TypeError(`${name} must be "IPv4", "IPv6" or undefined, not ${JSON.stringify(value)}`);
}

/** Checks a listen backlog: a whole number >= 1. */
export function checkBacklog(value: unknown): number {
  return checkCount(value, "backlog", 1, false);
}
