/**
 * The typed attributes of file streams. AnyIO's `FileStreamAttribute`.
 *
 * @module
 */
import { type TypedAttribute, typedAttribute, typedAttributeSet } from "../streams/typed-attributes.ts";
import type { AsyncFile } from "./async-file.ts";

/**
 * What a {@link FileReadStream} or {@link FileWriteStream} knows about its file, looked
 * up with `stream.extra(...)` (also through wrappers such as a buffered or text stream).
 * `fileno` is provided only where the runtime exposes file descriptors: the node and
 * bun backends do, the deno backend does not.
 *
 * @example
 * ```ts
 * import { FileReadStream, FileStreamAttribute } from "structio";
 *
 * await using stream = await FileReadStream.fromPath("data.bin");
 * console.log(stream.extra(FileStreamAttribute.path)); // "data.bin"
 * console.log(stream.extra(FileStreamAttribute.fileno, "no descriptor"));
 * ```
 */
export const FileStreamAttribute = typedAttributeSet("FileStreamAttribute", {
  /** The open file the stream reads or writes (binary mode). */
  file: typedAttribute<AsyncFile<Uint8Array>>(),
  /** The path the file was opened with. */
  path: typedAttribute<string>(),
  /** The file descriptor (node and bun backends only). */
  fileno: typedAttribute<number>(),
});

/** @internal The {@link FileStreamAttribute}s of a stream over `file`. */
export function fileStreamAttributes(file: AsyncFile<Uint8Array>): Map<TypedAttribute<unknown>, () => unknown> {
  const map = new Map<TypedAttribute<unknown>, () => unknown>([
    [FileStreamAttribute.file, () => file],
    [FileStreamAttribute.path, () => file.path],
  ]);
  const fd = file._raw.fd;
  if (fd !== undefined) map.set(FileStreamAttribute.fileno, () => fd);
  return map;
}
