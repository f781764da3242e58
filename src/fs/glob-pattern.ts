/**
 * Glob patterns as pathlib reads them, segment by segment: `*` matches any characters
 * within a segment, `?` one character, `[abc]`, `[a-z]` and `[!abc]` (or `[^abc]`) one
 * character of (or not of) a set, and a whole segment `**` any number of segments.
 * Wildcards match names starting with "." too (as in pathlib, unlike a shell).
 * Matching is case-sensitive, as on POSIX filesystems.
 *
 * @module
 * @internal
 */

/** One segment of a pattern. */
export type PatternSegment =
  | { readonly kind: "literal"; readonly text: string }
  | { readonly kind: "wildcard"; readonly text: string; readonly regex: RegExp }
  | { readonly kind: "recursive" };

/** Whether `segment` has a wildcard character. */
export function hasWildcard(segment: string): boolean {
  return /[*?[]/.test(segment);
}

const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/]/g;

function escapeRegex(text: string): string {
  return text.replace(REGEX_SPECIAL, "\\$&");
}

/**
 * Translates one segment's wildcards into a regular expression source. A `[` without a
 * closing `]` is a literal `[`; a `]` right after `[` (or `[!`) belongs to the set.
 */
function translate(segment: string): string {
  let out = "";
  let i = 0;
  while (i < segment.length) {
    const char = segment[i++];
    if (char === "*") {
      // Runs of "*" (including a "**" inside a segment) match like one "*".
      while (segment[i] === "*") i++;
      out += "[^/]*";
    } else if (char === "?") {
      out += "[^/]";
    } else if (char === "[") {
      let j = i;
      if (segment[j] === "!" || segment[j] === "^") j++;
      if (segment[j] === "]") j++;
      while (j < segment.length && segment[j] !== "]") j++;
      if (j >= segment.length) {
        out += "\\[";
        continue;
      }
      let set = segment.slice(i, j);
      i = j + 1;
      const negate = set.startsWith("!") || set.startsWith("^");
      if (negate) set = set.slice(1);
      // Inside a class only "\", "]" and "^" need escaping; "-" keeps its range meaning.
      const body = set.replace(/[\\\]^]/g, "\\$&");
      out += negate ? `[^/${body}]` : `[${body}]`;
    } else {
      out += escapeRegex(char);
    }
  }
  return out;
}

/**
 * Compiles one pattern segment. `recursive` says whether a whole "**" means any number
 * of segments. Throws a RangeError naming `argName` for a set with a reversed range
 * (`[z-a]`).
 */
export function compileSegment(segment: string, recursive: boolean, argName: string): PatternSegment {
  if (recursive && segment === "**") return { kind: "recursive" };
  if (!hasWildcard(segment)) return { kind: "literal", text: segment };
  let regex: RegExp;
  try {
    regex = new RegExp(`^${translate(segment)}$`, "u");
  } catch (err) {
    throw new RangeError(`${argName} has an invalid character set in ${JSON.stringify(segment)}`, { cause: err });
  }
  return { kind: "wildcard", text: segment, regex };
}

/** Whether the name `name` matches the pattern segment `segment`. */
export function matchesSegment(segment: PatternSegment, name: string): boolean {
  switch (segment.kind) {
    case "literal":
      return segment.text === name;
    case "wildcard":
      return segment.regex.test(name);
    case "recursive":
      return true;
  }
}

/**
 * Whether the segments `parts` match the pattern segments `pattern` from first to
 * last; a recursive segment matches any number of parts (zero included).
 */
export function matchParts(pattern: readonly PatternSegment[], parts: readonly string[]): boolean {
  // Classic wildcard matching with backtracking to the last "**" only: linear-ish and
  // never exponential, since each "**" only needs to remember one restart point.
  let p = 0;
  let s = 0;
  let starP = -1;
  let starS = 0;
  while (s < parts.length) {
    const segment = pattern[p];
    if (p < pattern.length && segment.kind === "recursive") {
      starP = p++;
      starS = s;
    } else if (p < pattern.length && matchesSegment(segment, parts[s])) {
      p++;
      s++;
    } else if (starP >= 0) {
      p = starP + 1;
      s = ++starS;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p].kind === "recursive") p++;
  return p === pattern.length;
}
