/**
 * Argument checks shared by the synchronisation primitives. Bad arguments are a
 * TypeError (wrong type) or a RangeError (right type, value out of range) naming the
 * argument, raised at the call.
 *
 * @module
 * @internal
 */
import { currentScope } from "../core/context.ts";
import type { TaskHandle } from "../core/task.ts";

/** Throws a TypeError unless `value` is a function. */
export function checkFunction(value: unknown, name: string): void {
  if (typeof value !== "function") throw new TypeError(`${name} must be a function, not ${typeof value}`);
}

/** Returns `options` as an object (`{}` when undefined); throws a TypeError otherwise. */
export function checkOptions<T extends object>(options: T | undefined): Partial<T> {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
  return options;
}

/** Returns `value`, or `fallback` when undefined; throws a TypeError unless boolean. */
export function checkBoolean(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw new TypeError(`${name} must be a boolean, not ${typeof value}`);
  return value;
}

/**
 * Returns `value` if it is a whole number >= `min`, or (when `infinite` is allowed)
 * `Infinity`. Not a number is a TypeError; NaN, fractions, negatives and out-of-range
 * values are a RangeError.
 */
export function checkCount(value: unknown, name: string, min: number, infinite: boolean): number {
  if (typeof value !== "number") throw new TypeError(`${name} must be a number, not ${typeof value}`);
  if (infinite && value === Infinity) return value;
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`${name} must be a whole number${infinite ? " or Infinity" : ""}, not ${value}`);
  }
  if (value < min) throw new RangeError(`${name} must be >= ${min}, not ${value}`);
  return value;
}

/** The task that calls: the owner a lock records, the borrower a limiter lends to. */
export function currentTask(): TaskHandle<unknown> {
  return currentScope()._task!;
}
