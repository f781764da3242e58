/**
 * Synchronisation primitives: events, locks, semaphores, conditions, capacity limiters
 * and resource guards. Every blocking call is a checkpoint, every queue is FIFO, and a
 * hand-over to a waiter is never lost or duplicated by a cancellation.
 *
 * @example
 * ```ts
 * import { Event, Lock, withTaskGroup } from "structio";
 *
 * const lock = new Lock();
 * const done = new Event();
 * await withTaskGroup(async (tg) => {
 *   tg.startSoon(() => lock.withLock(() => done.set()));
 *   await done.wait();
 * });
 * ```
 *
 * @module
 */
export { CapacityLimiter, type CapacityLimiterStatistics } from "./capacity-limiter.ts";
export { Condition, type ConditionStatistics } from "./condition.ts";
export { Event, type EventStatistics } from "./event.ts";
export { Lock, type LockOptions, type LockStatistics } from "./lock.ts";
export { ResourceGuard } from "./resource-guard.ts";
export { Semaphore, type SemaphoreOptions, type SemaphoreStatistics } from "./semaphore.ts";
