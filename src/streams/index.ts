/**
 * Streams: the stream interfaces, memory object streams, the stapled, buffered and text
 * wrappers, and typed attributes.
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
export { BufferedByteReceiveStream, BufferedByteStream } from "./buffered.ts";
export { StapledByteStream, StapledObjectStream } from "./stapled.ts";
export { TextReceiveStream, TextSendStream, TextStream } from "./text.ts";
export type { TextErrors, TextStreamOptions } from "./text-codec.ts";
export {
  TypedAttribute,
  typedAttribute,
  type TypedAttributeMap,
  TypedAttributeProvider,
  typedAttributeSet,
} from "./typed-attributes.ts";
