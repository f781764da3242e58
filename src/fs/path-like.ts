/**
 * What every file and path function accepts as a path.
 *
 * @module
 */

/**
 * @internal The key under which a {@link Path} holds its path string, so that functions
 * taking a {@link PathLike} read it without importing the Path class.
 */
export const PATH_STRING: unique symbol = Symbol("structio.Path");

/**
 * A path: a string, a `file:` URL, or a structio `Path`.
 *
 * @example
 * ```ts
 * import { openFile, type PathLike } from "structio";
 *
 * async function firstLine(path: PathLike): Promise<string> {
 *   await using file = await openFile(path, "r");
 *   return await file.readLine();
 * }
 * ```
 */
export type PathLike = string | URL | { readonly [PATH_STRING]: string };

/**
 * @internal The path string of `path`, validated: a non-empty string without NUL
 * bytes. Throws a TypeError naming `name` otherwise, or for a URL that is not `file:`.
 */
export function toPathString(path: PathLike, name: string): string {
  let text: string;
  if (typeof path === "string") text = path;
  else if (path instanceof URL) text = fileUrlToPath(path, name);
  else if (typeof path === "object" && path !== null && typeof path[PATH_STRING] === "string") text = path[PATH_STRING];
  else throw new TypeError(`${name} must be a string, a file: URL or a Path, not ${describe(path)}`);
  if (text === "") throw new TypeError(`${name} must not be empty`);
  if (text.includes("\0")) throw new TypeError(`${name} must not contain NUL bytes`);
  return text;
}

/** The POSIX path of a `file:` URL (percent-decoded; a host other than localhost is refused). */
function fileUrlToPath(url: URL, name: string): string {
  if (url.protocol !== "file:") throw new TypeError(`${name} must be a file: URL, not a ${url.protocol} URL`);
  if (url.hostname !== "" && url.hostname !== "localhost") {
    throw new TypeError(`${name} must be a local file: URL, not one on host ${url.hostname}`);
  }
  if (/%2f/i.test(url.pathname)) throw new TypeError(`${name} must not contain an encoded "/" (%2F)`);
  return decodeURIComponent(url.pathname);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return `an object (${Object.prototype.toString.call(value)})`;
  return `${typeof value} ${String(value)}`;
}
