/**
 * Helpers for the tests of the stream wrappers: bytes from strings, memory object
 * streams preloaded with chunks, and tiny byte streams that honour `maxBytes`, record
 * what they were asked for, and provide typed attributes.
 *
 * @module
 */
import { checkpoint, ClosedResourceError, createMemoryObjectStream, EndOfStream } from "../../src/index.ts";
import {
  type ByteReceiveStream,
  type ByteSendStream,
  type MemoryObjectReceiveStream,
  type MemoryObjectSendStream,
  type TypedAttributeMap,
  TypedAttributeProvider,
} from "../../src/streams/index.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** `bytes` decoded as UTF-8, for readable comparisons. */
export function str(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** A Uint8Array of the given byte values. */
export function bytes(...values: number[]): Uint8Array {
  return new Uint8Array(values);
}

/**
 * A memory object stream of byte chunks with room for everything: `chunks` (strings are
 * UTF-8 encoded) are already in it, and the send end is closed when `end` is true.
 */
export function chunkStream(
  chunks: readonly (string | Uint8Array)[],
  { end = false }: { end?: boolean } = {},
): [MemoryObjectSendStream<Uint8Array>, MemoryObjectReceiveStream<Uint8Array>] {
  const [send, receive] = createMemoryObjectStream<Uint8Array>(Infinity);
  for (const chunk of chunks) send.sendNowait(typeof chunk === "string" ? utf8(chunk) : chunk);
  if (end) send.close();
  return [send, receive];
}

/**
 * A ByteReceiveStream over a memory object stream of chunks: returns at most
 * `maxBytes` of the current chunk and keeps the rest, records every `maxBytes` it was
 * asked for, and provides `attributes`.
 */
export class TestByteReceiveStream extends TypedAttributeProvider implements ByteReceiveStream {
  readonly requests: number[] = [];
  readonly #source: MemoryObjectReceiveStream<Uint8Array>;
  readonly #attributes: TypedAttributeMap;
  #pending: Uint8Array | undefined;

  constructor(source: MemoryObjectReceiveStream<Uint8Array>, attributes: TypedAttributeMap = new Map()) {
    super();
    this.#source = source;
    this.#attributes = attributes;
  }

  async receive(maxBytes = 65536): Promise<Uint8Array> {
    this.requests.push(maxBytes);
    let chunk = this.#pending;
    this.#pending = undefined;
    if (chunk === undefined) {
      chunk = await this.#source.receive();
    } else {
      await checkpoint();
    }
    if (chunk.byteLength > maxBytes) {
      this.#pending = chunk.subarray(maxBytes);
      chunk = chunk.subarray(0, maxBytes);
    }
    return chunk;
  }

  async aclose(): Promise<void> {
    this.#source.close();
  }

  get closed(): boolean {
    return this.#source.statistics().openReceiveStreams === 0;
  }

  override get extraAttributes(): TypedAttributeMap {
    return this.#attributes;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    while (true) {
      try {
        yield await this.receive();
      } catch (err) {
        if (err instanceof EndOfStream) return;
        throw err;
      }
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }
}

/**
 * A ByteSendStream that collects what is sent. `closeHook` runs inside `aclose()` after
 * the stream is marked closed: a test can make closing fail or checkpoint there.
 */
export class TestByteSendStream extends TypedAttributeProvider implements ByteSendStream {
  readonly sent: Uint8Array[] = [];
  closed = false;
  readonly #attributes: TypedAttributeMap;
  readonly #closeHook: (() => Promise<void>) | undefined;

  constructor(attributes: TypedAttributeMap = new Map(), closeHook?: () => Promise<void>) {
    super();
    this.#attributes = attributes;
    this.#closeHook = closeHook;
  }

  /** Everything sent, as one UTF-8 string. */
  get text(): string {
    return this.sent.map(str).join("");
  }

  async send(data: Uint8Array): Promise<void> {
    await checkpoint();
    if (this.closed) throw new ClosedResourceError("the test send stream is closed");
    this.sent.push(data.slice());
  }

  async aclose(): Promise<void> {
    this.closed = true;
    await this.#closeHook?.();
  }

  override get extraAttributes(): TypedAttributeMap {
    return this.#attributes;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }
}
