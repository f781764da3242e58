/**
 * runProcess on every backend: output capture, input, check and CalledProcessError,
 * shell strings against argument arrays, env, cwd, stderr merged into stdout, inherit
 * and ignore, files as standard streams, large outputs, sessions and cancellation. In
 * the spirit of AnyIO's test_subprocesses.py.
 */
import assert from "node:assert/strict";
import { closeSync, existsSync, openSync, readFileSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import process from "node:process";
import { describe, test } from "../harness/registry.ts";
import { thrownBy } from "../harness/helpers.ts";
import { CancelScope, isCancelled, OSError, withTaskGroup } from "../../src/index.ts";
import { CalledProcessError } from "../../src/core/errors.ts";
import { CompletedProcess, runProcess } from "../../src/process/index.ts";
import { openFile } from "../../src/fs/open-file.ts";
import { assertBytes, backendName, fixture, ownSession, pattern, str, tempDir, text } from "./helpers.ts";

describe("process/run", () => {
  test("captures stdout and stderr apart, with the return code and the command", async () => {
    const command = ["sh", "-c", "echo out; echo err >&2"];
    const result = await runProcess(command);
    assert.ok(result instanceof CompletedProcess);
    assert.equal(result.returncode, 0);
    assert.equal(str(result.stdout), "out\n");
    assert.equal(str(result.stderr), "err\n");
    assert.deepEqual(result.args, command);
    command.push("changed");
    assert.equal(result.args.length, 3, "args is a copy");
  });

  test("the runtime itself as a child: exit status and both outputs", async () => {
    const result = await runProcess(fixture("exit-code", "7", "to out", "to err"), { check: false });
    assert.equal(result.returncode, 7);
    assert.equal(str(result.stdout), "to out");
    assert.equal(str(result.stderr), "to err");
  });

  test("input as bytes is written to stdin, which is then closed", async () => {
    const result = await runProcess(["cat"], { input: new Uint8Array([0, 1, 2, 255]) });
    assertBytes(result.stdout, new Uint8Array([0, 1, 2, 255]));
  });

  test("input as a string is sent as UTF-8", async () => {
    const result = await runProcess(["cat"], { input: "héllo ✓" });
    assertBytes(result.stdout, text("héllo ✓"));
  });

  test("empty input closes stdin at once", async () => {
    const result = await runProcess(["cat"], { input: "" });
    assert.equal(result.stdout.byteLength, 0);
  });

  test("a child that exits without reading its input is no error", async () => {
    const result = await runProcess(["true"], { input: pattern(1 << 20) });
    assert.equal(result.returncode, 0);
  });

  test("check (the default) raises CalledProcessError with the code, command and output", async () => {
    const command = ["sh", "-c", "echo partial; echo failing >&2; exit 3"];
    const error = await thrownBy(() => runProcess(command));
    assert.ok(error instanceof CalledProcessError, String(error));
    assert.equal(error.returncode, 3);
    assert.deepEqual(error.command, command);
    assert.equal(str(error.stdout), "partial\n");
    assert.equal(str(error.stderr), "failing\n");
    assert.match(error.message, /exited with status 3/);
    assert.match(error.message, /"sh", "-c"/);
  });

  test("check: false returns the failure; checkReturncode() raises it", async () => {
    const result = await runProcess(["false"], { check: false });
    assert.equal(result.returncode, 1);
    const error = await thrownBy(() => result.checkReturncode());
    assert.ok(error instanceof CalledProcessError);
    assert.equal(error.returncode, 1);
    (await runProcess(["true"])).checkReturncode();
  });

  test("a string runs through the shell", async () => {
    const result = await runProcess("echo $((6 * 7)) | tr 4 x; exit 0");
    assert.equal(str(result.stdout), "x2\n");
    const missing = await thrownBy(() => runProcess("structio-no-such-command-xyz"));
    assert.ok(missing instanceof CalledProcessError);
    assert.equal(missing.returncode, 127, "the shell's status for a missing command");
    assert.equal(missing.command, "structio-no-such-command-xyz");
  });

  test("an array runs without a shell: no injection", async () => {
    using dir = tempDir();
    const marker = join(dir.path, "pwned");
    const evil = `$(touch ${marker}); touch ${marker}`;
    const result = await runProcess(["echo", evil]);
    assert.equal(str(result.stdout), `${evil}\n`);
    assert.equal(existsSync(marker), false);
  });

  test("env replaces the environment", async () => {
    const result = await runProcess(["/bin/sh", "-c", 'echo "[$STRUCTIO_X][$HOME]"'], { env: { STRUCTIO_X: "1 2" } });
    assert.equal(str(result.stdout), "[1 2][]\n");
  });

  test("env extends the environment when the current one is spread in", async () => {
    const result = await runProcess(["sh", "-c", 'echo "[$STRUCTIO_X][$PATH]"'], {
      env: { ...process.env, STRUCTIO_X: "yes" },
    });
    assert.equal(str(result.stdout), `[yes][${process.env.PATH}]\n`);
  });

  test("cwd as a string or a file: URL", async () => {
    using dir = tempDir();
    assert.equal(str((await runProcess(["pwd"], { cwd: dir.path })).stdout), `${dir.path}\n`);
    assert.equal(str((await runProcess("pwd", { cwd: pathToFileURL(dir.path) })).stdout), `${dir.path}\n`);
  });

  test('stderr: "stdout" merges both into stdout, in the order written', async () => {
    const result = await runProcess(["sh", "-c", "echo 1; echo 2 >&2; echo 3; echo 4 >&2"], { stderr: "stdout" });
    assert.equal(str(result.stdout), "1\n2\n3\n4\n");
    assert.equal(result.stderr.byteLength, 0);
    const shell = await runProcess("echo a >&2; echo b", { stderr: "stdout" });
    assert.equal(str(shell.stdout), "a\nb\n");
  });

  test('"ignore" sends a stream to /dev/null', async () => {
    const result = await runProcess(["sh", "-c", "echo out; echo err >&2"], { stdout: "ignore" });
    assert.equal(result.stdout.byteLength, 0);
    assert.equal(str(result.stderr), "err\n");
    const quiet = await runProcess(["sh", "-c", "echo out; echo err >&2"], { stdout: "ignore", stderr: "ignore" });
    assert.equal(quiet.stdout.byteLength + quiet.stderr.byteLength, 0);
  });

  test('"inherit" gives the child this process\'s own stdout and stderr', async () => {
    // A child runtime runs `sh` with inherited streams; its own captured output shows it.
    const result = await runProcess(fixture("inherit-child", backendName()));
    assert.equal(str(result.stdout), "to-stdout\ndone 0 0 0\n");
    assert.equal(str(result.stderr), "to-stderr\n");
  });

  test("an open file as stdout and stderr, and a descriptor number as stdin", async () => {
    using dir = tempDir();
    writeFileSync(join(dir.path, "in.txt"), "from a file\n");
    const input = openSync(join(dir.path, "in.txt"), "r");
    const output = openSync(join(dir.path, "out.txt"), "w");
    const errors = openSync(join(dir.path, "err.txt"), "w");
    try {
      const result = await runProcess(["sh", "-c", "read line; echo \"got $line\"; echo oops >&2"], {
        stdin: input,
        stdout: { fd: output },
        stderr: { fd: errors },
      });
      assert.equal(result.stdout.byteLength, 0);
      assert.equal(result.stderr.byteLength, 0);
    } finally {
      closeSync(input);
      closeSync(output);
      closeSync(errors);
    }
    assert.equal(readFileSync(join(dir.path, "out.txt"), "utf8"), "got from a file\n");
    assert.equal(readFileSync(join(dir.path, "err.txt"), "utf8"), "oops\n");
  });

  test("files opened with openFile as stdin and stdout (appending)", async () => {
    using dir = tempDir();
    writeFileSync(join(dir.path, "in.txt"), "data for the child\n");
    writeFileSync(join(dir.path, "out.txt"), "header\n");
    {
      await using input = await openFile(join(dir.path, "in.txt"), "rb");
      await using output = await openFile(join(dir.path, "out.txt"), "ab");
      const result = await runProcess(["sh", "-c", "cat; echo done"], { stdin: input, stdout: output });
      assert.equal(result.stdout.byteLength, 0);
    }
    assert.equal(readFileSync(join(dir.path, "out.txt"), "utf8"), "header\ndata for the child\ndone\n");
    const closed = await openFile(join(dir.path, "in.txt"), "rb");
    await closed.aclose();
    const error = await thrownBy(() => runProcess(["cat"], { stdin: closed }));
    assert.ok(error instanceof TypeError && /options\.stdin is a closed file/.test(error.message), String(error));
  });

  test('stderr: "stdout" with a file as stdout puts both in the file', async () => {
    using dir = tempDir();
    const output = openSync(join(dir.path, "out.txt"), "w");
    try {
      await runProcess(["sh", "-c", "echo one; echo two >&2"], { stdout: { fd: output }, stderr: "stdout" });
    } finally {
      closeSync(output);
    }
    assert.equal(readFileSync(join(dir.path, "out.txt"), "utf8"), "one\ntwo\n");
  });

  test("a directory as stdin: handed over, or refused by the deno backend, which copies files", async () => {
    using dir = tempDir();
    const fd = openSync(dir.path, "r");
    try {
      if (backendName() === "deno") {
        const error = await thrownBy(() => runProcess(["cat"], { stdin: fd }));
        assert.ok(error instanceof TypeError, String(error));
        assert.match(error.message, /deno backend.*only a regular file/);
      } else {
        const result = await runProcess(["cat"], { stdin: fd, check: false });
        assert.notEqual(result.returncode, 0, "cat cannot read a directory");
      }
    } finally {
      closeSync(fd);
    }
  });

  test("4 MiB on stderr, then 4 MiB on stdout: read at once, no deadlock", async () => {
    using dir = tempDir();
    const data = pattern(4 << 20, 3);
    writeFileSync(join(dir.path, "data"), data);
    const result = await runProcess(["sh", "-c", "cat data >&2; cat data; cat data >&2"], { cwd: dir.path });
    assertBytes(result.stdout, data, "stdout");
    assert.equal(result.stderr.byteLength, 2 * data.byteLength);
    assertBytes(result.stderr.subarray(data.byteLength), data, "stderr");
  });

  test("startNewSession runs the child in a session of its own", async () => {
    const script = "read pid comm state ppid pgrp session rest < /proc/$$/stat; echo $pid $session";
    const [pid, session] = str((await runProcess(["sh", "-c", script], { startNewSession: true })).stdout).split(" ").map(Number);
    assert.equal(session, pid, "the child leads its new session");
    const [, inherited] = str((await runProcess(["sh", "-c", script])).stdout).split(" ").map(Number);
    assert.equal(inherited, ownSession(), "without it, the child stays in ours");
  });

  test("a missing program raises OSError ENOENT naming it", async () => {
    for (const stderr of ["pipe", "stdout"] as const) {
      const error = await thrownBy(() => runProcess(["structio-no-such-program", "arg"], { stderr }));
      assert.ok(error instanceof OSError, String(error));
      assert.equal(error.code, "ENOENT");
      assert.equal(error.path, "structio-no-such-program");
      assert.equal(error.syscall, "spawn");
      assert.match(error.message, /structio-no-such-program/);
    }
    const byPath = await thrownBy(() => runProcess(["/no/such/dir/prog"]));
    assert.ok(byPath instanceof OSError && byPath.code === "ENOENT" && byPath.path === "/no/such/dir/prog", String(byPath));
  });

  test("a missing working directory raises ENOENT naming it", async () => {
    using dir = tempDir();
    const cwd = join(dir.path, "missing");
    const error = await thrownBy(() => runProcess(["true"], { cwd }));
    assert.ok(error instanceof OSError, String(error));
    assert.equal(error.code, "ENOENT");
    assert.equal(error.path, cwd);
  });

  test("a program that is not executable raises EACCES", async () => {
    using dir = tempDir();
    const path = join(dir.path, "script.sh");
    writeFileSync(path, "#!/bin/sh\necho hi\n");
    chmodSync(path, 0o644);
    for (const stderr of ["pipe", "stdout"] as const) {
      const error = await thrownBy(() => runProcess([path], { stderr }));
      assert.ok(error instanceof OSError, String(error));
      assert.equal(error.code, "EACCES");
      assert.equal(error.path, path);
    }
    chmodSync(path, 0o755);
    assert.equal(str((await runProcess([path])).stdout), "hi\n");
  });

  test("cancelled, it kills and reaps the child and raises Cancelled", async () => {
    let caught: unknown;
    const scope = new CancelScope();
    await withTaskGroup(async (tg) => {
      tg.startSoon(() =>
        scope.run(async () => {
          try {
            await runProcess(["sleep", "1000"]);
          } catch (err) {
            caught = err;
            throw err;
          }
        })
      );
      // The first task starts the child before this one runs (tasks start in order and
      // run to their first wait); the harness checks that no child is left.
      tg.startSoon(() => scope.cancel());
    });
    assert.ok(isCancelled(caught), String(caught));
    assert.ok(scope.cancelledCaught);
  });

  test("bad commands raise TypeError naming the argument", async () => {
    const cases: Array<[unknown, RegExp]> = [
      [[], /command must not be an empty array/],
      ["", /command must not be empty/],
      ["   ", /command must not be empty/],
      [["ls", 3], /command\[1\] must be a string/],
      [["", "x"], /command\[0\]/],
      [["ls\0"], /command\[0\] must not contain NUL/],
      [42, /command must be a string or an array of strings/],
      [null, /command must be a string or an array/],
    ];
    for (const [command, message] of cases) {
      const error = await thrownBy(() => runProcess(command as string[]));
      assert.ok(error instanceof TypeError, `${JSON.stringify(command)}: ${String(error)}`);
      assert.match(error.message, message);
    }
  });

  test("bad options raise TypeError or RangeError naming the option", async () => {
    const cases: Array<[unknown, new (...args: never[]) => Error, RegExp]> = [
      ["fast", TypeError, /options must be an object/],
      [{ stdin: "stdout" }, TypeError, /options\.stdin must be "pipe", "inherit", "ignore", a file/],
      [{ stdout: "bogus" }, TypeError, /options\.stdout/],
      [{ stderr: {} }, TypeError, /options\.stderr/],
      [{ stdout: -1 }, RangeError, /options\.stdout must be an open file descriptor/],
      [{ stdout: { fd: 1.5 } }, RangeError, /options\.stdout/],
      [{ cwd: 5 }, TypeError, /options\.cwd/],
      [{ cwd: new URL("http://example.com/") }, TypeError, /options\.cwd must be a file: URL/],
      [{ env: "PATH=/bin" }, TypeError, /options\.env must be an object/],
      [{ env: { A: 1 } }, TypeError, /options\.env\.A must be a string/],
      [{ env: { "A=B": "x" } }, TypeError, /options\.env has an invalid variable name/],
      [{ check: "yes" }, TypeError, /options\.check must be a boolean/],
      [{ startNewSession: 1 }, TypeError, /options\.startNewSession must be a boolean/],
      [{ input: 12 }, TypeError, /options\.input must be a Uint8Array or a string/],
      [{ input: "x", stdin: "pipe" }, TypeError, /options\.input and options\.stdin/],
    ];
    for (const [options, cls, message] of cases) {
      const error = await thrownBy(() => runProcess(["true"], options as object));
      assert.ok(error instanceof cls, `${JSON.stringify(options)}: ${String(error)}`);
      assert.match(error.message, message);
    }
  });
});
