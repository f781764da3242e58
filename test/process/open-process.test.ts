/**
 * openProcess and Process on every backend: waiting, return codes, signals, closing,
 * cancellation that kills and reaps, and bad arguments. In the spirit of AnyIO's
 * test_subprocesses.py.
 */
import assert from "node:assert/strict";
import { constants } from "node:os";
import { describe, test } from "../harness/registry.ts";
import { thrownBy } from "../harness/helpers.ts";
import { BufferedByteReceiveStream, CancelScope, checkpoint, ClosedResourceError, isCancelled, withTaskGroup } from "../../src/index.ts";
import { openProcess, Process, ProcessReceiveStream, ProcessSendStream } from "../../src/process/index.ts";
import { fixture, receiveAll, str, text } from "./helpers.ts";

const SIGTERM = constants.signals.SIGTERM;
const SIGKILL = constants.signals.SIGKILL;
const SIGUSR1 = constants.signals.SIGUSR1;

/** Receives one line from a buffered stream over a process's stdout. */
async function line(stream: BufferedByteReceiveStream): Promise<string> {
  return str(await stream.receiveUntil(text("\n"), 1000));
}

describe("process/open", () => {
  test("all three streams are pipes by default; wait returns the exit code", async () => {
    await using proc = await openProcess(["sh", "-c", "read x; echo \"out $x\"; echo err >&2; exit 4"]);
    assert.ok(proc instanceof Process);
    assert.ok(proc.stdin instanceof ProcessSendStream);
    assert.ok(proc.stdout instanceof ProcessReceiveStream);
    assert.ok(proc.stderr instanceof ProcessReceiveStream);
    assert.ok(Number.isInteger(proc.pid) && proc.pid > 0);
    assert.deepEqual(proc.args, ["sh", "-c", "read x; echo \"out $x\"; echo err >&2; exit 4"]);
    assert.equal(proc.returncode, null, "running");
    await proc.stdin.send(text("in\n"));
    assert.equal(str(await receiveAll(proc.stdout)), "out in\n");
    assert.equal(str(await receiveAll(proc.stderr)), "err\n");
    assert.equal(await proc.wait(), 4);
    assert.equal(proc.returncode, 4);
    assert.equal(await proc.wait(), 4, "waiting again returns the same");
  });

  test("streams that are not pipes are null", async () => {
    await using proc = await openProcess("exit 0", { stdin: "ignore", stdout: "ignore", stderr: "stdout" });
    assert.equal(proc.stdin, null);
    assert.equal(proc.stdout, null);
    assert.equal(proc.stderr, null);
    assert.equal(proc.args, "exit 0");
    assert.equal(await proc.wait(), 0);
  });

  test("16 MiB streamed through cat come back byte for byte", async () => {
    await using proc = await openProcess(["cat"], { stderr: "ignore" });
    const size = 16 << 20;
    const chunk = 65536;
    let received = 0;
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => {
        for (let offset = 0; offset < size; offset += chunk) {
          const data = new Uint8Array(chunk);
          for (let i = 0; i < chunk; i++) data[i] = (offset + i) * 13 >> 3;
          await proc.stdin!.send(data);
        }
        await proc.stdin!.aclose();
      });
      for await (const data of proc.stdout!) {
        for (let i = 0; i < data.byteLength; i++) {
          if (data[i] !== ((received + i) * 13 >> 3 & 255)) assert.fail(`byte ${received + i} differs`);
        }
        received += data.byteLength;
      }
    });
    assert.equal(received, size);
    assert.equal(await proc.wait(), 0);
  });

  test("terminate() sends SIGTERM: -SIGTERM for a child that does not handle it", async () => {
    await using proc = await openProcess(["sleep", "1000"]);
    proc.terminate();
    assert.equal(await proc.wait(), -SIGTERM);
    assert.equal(proc.returncode, -SIGTERM);
  });

  test("kill() sends SIGKILL: -SIGKILL", async () => {
    await using proc = await openProcess(["sleep", "1000"]);
    proc.kill();
    assert.equal(await proc.wait(), -SIGKILL);
  });

  test("a child that handles SIGTERM exits its own way", async () => {
    await using proc = await openProcess(fixture("term-handler"));
    const stdout = new BufferedByteReceiveStream(proc.stdout!);
    assert.equal(await line(stdout), "ready");
    proc.terminate();
    assert.equal(await line(stdout), "terminating");
    assert.equal(await proc.wait(), 2);
  });

  test("sendSignal() by name and by number", async () => {
    await using proc = await openProcess(fixture("term-handler"));
    const stdout = new BufferedByteReceiveStream(proc.stdout!);
    assert.equal(await line(stdout), "ready");
    proc.sendSignal("SIGUSR1");
    assert.equal(await line(stdout), "usr1");
    proc.sendSignal(SIGUSR1);
    assert.equal(await line(stdout), "usr1");
    proc.sendSignal(SIGKILL);
    assert.equal(await proc.wait(), -SIGKILL);
  });

  test("signals after the child exited do nothing", async () => {
    await using proc = await openProcess(["true"], { stdin: "ignore" });
    assert.equal(await proc.wait(), 0);
    proc.terminate();
    proc.kill();
    proc.sendSignal("SIGUSR1");
    assert.equal(proc.returncode, 0);
  });

  test("bad signals raise at the call", async () => {
    await using proc = await openProcess(["sleep", "1000"]);
    for (const [signal, cls] of [["SIGNOPE", RangeError], [0, RangeError], [1.5, RangeError], [65, RangeError], [null, TypeError]] as const) {
      const error = await thrownBy(() => proc.sendSignal(signal as string));
      assert.ok(error instanceof cls, `${String(signal)}: ${String(error)}`);
      assert.match((error as Error).message, /signal/);
    }
    proc.kill();
    await proc.wait();
  });

  test("cancelling wait() kills and reaps the child, then raises Cancelled", async () => {
    await using proc = await openProcess(["sleep", "1000"]);
    let caught: unknown;
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => {
        try {
          await proc.wait();
        } catch (err) {
          caught = err;
          throw err;
        }
      });
      await checkpoint(); // the waiter runs up to its wait
      tg.cancelScope.cancel();
    });
    assert.ok(isCancelled(caught), String(caught));
    assert.equal(proc.returncode, -SIGKILL, "killed and reaped before Cancelled was raised");
  });

  test("wait() in a cancelled scope kills the child too", async () => {
    await using proc = await openProcess(["sleep", "1000"]);
    await new CancelScope().run(async (scope) => {
      scope.cancel();
      await proc.wait();
    });
    assert.equal(proc.returncode, -SIGKILL);
  });

  test("disposing a running process in a cancelled scope kills it and closes its streams", async () => {
    let proc: Process | undefined;
    await new CancelScope().run(async (scope) => {
      await using p = await openProcess(["sleep", "1000"]);
      proc = p;
      scope.cancel();
    });
    assert.equal(proc!.returncode, -SIGKILL);
    assert.ok((await thrownBy(() => proc!.stdin!.send(text("x")))) instanceof ClosedResourceError);
    assert.ok((await thrownBy(() => proc!.stdout!.receive(1))) instanceof ClosedResourceError);
    assert.ok((await thrownBy(() => proc!.stderr!.receive(1))) instanceof ClosedResourceError);
  });

  test("cancelling aclose() kills the child that would not exit", async () => {
    const proc = await openProcess(["sleep", "1000"]);
    await withTaskGroup(async (tg) => {
      tg.startSoon(() => proc.aclose());
      await checkpoint();
      await checkpoint();
      tg.cancelScope.cancel();
    });
    assert.equal(proc.returncode, -SIGKILL);
  });

  test("disposing a running process kills and reaps it, without waiting for it to end", async () => {
    let proc: Process | undefined;
    {
      await using p = await openProcess(["sleep", "1000"]);
      proc = p;
    }
    assert.equal(proc.returncode, -SIGKILL);
    await proc.aclose(); // idempotent
    assert.ok((await thrownBy(() => proc!.stdout!.receive())) instanceof ClosedResourceError);
  });

  test("a child that was waited for keeps its own status through dispose", async () => {
    let proc: Process | undefined;
    {
      await using p = await openProcess(["sh", "-c", "cat >/dev/null; exit 5"]);
      proc = p;
      await p.stdin!.send(text("some input"));
      await p.stdin!.aclose();
      assert.equal(await p.wait(), 5);
    }
    assert.equal(proc.returncode, 5);
  });

  test("a missing program raises OSError ENOENT naming it", async () => {
    const error = await thrownBy(() => openProcess(["structio-no-such-program"]));
    assert.equal((error as { code?: string }).code, "ENOENT", String(error));
    assert.equal((error as { path?: string }).path, "structio-no-such-program");
  });

  test("runProcess options are refused by openProcess", async () => {
    for (const options of [{ input: "x" }, { check: false }]) {
      const error = await thrownBy(() => openProcess(["true"], options as object));
      assert.ok(error instanceof TypeError, String(error));
      assert.match(error.message, /is an option of runProcess/);
    }
    const bad = await thrownBy(() => openProcess([]));
    assert.ok(bad instanceof TypeError && /command/.test(bad.message));
  });
});
