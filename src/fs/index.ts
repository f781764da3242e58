/**
 * Files and paths: open files (`openFile`, `AsyncFile`), byte streams over files,
 * `Path` (an async pathlib), and temporary files and directories.
 *
 * @example
 * ```ts
 * import { createTemporaryDirectory } from "structio";
 *
 * await using tmp = await createTemporaryDirectory();
 * const notes = tmp.path.join("notes.txt");
 * await notes.writeText("hello\n");
 * console.log(await notes.readText()); // "hello\n"
 * ```
 *
 * @module
 */
export { AsyncFile } from "./async-file.ts";
export { FileStreamAttribute } from "./file-attributes.ts";
export { FileReadStream } from "./file-read-stream.ts";
export { FileWriteStream, type FileWriteStreamOptions } from "./file-write-stream.ts";
export { openFile, type OpenFileOptions } from "./open-file.ts";
export type { OpenBinaryMode, OpenMode, OpenTextMode } from "./open-mode.ts";
export {
  type CopyOptions,
  type FileKind,
  type FileStat,
  type MkdirOptions,
  Path,
  type ReadTextOptions,
  type TouchOptions,
  type WalkEntry,
  type WalkOptions,
} from "./path.ts";
export type { PathLike } from "./path-like.ts";
export {
  createTemporaryDirectory,
  gettempdir,
  mkdtemp,
  TemporaryDirectory,
  type TemporaryDirectoryOptions,
  type TemporaryNameOptions,
} from "./temp.ts";
export {
  NamedTemporaryFile,
  type NamedTemporaryFileOptions,
  openNamedTemporaryFile,
  openTemporaryFile,
  type TemporaryBinaryMode,
  type TemporaryFileOptions,
  type TemporaryTextMode,
} from "./temp-file.ts";
