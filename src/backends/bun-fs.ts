/**
 * The bun backend's filesystem operations. Bun's native file API covers whole files:
 * Bun.file(path).bytes() and .stat() read, Bun.write() writes. Everything else (lstat,
 * directories, links, renames, chmod, copies, temporary directories, cwd, home, tmpdir)
 * has no native Bun API, so it goes through node:fs, node:os and node:process, which
 * are Bun's own implementations; those pieces are imported from node-fs.ts.
 *
 * Not used from Bun's API, on purpose: Bun.file(path).exists() is false for a
 * directory, and Bun.write(to, Bun.file(from)) neither keeps the permission bits nor
 * checks that the source is a file before creating the destination.
 *
 * @module
 */
import type { Stats } from "node:fs";
import { existsVia, type FsBackend } from "./fs.ts";
import { createNodeFs, fromNodeStats, nodeWriteFile } from "./node-fs.ts";

/** The slice of Bun's API used here (declared here: the project has no bun-types). */
interface BunFileApi {
  file(path: string): {
    bytes(): Promise<Uint8Array>;
    stat(): Promise<Stats>;
  };
  write(path: string, data: Uint8Array, options: { createPath: boolean }): Promise<number>;
}

function bunFiles(): BunFileApi {
  const ns = (globalThis as { Bun?: BunFileApi }).Bun;
  if (ns === undefined) throw new Error("the bun backend needs the Bun runtime");
  return ns;
}

/** Builds the bun backend's FsBackend. */
export function createBunFs(): FsBackend {
  const bun = bunFiles();
  const node = createNodeFs();
  const stat = async (path: string) => fromNodeStats(await bun.file(path).stat());
  return {
    ...node,
    stat,
    exists: (path, followSymlinks) => followSymlinks ? existsVia(() => bun.file(path).stat()) : node.exists(path, false),
    readFile: (path) => bun.file(path).bytes(),
    writeFile: async (path, data, options) => {
      // Bun.write replaces a file's content; appending, O_EXCL and a mode for a new
      // file are not among its options, so those go through node:fs. createPath: false,
      // because Bun.write would otherwise make missing parent directories.
      if (options.append || options.exclusive || options.mode !== undefined) {
        await nodeWriteFile(path, data, options);
      } else {
        await bun.write(path, data, { createPath: false });
      }
    },
  };
}
