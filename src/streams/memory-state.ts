/**
 * The state shared by every clone of both ends of one memory object stream: the buffer,
 * the queues of parked senders and receivers, and the count of open ends. All hand-overs
 * happen here, synchronously, so they can be reasoned about one step at a time.
 *
 * @module
 */
import type { Parked } from "../core/checkpoint.ts";
import { BrokenResourceError, ClosedResourceError, EndOfStream } from "../core/errors.ts";
import { Fifo } from "./fifo.ts";
import { WaitQueue, WaitQueueNode } from "../core/wait-queue.ts";

/**
 * A snapshot of a memory object stream, from `statistics()` on either end.
 *
 * @example
 * ```ts
 * import { createMemoryObjectStream } from "structio";
 *
 * const [send, receive] = createMemoryObjectStream<number>(4);
 * send.sendNowait(1);
 * const stats = receive.statistics();
 * console.log(stats.currentBufferUsed, stats.maxBufferSize); // 1 4
 * console.log(stats.openSendStreams, stats.openReceiveStreams); // 1 1
 * ```
 */
export interface MemoryObjectStreamStatistics {
  /** Items in the buffer now. */
  readonly currentBufferUsed: number;
  /** How many items the buffer holds at most (`Infinity` for no limit). */
  readonly maxBufferSize: number;
  /** Send ends (the original and its clones) not closed yet. */
  readonly openSendStreams: number;
  /** Receive ends (the original and its clones) not closed yet. */
  readonly openReceiveStreams: number;
  /** Tasks parked in `send()`, waiting for room or a receiver. */
  readonly tasksWaitingSend: number;
  /** Tasks parked in `receive()`, waiting for an item. */
  readonly tasksWaitingReceive: number;
}

/**
 * A task parked in a blocking call, queued in the same synchronous step as it parked (so
 * it is registered for cancellation for as long as it is queued).
 */
class Waiter<V> extends WaitQueueNode {
  /** The end the task called on; closing that end wakes the task. */
  readonly owner: object;
  readonly parked: Parked<V>;

  constructor(owner: object, parked: Parked<V>) {
    super();
    this.owner = owner;
    this.parked = parked;
  }

  /** The hand-over: leaves the queue and wakes the task with `value`, in one step. */
  grant(value: V): void {
    this._queue?.remove(this);
    this.parked.resolve(value);
  }

  /** Leaves the queue and wakes the task with `err`. */
  fail(err: unknown): void {
    this._queue?.remove(this);
    this.parked.reject(err);
  }
}

/** A task parked in `send()`, with the item it offers. */
class SendWaiter<T> extends Waiter<void> {
  readonly item: T;

  constructor(owner: object, item: T, parked: Parked<void>) {
    super(owner, parked);
    this.item = item;
  }
}

/**
 * What a send end may do with the shared state. `T` appears only as an input here, so
 * the send end can be contravariant in `T` (a send end for `number | string` serves
 * where one for `number` is expected) while the state itself is invariant.
 *
 * @internal
 *
 * @example
 * ```ts
 * const side: SendSide<number> = new MemoryObjectStreamState<number>(0);
 * ```
 */
export interface SendSide<in T> {
  /** Counts a new send end. */
  sendEndOpened(): void;
  offer(item: T): boolean;
  waitToSend(owner: object, item: T, parked: Parked<void>): void;
  closeSendEnd(end: object): void;
  statistics(): MemoryObjectStreamStatistics;
}

/**
 * What a receive end may do with the shared state. `T` appears only as an output, so
 * the receive end can be covariant in `T`.
 *
 * @internal
 *
 * @example
 * ```ts
 * const side: ReceiveSide<number> = new MemoryObjectStreamState<number>(0);
 * ```
 */
export interface ReceiveSide<out T> {
  /** Counts a new receive end. */
  receiveEndOpened(): void;
  readonly canTake: boolean;
  take(): T;
  readonly openSendStreams: number;
  waitToReceive(owner: object, parked: Parked<T>): void;
  closeReceiveEnd(end: object): void;
  statistics(): MemoryObjectStreamStatistics;
}

/**
 * The shared state of a memory object stream.
 *
 * Invariants, kept by every method below (each runs synchronously, so no other task can
 * observe a half-done step):
 *
 * 1. Receivers wait only when there is nothing to take: if `waitingReceivers` is not
 *    empty, the buffer and `waitingSenders` are empty and a send end is open. An item
 *    that arrives goes straight to the longest-waiting receiver, so it can never sit in
 *    the buffer while a receiver waits.
 * 2. Senders wait only when the buffer is full: if `waitingSenders` is not empty, the
 *    buffer holds `maxBufferSize` items, no receiver waits and a receive end is open.
 *    Taking an item from the buffer moves the longest-waiting sender's item in behind
 *    the others, so the buffer stays full while senders wait and their items keep order.
 * 3. Every queued waiter is parked (its Parked unsettled and registered with its cancel
 *    scope) and its owner end is open. A waiter is queued in the same synchronous step
 *    as it parks, and leaves the queue in the same step as it is granted, failed or
 *    cancelled (Parked.onCancel removes it). So a receiver whose scope is cancelled is
 *    never handed an item (the next in line gets it), and a sender whose scope is
 *    cancelled before the hand-over leaves no item behind.
 * 4. With no receive end open the buffer is empty: nobody could ever take those items.
 *
 * From 1 and 2, nobody can barge: a `sendNowait` finds the buffer full whenever a sender
 * waits, and a `receiveNowait` finds nothing whenever a receiver waits, so both raise
 * WouldBlock rather than overtake a waiter.
 *
 * @internal
 *
 * @example
 * ```ts
 * const state = new MemoryObjectStreamState<string>(1);
 * state.sendEndOpened();
 * state.receiveEndOpened();
 * state.offer("x"); // true: buffered
 * console.log(state.canTake, state.take()); // true "x"
 * ```
 */
