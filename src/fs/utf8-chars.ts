/**
 * Counting characters in UTF-8 bytes and in strings, for text-mode files, whose
 * `read(size)` and `write()` count characters (Unicode code points, as Python does), not
 * bytes or UTF-16 units: a character outside the Basic Multilingual Plane (an emoji) is
 * one character, never split into two halves of a surrogate pair.
 *
 * @module
 * @internal
 */

/** Whether `byte` continues a UTF-8 sequence (10xxxxxx) rather than starting a character. */
function isContinuation(byte: number): boolean {
  return (byte & 0xc0) === 0x80;
}

/** How many bytes the UTF-8 sequence starting with `lead` has (1 for an invalid lead). */
function sequenceLength(lead: number): number {
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  if (lead >= 0xe0) return lead <= 0xef ? 3 : 1;
  if (lead >= 0xc2) return 2;
  return 1;
}

/**
 * Where the first `count` characters of `bytes` end: the byte index at which character
 * `count + 1` starts, or `bytes.byteLength` if `bytes` holds exactly `count` characters
 * and the last one is complete. Returns -1 when `bytes` holds fewer complete characters
 * than `count` (more bytes are needed, or at end of file, all of them are taken).
 *
 * A character is counted at its lead byte, so an incomplete sequence at the end is
 * never counted as complete, and invalid bytes count one character each (the decoder
 * turns each into U+FFFD, or refuses them in strict mode).
 */
export function endOfChars(bytes: Uint8Array, count: number): number {
  let seen = 0;
  let lastLead = -1;
  for (let i = 0; i < bytes.byteLength; i++) {
    if (isContinuation(bytes[i])) continue;
    if (seen === count) return i;
    seen++;
    lastLead = i;
  }
  if (seen < count) return -1;
  // Exactly `count` characters start here: the last must also end here.
  if (lastLead >= 0 && lastLead + sequenceLength(bytes[lastLead]) > bytes.byteLength) return -1;
  return bytes.byteLength;
}

/** How many characters start in `bytes` (lead bytes; continuation bytes are not counted). */
export function charsIn(bytes: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < bytes.byteLength; i++) if (!isContinuation(bytes[i])) count++;
  return count;
}

/** How many characters (code points) `text` has: a surrogate pair counts once. */
export function codePointCount(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}
