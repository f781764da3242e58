/**
 * Text edits located by syntax-tree positions, collected during the walk and applied to
 * the original text in one pass, so that everything no rule touches (comments, JSDoc,
 * blank lines, formatting) is copied byte for byte.
 *
 * @module
 */

/**
 * Replace `source.slice(start, end)` with `text` (`start === end` inserts).
 *
 * @example
 * ```ts
 * const dropAwait: Edit = { start: 10, end: 16, text: "", group: 3 };
 * ```
 */
export interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** Edits of one group are kept or dropped together (e.g. an opening and a closing paren). */
  readonly group: number;
}

/**
 * A range of the source that is copied untouched (see keep-markers.ts).
 *
 * @example
 * ```ts
 * const secondLine: TextRange = { start: 27, end: 35 };
 * ```
 */
export interface TextRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The edits of one transform. Each `add` call makes one group: a rule that needs two
 * edits to stay consistent (delete `Promise<` and its `>`, or an opening and a closing
 * parenthesis) passes both in one call, so that a pass-through marker never keeps one
 * half and applies the other.
 *
 * @example
 * ```ts
 * const edits = new EditList();
 * edits.add({ start: 0, end: 6, text: "" }); // drop "async "
 * applyEdits("async function f() {}", edits.sorted(), []); // "function f() {}"
 * ```
 */
export class EditList {
  readonly #edits: Edit[] = [];
  #groups = 0;

  /** Adds the edits of one group. */
  add(...edits: ReadonlyArray<Omit<Edit, "group">>): void {
    const group = this.#groups++;
    for (const edit of edits) this.#edits.push({ ...edit, group });
  }

  /** The edits in text order. Equal starts keep their insertion order (the sort is stable). */
  sorted(): Edit[] {
    return this.#edits.sort((a, b) => a.start - b.start);
  }
}

/** Whether `edit` touches `range` (an insertion touches the range if it lies inside or on its bounds). */
function touches(edit: Edit, range: TextRange): boolean {
  if (edit.start === edit.end) return range.start <= edit.start && edit.start <= range.end;
  return edit.start < range.end && edit.end > range.start;
}

/**
 * Applies `edits` (sorted by start, as {@link EditList.sorted} returns them) to `text`,
 * except every group that touches one of the `kept` ranges.
 *
 * @throws {Error} if two edits overlap: the rules are written so that they never do,
 *   and silently picking one would produce wrong code.
 *
 * @example
 * ```ts
 * applyEdits("await x;", [{ start: 0, end: 6, text: "", group: 0 }], []); // "x;"
 * ```
 */
export function applyEdits(text: string, edits: readonly Edit[], kept: readonly TextRange[]): string {
  const dropped = droppedGroups(edits, kept);
  const parts: string[] = [];
  let at = 0;
  for (const edit of edits) {
    if (dropped.has(edit.group)) continue;
    if (edit.start < at) {
      throw new Error(`unasync internal error: overlapping edits at offset ${edit.start}`);
    }
    parts.push(text.slice(at, edit.start), edit.text);
    at = edit.end;
  }
  parts.push(text.slice(at));
  return parts.join("");
}

/** The groups with an edit that touches a kept range. One pass: edits and ranges are both in text order. */
function droppedGroups(edits: readonly Edit[], kept: readonly TextRange[]): Set<number> {
  const dropped = new Set<number>();
  const ranges = disjoint(kept);
  let next = 0;
  for (const edit of edits) {
    // Ranges that end before this edit starts end before every later edit starts too.
    while (next < ranges.length && ranges[next]!.end < edit.start) next++;
    for (let i = next; i < ranges.length && ranges[i]!.start <= edit.end; i++) {
      if (touches(edit, ranges[i]!)) dropped.add(edit.group);
    }
  }
  return dropped;
}

/** `ranges` sorted, with overlapping or adjacent ranges merged. */
function disjoint(ranges: readonly TextRange[]): TextRange[] {
  const merged: TextRange[] = [];
  for (const range of [...ranges].sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1];
    if (last !== undefined && range.start <= last.end) {
      merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, range.end) };
    } else {
      merged.push(range);
    }
  }
  return merged;
}