export class MemoryObjectStreamState<T> implements SendSide<T>, ReceiveSide<T> {
  readonly maxBufferSize: number;
  readonly buffer: Fifo<T> = new Fifo<T>();
  readonly waitingSenders: WaitQueue<SendWaiter<T>> = new WaitQueue<SendWaiter<T>>();
  readonly waitingReceivers: WaitQueue<Waiter<T>> = new WaitQueue<Waiter<T>>();
  openSendStreams = 0;
  openReceiveStreams = 0;

  constructor(maxBufferSize: number) {
    this.maxBufferSize = maxBufferSize;
  }

  sendEndOpened(): void {
    this.openSendStreams++;
  }

  receiveEndOpened(): void {
    this.openReceiveStreams++;
  }

  /**
   * Delivers `item` without waiting: to the longest-waiting receiver, else into the
   * buffer if it has room. Returns false, changing nothing, when the sender must wait.
   *
   * @throws {BrokenResourceError} when every receive end is closed.
   */
  offer(item: T): boolean {
    if (this.openReceiveStreams === 0) {
      throw new BrokenResourceError("every receive end of the memory object stream is closed");
    }
    const receiver = this.waitingReceivers.first;
    if (receiver !== null) {
      // The hand-over: from here the item belongs to that receiver, even if it is
      // cancelled before it runs again (completion wins).
      receiver.grant(item);
      return true;
    }
    if (this.buffer.size < this.maxBufferSize) {
      this.buffer.push(item);
      return true;
    }
    return false;
  }

  /** Whether {@link take} has an item to return. */
  get canTake(): boolean {
    return this.buffer.size > 0 || this.waitingSenders.size > 0;
  }

  /**
   * Takes the next item: the front of the buffer, or in a rendezvous (empty buffer) the
   * longest-waiting sender's item. Either way the longest-waiting sender is released,
   * and its send has then completed. Only call it when {@link canTake} is true.
   */
  take(): T {
    const sender = this.waitingSenders.first;
    if (this.buffer.size > 0) {
      const item = this.buffer.shift();
      if (sender !== null) {
        // Invariant 2: the buffer was full, so this refills the slot just freed.
        this.buffer.push(sender.item);
        sender.grant();
      }
      return item;
    }
    // Invariant 2: with an empty buffer, senders wait only in a rendezvous.
    sender!.grant();
    return sender!.item;
  }

  /**
   * Queues a parked sender, with the item it offers, behind the others. Only call it
   * from the setup of `parkUntil()` (so the task is registered for cancellation), in the
   * same synchronous step as {@link offer} returned false (so invariant 2 holds).
   */
  waitToSend(owner: object, item: T, parked: Parked<void>): void {
    const waiters = this.waitingSenders;
    const waiter = new SendWaiter<T>(owner, item, parked);
    waiters.push(waiter);
    // A cancellation before the hand-over takes the item back out: nothing is left behind.
    parked.onCancel = () => waiters.remove(waiter);
  }

  /**
   * Queues a parked receiver behind the others. Only call it from the setup of
   * `parkUntil()`, in the same synchronous step as finding nothing to take and a send
   * end open (so invariant 1 holds).
   */
  waitToReceive(owner: object, parked: Parked<T>): void {
    const waiters = this.waitingReceivers;
    const waiter = new Waiter<T>(owner, parked);
    waiters.push(waiter);
    // A cancellation before the hand-over leaves the queue at once, so no item is ever
    // handed to a receiver that will not return it.
    parked.onCancel = () => waiters.remove(waiter);
  }

  /**
   * A send end was closed: wakes the tasks parked on it with ClosedResourceError (their
   * items were never handed over) and, once no send end is left, wakes every receiver
   * with EndOfStream. Receivers not parked keep draining the buffer first.
   */
  closeSendEnd(end: object): void {
    this.openSendStreams--;
    for (const waiter of this.waitingSenders.toArray()) {
      if (waiter.owner === end) waiter.fail(new ClosedResourceError("the send end was closed while sending"));
    }
    if (this.openSendStreams > 0) return;
    // Invariant 1: receivers wait only on an empty buffer, so nothing is left for them.
    for (const waiter of this.waitingReceivers.toArray()) waiter.fail(new EndOfStream());
  }

  /**
   * A receive end was closed: wakes the tasks parked on it with ClosedResourceError and,
   * once no receive end is left, wakes every sender with BrokenResourceError (their
   * items were never taken) and drops the buffer, which nobody could ever read.
   */
  closeReceiveEnd(end: object): void {
    this.openReceiveStreams--;
    for (const waiter of this.waitingReceivers.toArray()) {
      if (waiter.owner === end) waiter.fail(new ClosedResourceError("the receive end was closed while receiving"));
    }
    if (this.openReceiveStreams > 0) return;
    for (const waiter of this.waitingSenders.toArray()) {
      waiter.fail(new BrokenResourceError("every receive end of the memory object stream was closed while sending"));
    }
    this.buffer.clear();
  }

  /** A snapshot for `statistics()`. */
  statistics(): MemoryObjectStreamStatistics {
    return {
      currentBufferUsed: this.buffer.size,
      maxBufferSize: this.maxBufferSize,
      openSendStreams: this.openSendStreams,
      openReceiveStreams: this.openReceiveStreams,
      tasksWaitingSend: this.waitingSenders.size,
      tasksWaitingReceive: this.waitingReceivers.size,
    };
  }
}
