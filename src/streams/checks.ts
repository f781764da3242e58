/**
 * Argument checks shared by the stream wrappers. Bad arguments are a TypeError (wrong
 * type) or a RangeError (right type, value out of range) naming the argument, raised at
 * the call, before anything is received or sent.
 *
 * @module
 * @internal
 */
import { checkCount } from "../sync/checks.ts";

/** What `receive()` asks a byte stream for when the caller gives no `maxBytes`. */
export const DEFAULT_MAX_BYTES = 65536;

/** Returns `maxBytes` if it is a whole number >= 1; a TypeError or RangeError otherwise. */
export function checkMaxBytes(maxBytes: unknown, name = "maxBytes"): number {
  return checkCount(maxBytes, name, 1, false);
}

/** Throws a TypeError unless `value` is a Uint8Array (a Node Buffer is one). */
export function checkBytes(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`${name} must be a Uint8Array, not ${describe(value)}`);
  }
}

/**
 * Throws a TypeError unless `buffer` is a Uint8Array, and a RangeError if it has no room
 * for a byte: the check of a `receiveInto(buffer)`, which must receive at least one.
 */
export function checkIntoBuffer(buffer: unknown): asserts buffer is Uint8Array {
  checkBytes(buffer, "buffer");
  if (buffer.byteLength === 0) throw new RangeError("buffer must have room for at least 1 byte, not 0");
}

/**
 * Throws a TypeError unless `value` is an object with each of `methods`: the check a
 * wrapper makes on the stream it is given, so a wrong argument fails at construction
 * rather than at the first receive.
 */
export function checkStream(value: unknown, name: string, methods: readonly string[]): void {
  if (typeof value !== "object" || value === null) {
    throw new TypeError(`${name} must be a stream, not ${describe(value)}`);
  }
  for (const method of methods) {
    if (typeof (value as Record<string, unknown>)[method] !== "function") {
      throw new TypeError(`${name} must be a stream with a ${method}() method`);
    }
  }
}

/** A short description of a value's type for messages: "null", "an array", "number"... */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return (value as object).constructor?.name ?? "object";
  return typeof value;
}
