/**
 * Turns an error into text for a report, members of error groups included.
 *
 * @module
 */

/** Formats `err` with its stack, its cause and, for groups, every member, indented. */
export function formatError(err: unknown, indent = ""): string {
  if (!(err instanceof Error)) return indent + String(err);
  const head = (err.stack ?? `${err.name}: ${err.message}`)
    .split("\n")
    .map((line) => indent + line)
    .join("\n");
  const parts = [head];
  if (err instanceof AggregateError) {
    err.errors.forEach((member, i) => {
      parts.push(`${indent}  [${i + 1}/${err.errors.length}]`);
      parts.push(formatError(member, indent + "    "));
    });
  }
  if (err.cause !== undefined) {
    parts.push(`${indent}  caused by:`);
    parts.push(formatError(err.cause, indent + "    "));
  }
  return parts.join("\n");
}
