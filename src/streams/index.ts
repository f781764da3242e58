/**
 * Streams: the stream interfaces and memory object streams.
 *
 * @example
 * ```ts
 * import { createMemoryObjectStream } from "structio";
 *
 * const [send, receive] = createMemoryObjectStream<number>(1);
 * await send.send(1);
 * console.log(await receive.receive()); // 1
 * ```
 *
 * @module
 */
export type {
  AnyByteReceiveStream,
  AnyByteSendStream,
  AnyByteStream,
  AsyncResource,
  ByteReceiveStream,
  ByteSendStream,
  ByteStream,
  Listener,
  ObjectReceiveStream,
  ObjectSendStream,
  ObjectStream,
} from "./types.ts";
export { createMemoryObjectStream } from "./memory-object-stream.ts";
export { MemoryObjectReceiveStream } from "./memory-receive-stream.ts";
export { MemoryObjectSendStream } from "./memory-send-stream.ts";
export type { MemoryObjectStreamStatistics } from "./memory-state.ts";
