/**
 * The encoding side of text streams: options, an incremental decoder over the web
 * standard TextDecoder, and string encoders (TextEncoder for UTF-8).
 *
 * @module
 */
import { checkOptions } from "../sync/checks.ts";

/**
 * What a text stream does with bytes it cannot decode, or a string it cannot encode:
 * `"strict"` raises a TypeError (the default, as in AnyIO); `"replace"` puts U+FFFD
 * (the replacement character) in its place.
 *
 * @example
 * ```ts
 * import { type TextErrors, TextReceiveStream, createMemoryObjectStream } from "structio";
 *
 * const errors: TextErrors = "replace";
 * const [, receive] = createMemoryObjectStream<Uint8Array>();
 * const text = new TextReceiveStream(receive, { errors });
 * ```
 */
export type TextErrors = "strict" | "replace";

/**
 * Options of the text streams.
 *
 * @example
 * ```ts
 * import { createMemoryObjectStream, TextReceiveStream, type TextStreamOptions } from "structio";
 *
 * const options: TextStreamOptions = { encoding: "utf-16le", errors: "replace" };
 * const [, receive] = createMemoryObjectStream<Uint8Array>();
 * const text = new TextReceiveStream(receive, options);
 * console.log(text.encoding); // "utf-16le"
 * ```
 */
export interface TextStreamOptions {
  /**
   * The character encoding, by any WHATWG Encoding label the runtime's TextDecoder
   * knows ("utf-8", "utf8", "utf-16le", "latin1", "shift_jis"...). Default "utf-8".
   * Sending can encode "utf-8", "utf-16le" and "utf-16be" only (TextEncoder itself
   * knows UTF-8 only).
   */
  readonly encoding?: string;
  /** What to do with text that cannot be decoded or encoded. Default "strict". */
  readonly errors?: TextErrors;
}

/** Options after checking: the canonical encoding name and the error mode. */
export interface CheckedTextOptions {
  readonly encoding: string;
  readonly errors: TextErrors;
}

/**
 * Checks text stream options and resolves the encoding label to its canonical name
 * (as TextDecoder does: "utf8" and "UTF-8" are "utf-8", "latin1" is "windows-1252").
 *
 * @throws {TypeError} if `options` is not an object, `encoding` not a string or
 *   `errors` not a string.
 * @throws {RangeError} if the encoding is unknown or `errors` is not a known mode.
 */
export function checkTextOptions(options: TextStreamOptions | undefined): CheckedTextOptions {
  const { encoding: label = "utf-8", errors = "strict" } = checkOptions(options);
  if (typeof label !== "string") throw new TypeError(`encoding must be a string, not ${typeof label}`);
  if (typeof errors !== "string") throw new TypeError(`errors must be a string, not ${typeof errors}`);
  if (errors !== "strict" && errors !== "replace") {
    throw new RangeError(`errors must be "strict" or "replace", not ${JSON.stringify(errors)}`);
  }
  let encoding: string;
  try {
    encoding = new TextDecoder(label).encoding;
  } catch (err) {
    throw new RangeError(`encoding ${JSON.stringify(label)} is not supported`, { cause: err });
  }
  return { encoding, errors };
}

/**
 * The type of a TextDecoder instance. The global is a web standard on every runtime,
 * but this project's type libraries (es2024 plus Node's) declare only its value.
 */
type Decoder = InstanceType<typeof TextDecoder>;

/**
 * Decodes a byte stream chunk by chunk: a character whose bytes are split across
 * chunks is held back until its last byte arrives (TextDecoder with `stream: true`).
 *
 * A byte order mark is kept as U+FEFF rather than stripped (`ignoreBOM: true`), as
 * Python's codecs do, so decoding is lossless and the chunking cannot matter.
 *
 * @internal
 */
export class IncrementalDecoder {
  readonly #encoding: string;
  readonly #fatal: boolean;
  #decoder: Decoder;

  constructor({ encoding, errors }: CheckedTextOptions) {
    this.#encoding = encoding;
    this.#fatal = errors === "strict";
    this.#decoder = this.#make();
  }

  /**
   * The characters completed by `chunk` (maybe none: ""), or with `chunk` undefined,
   * whatever is held back, once the stream ended (a truncated character is an error, or
   * U+FFFD with "replace").
   *
   * @throws {TypeError} in strict mode, for bytes that are not valid in the encoding.
   *   The decoder then starts afresh: the bytes of the failed chunk, and a partial
   *   character held back from before it, are dropped.
   */
  decode(chunk: Uint8Array | undefined): string {
    try {
      return chunk === undefined ? this.#decoder.decode() : this.#decoder.decode(chunk, { stream: true });
    } catch (err) {
      // After a fatal error the decoder's state is not defined alike everywhere, so a
      // fresh one makes what follows the same on every runtime.
      this.#decoder = this.#make();
      const what = chunk === undefined ? "the stream ended inside a character" : "the received bytes are not valid";
      throw new TypeError(`${what} (encoding ${this.#encoding})`, { cause: err });
    }
  }

  /** Forgets a partial character held back. */
  reset(): void {
    this.#decoder = this.#make();
  }

  #make(): Decoder {
    return new TextDecoder(this.#encoding, { fatal: this.#fatal, ignoreBOM: true });
  }
}

/** The encodings text streams can send, by canonical name. */
const ENCODERS: Readonly<Record<string, (text: string) => Uint8Array>> = {
  "utf-8": (text) => new TextEncoder().encode(text),
  "utf-16le": (text) => encodeUtf16(text, true),
  "utf-16be": (text) => encodeUtf16(text, false),
};

/**
 * The encoder for a checked encoding and error mode. A string with a lone surrogate
 * (half of a UTF-16 pair) has no encoding in any Unicode form: strict mode rejects it
 * before anything is sent; "replace" sends U+FFFD in its place (what TextEncoder
 * does on its own).
 *
 * @throws {RangeError} if the encoding cannot be sent.
 * @internal
 */
export function makeEncoder({ encoding, errors }: CheckedTextOptions): (text: string) => Uint8Array {
  const encode = ENCODERS[encoding];
  if (encode === undefined) {
    throw new RangeError(`encoding ${encoding} cannot be sent: use utf-8, utf-16le or utf-16be`);
  }
  return (text) => {
    if (!text.isWellFormed()) {
      if (errors === "strict") {
        throw new TypeError(`the text to send has a lone surrogate, which ${encoding} cannot encode`);
      }
      text = text.toWellFormed();
    }
    return encode(text);
  };
}

/** `text` (well formed) as UTF-16 code units in the given byte order, without a BOM. */
function encodeUtf16(text: string, littleEndian: boolean): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < text.length; i++) view.setUint16(i * 2, text.charCodeAt(i), littleEndian);
  return bytes;
}
