/**
 * Several listeners served as one. AnyIO's `MultiListener`.
 *
 * @module
 */
import { type TaskGroup, withTaskGroup } from "../core/task-group.ts";
import { checkFunction } from "../sync/checks.ts";
import { type TypedAttributeMap, TypedAttributeProvider } from "../streams/typed-attributes.ts";
import type { Listener } from "../streams/types.ts";

/**
 * Combines listeners (an IPv4 and an IPv6 one on the same port, say) into one:
 * `serve(handler)` serves them all at once, and `extra()` finds the attributes of any
 * of them (the later listener's value where two provide the same attribute). Nested
 * multi-listeners are flattened.
 *
 * @example
 * ```ts
 * import { createTcpListener, MultiListener } from "structio";
 *
 * const v4 = await createTcpListener({ host: "127.0.0.1" });
 * const v6 = await createTcpListener({ host: "::1" });
 * await using both = new MultiListener([v4, v6]);
 * console.log(both.listeners.length); // 2
 * ```
 */
export class MultiListener<T> extends TypedAttributeProvider implements Listener<T> {
  /** The listeners served, flattened. */
  readonly listeners: readonly Listener<T>[];

  /**
   * @throws {TypeError} if `listeners` is not an array of listeners.
   */
  constructor(listeners: readonly Listener<T>[]) {
    super();
    if (!Array.isArray(listeners)) throw new TypeError("listeners must be an array");
    const flat: Listener<T>[] = [];
    for (const [index, listener] of listeners.entries()) {
      if (listener instanceof MultiListener) flat.push(...listener.listeners);
      else if (listener !== null && typeof listener === "object" && typeof listener.serve === "function") flat.push(listener);
      else throw new TypeError(`listeners[${index}] must be a Listener`);
    }
    this.listeners = flat;
  }

  /**
   * Serves every listener until cancelled, running `handler(connection)` for each
   * connection in `taskGroup` (or in a task group of its own).
   *
   * @throws {TypeError} if `handler` is not a function.
   */
  async serve(handler: (connection: T) => unknown, taskGroup?: TaskGroup): Promise<void> {
    checkFunction(handler, "handler");
    await withTaskGroup(async (tg) => {
      for (const listener of this.listeners) tg.startSoon(() => listener.serve(handler, taskGroup ?? tg));
    });
  }

  /**
   * Closes every listener, also when closing one fails or is cancelled (each starts
   * releasing its socket before it can raise); then raises the first error. Idempotent.
   */
  async aclose(): Promise<void> {
    let failure: { error: unknown } | undefined;
    for (const listener of this.listeners) {
      try {
        await listener.aclose();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure !== undefined) throw failure.error;
  }

  /** The same as {@link MultiListener.aclose}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }

  /** The attributes of every listener combined. */
  override get extraAttributes(): TypedAttributeMap {
    const combined = new Map<Parameters<TypedAttributeMap["get"]>[0], () => unknown>();
    for (const listener of this.listeners) {
      for (const [attribute, getter] of listener.extraAttributes) combined.set(attribute, getter);
    }
    return combined;
  }
}
