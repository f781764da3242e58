/**
 * POSIX error names for Deno's file errors. Deno puts the name in `code` for most
 * errors (ENOENT, EEXIST, EISDIR, EINVAL, EBADF, …) but not for all: an lseek on a pipe
 * fails with "Illegal seek (os error 29)" and no `code`. This fills `code` in from the
 * errno in the message, or from the error's class, so that every file error reaches the
 * front end with its POSIX name, as the node:fs errors of the other backends do. The
 * deno backend's files and paths, and node:fs on Deno, all go through it.
 *
 * @module
 */

/** errno values 1 to 34, the same on Linux and macOS (the classic Unix numbers). */
const CLASSIC = [
  "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF", "ECHILD",
  "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV", "ENOTDIR",
  "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS",
  "EMLINK", "EPIPE", "EDOM", "ERANGE",
];

/** Larger errno values that file operations give, which differ between systems. */
const LARGER: Record<string, Record<number, string>> = {
  linux: { 36: "ENAMETOOLONG", 39: "ENOTEMPTY", 40: "ELOOP", 95: "EOPNOTSUPP", 122: "EDQUOT" },
  darwin: { 35: "EAGAIN", 45: "EOPNOTSUPP", 62: "ELOOP", 63: "ENAMETOOLONG", 66: "ENOTEMPTY", 69: "EDQUOT" },
};

/** The slice of Deno's namespace this module reads. */
interface DenoBuild {
  build: { os: string };
}

/** POSIX names for Deno's error classes, for an error whose message names no errno. */
const BY_CLASS: Readonly<Record<string, string>> = {
  NotFound: "ENOENT",
  AlreadyExists: "EEXIST",
  PermissionDenied: "EACCES",
  IsADirectory: "EISDIR",
  NotADirectory: "ENOTDIR",
  FilesystemLoop: "ELOOP",
  Busy: "EBUSY",
  Interrupted: "EINTR",
  WouldBlock: "EAGAIN",
  TimedOut: "ETIMEDOUT",
  InvalidData: "EINVAL",
  NotSupported: "ENOTSUP",
};

/**
 * Returns `err` with a POSIX `code`: unchanged if it has one already, else with `code`
 * set from the "(os error N)" in its message or, failing that, from its class
 * (NotFound → ENOENT, …). An error that tells neither passes unchanged (the front end
 * then passes it on as it is).
 */
export function withPosixCode(err: unknown): unknown {
  if (!(err instanceof Error) || typeof (err as { code?: unknown }).code === "string") return err;
  const errno = Number(err.message.match(/\(os error (\d+)\)/)?.[1]);
  const os = (globalThis as { Deno?: DenoBuild }).Deno?.build.os ?? "linux";
  const code = !Number.isInteger(errno)
    ? BY_CLASS[err.name]
    : errno >= 1 && errno <= CLASSIC.length
    ? CLASSIC[errno - 1]
    : LARGER[os]?.[errno] ?? BY_CLASS[err.name];
  if (code !== undefined) Object.defineProperty(err, "code", { value: code, configurable: true, writable: true });
  return err;
}
