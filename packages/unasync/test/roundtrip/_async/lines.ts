/**
 * Lines of UTF-8 text from a stream of byte chunks.
 *
 * @module
 */

/**
 * Yields each line of `source` without its line ending (`\n` or `\r\n`). A character or
 * a line ending split between two chunks is put back together; a last line with no
 * line ending is yielded too.
 *
 * @example
 * ```ts
 * for await (const line of readLines(socket)) console.log(line);
 * ```
 */
export async function* readLines(source: AsyncIterable<Uint8Array>): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of source) {
    pending += decoder.decode(chunk, { stream: true });
    yield* takeLines(pending);
    pending = pending.slice(pending.lastIndexOf("\n") + 1);
  }
  pending += decoder.decode();
  if (pending !== "") yield pending;
}

/** The complete lines at the start of `text` (a plain generator: it twins to itself). */
function* takeLines(text: string): Generator<string, void, undefined> {
  let start = 0;
  for (let end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n", start)) {
    yield text.slice(start, text[end - 1] === "\r" ? end - 1 : end);
    start = end + 1;
  }
}

/**
 * Every line of `source`, in a list.
 *
 * @example
 * ```ts
 * const lines = await readAllLines(file);
 * ```
 */
export async function readAllLines(source: AsyncIterable<Uint8Array>): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of readLines(source)) lines.push(line);
  return lines;
}
