/**
 * The deno backend's files operations: `Deno.open` and the `Deno.FsFile` it returns.
 * An FsFile keeps its position in the kernel, as a file descriptor does, and has a
 * native `seek`, so every {@link RawFile} method is one FsFile call. Deno's errors
 * carry the POSIX name as `code` (ENOENT, EEXIST, EISDIR, …), which the front end
 * relies on; the few that do not get it from their errno (deno-file-errors.ts).
 *
 * @module
 */
import { withPosixCode } from "./deno-file-errors.ts";
import type { FileBackend, OpenFlags, RawFile, RawFileStat } from "./files.ts";

/** The slice of `Deno.FsFile` this backend uses (declared here: no Deno type package). */
interface DenoFsFile {
  read(buffer: Uint8Array): Promise<number | null>;
  write(data: Uint8Array): Promise<number>;
  /** `whence` is Deno.SeekMode: 0 Start, 1 Current, 2 End (the POSIX values). */
  seek(offset: number, whence: 0 | 1 | 2): Promise<number>;
  truncate(size?: number): Promise<void>;
  sync(): Promise<void>;
  stat(): Promise<{ size: number; isFile: boolean; isDirectory: boolean; mtime: Date | null }>;
  close(): void;
}

interface DenoOpenOptions {
  read: boolean;
  write: boolean;
  append: boolean;
  create: boolean;
  createNew: boolean;
  truncate: boolean;
  mode: number;
}

interface DenoFilesNamespace {
  open(path: string, options: DenoOpenOptions): Promise<DenoFsFile>;
}

function deno(): DenoFilesNamespace {
  const ns = (globalThis as { Deno?: DenoFilesNamespace }).Deno;
  if (ns === undefined) throw new Error("the deno backend needs the Deno runtime");
  return ns;
}

/** A Deno.FsFile as a RawFile: the kernel keeps the position, FsFile.seek moves it. */
class DenoRawFile implements RawFile {
  readonly #file: DenoFsFile;

  constructor(file: DenoFsFile) {
    this.#file = file;
  }

  /** Deno gives no access to the descriptor of an FsFile. */
  get fd(): undefined {
    return undefined;
  }

  // Every method awaits inside try, so that an error Deno throws synchronously (a bad
  // argument) still arrives as a rejection, and every error gets its POSIX code.

  async read(buffer: Uint8Array): Promise<number> {
    try {
      // FsFile.read resolves null at end of file; 0 is what RawFile promises there.
      return (await this.#file.read(buffer)) ?? 0;
    } catch (err) {
      throw withPosixCode(err);
    }
  }

  async write(data: Uint8Array): Promise<number> {
    try {
      return await this.#file.write(data);
    } catch (err) {
      throw withPosixCode(err);
    }
  }

  async seek(offset: number, whence: 0 | 1 | 2): Promise<number> {
    try {
      return await this.#file.seek(offset, whence);
    } catch (err) {
      throw withPosixCode(err);
    }
  }

  tell(): Promise<number> {
    return this.seek(0, 1);
  }

  async truncate(size: number): Promise<void> {
    try {
      await this.#file.truncate(size);
    } catch (err) {
      throw withPosixCode(err);
    }
  }

  async sync(): Promise<void> {
    try {
      await this.#file.sync();
    } catch (err) {
      throw withPosixCode(err);
    }
  }

  async stat(): Promise<RawFileStat> {
    let info;
    try {
      info = await this.#file.stat();
    } catch (err) {
      throw withPosixCode(err);
    }
    return {
      size: info.size,
      kind: info.isFile ? "file" : info.isDirectory ? "directory" : "other",
      mtimeMs: info.mtime === null ? null : info.mtime.getTime(),
    };
  }

  async close(): Promise<void> {
    try {
      this.#file.close();
    } catch (err) {
      throw withPosixCode(err);
    }
  }
}

/** Builds the deno backend's FileBackend. */
export function createDenoFiles(): FileBackend {
  return {
    async open(path: string, flags: OpenFlags, mode: number): Promise<RawFile> {
      let file: DenoFsFile;
      try {
        file = await deno().open(path, {
          read: flags.read,
          write: flags.write || flags.append,
          append: flags.append,
          create: flags.create && !flags.exclusive,
          createNew: flags.exclusive,
          truncate: flags.truncate,
          mode,
        });
      } catch (err) {
        throw withPosixCode(err);
      }
      if (flags.append) {
        // O_APPEND moves the position to the end only at each write; start there too, as
        // the node backend and Python do. A pipe has no position to move: leave it.
        try {
          await file.seek(0, 2);
        } catch (err) {
          if ((withPosixCode(err) as { code?: unknown }).code !== "ESPIPE") {
            file.close();
            throw err;
          }
        }
      }
      return new DenoRawFile(file);
    },
  };
}
