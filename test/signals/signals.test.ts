/**
 * Signal receivers on every backend: signals sent to the test process itself and to a
 * child program. In the spirit of AnyIO's tests/test_signals.py.
 *
 * A receiver is always open before a signal is sent to this process: SIGUSR2 would
 * otherwise end it. The tests use SIGWINCH (ignored by default) rather than SIGUSR1,
 * which Node and Deno reserve for starting their debugger: on Deno it sometimes opened
 * the inspector's TCP socket here even while a listener was installed.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { describe, test } from "../harness/registry.ts";
import { runtimeCommand, thrownBy } from "../harness/helpers.ts";
import {
  BusyResourceError,
  CancelScope,
  checkpoint,
  ClosedResourceError,
  getBackend,
  isCancelled,
  moveOnAfter,
  openSignalReceiver,
  type SignalName,
  withTaskGroup,
} from "../../src/index.ts";

const program = fileURLToPath(new URL("../fixtures/signal-program.ts", import.meta.url));

function sendToSelf(signal: SignalName): void {
  process.kill(process.pid, signal);
}

describe("signals", () => {
  test("receive() returns a signal sent to the process", async () => {
    using signals = openSignalReceiver("SIGWINCH");
    sendToSelf("SIGWINCH");
    assert.equal(await signals.receive(), "SIGWINCH");
  });

  test("for await yields each signal; breaking out leaves the receiver usable", async () => {
    using signals = openSignalReceiver("SIGWINCH", "SIGUSR2");
    sendToSelf("SIGUSR2");
    for await (const signal of signals) {
      assert.equal(signal, "SIGUSR2");
      break;
    }
    assert.equal(signals.closed, false);
    sendToSelf("SIGWINCH");
    assert.equal(await signals.receive(), "SIGWINCH");
  });

  test("signals that arrive while nobody waits are kept, in order", async () => {
    using all = openSignalReceiver("SIGWINCH", "SIGUSR2");
    using first = openSignalReceiver("SIGWINCH");
    using second = openSignalReceiver("SIGUSR2");
    // The single-signal receivers tell when each signal has arrived, so the order in
    // which `all` saw them is known.
    sendToSelf("SIGWINCH");
    await first.receive();
    sendToSelf("SIGUSR2");
    await second.receive();
    sendToSelf("SIGWINCH");
    await first.receive();
    assert.deepEqual([await all.receive(), await all.receive(), await all.receive()], ["SIGWINCH", "SIGUSR2", "SIGWINCH"]);
  });

  test("every open receiver of a signal gets it", async () => {
    using a = openSignalReceiver("SIGWINCH");
    using b = openSignalReceiver("SIGWINCH");
    sendToSelf("SIGWINCH");
    assert.deepEqual([await a.receive(), await b.receive()], ["SIGWINCH", "SIGWINCH"]);
  });

  test("a signal named twice is received once per delivery", async () => {
    using signals = openSignalReceiver("SIGWINCH", "SIGWINCH");
    using witness = openSignalReceiver("SIGUSR2");
    assert.deepEqual(signals.signals, ["SIGWINCH"]);
    sendToSelf("SIGWINCH");
    assert.equal(await signals.receive(), "SIGWINCH");
    // Nothing else is pending: the next signal received is the next one sent.
    sendToSelf("SIGUSR2");
    await witness.receive();
    sendToSelf("SIGWINCH");
    assert.equal(await signals.receive(), "SIGWINCH");
  });

  test("a cancelled wait takes no signal: the next one goes to the next receive", async () => {
    using signals = openSignalReceiver("SIGWINCH");
    const result = await moveOnAfter(5, () => signals.receive());
    assert.equal(result, undefined);
    sendToSelf("SIGWINCH");
    assert.equal(await signals.receive(), "SIGWINCH");
  });

  test("receive in a cancelled scope raises Cancelled and leaves a pending signal", async () => {
    using signals = openSignalReceiver("SIGWINCH");
    using witness = openSignalReceiver("SIGWINCH");
    sendToSelf("SIGWINCH");
    await witness.receive(); // it has arrived, so `signals` holds it
    const scope = new CancelScope();
    scope.cancel();
    await scope.run(async () => {
      const err = await thrownBy(() => signals.receive());
      assert.ok(isCancelled(err));
    });
    assert.equal(await signals.receive(), "SIGWINCH");
  });

  test("a second task receiving at the same time raises BusyResourceError", async () => {
    using signals = openSignalReceiver("SIGWINCH");
    await withTaskGroup(async (tg) => {
      tg.startSoon(() => signals.receive());
      await checkpoint();
      assert.ok((await thrownBy(() => signals.receive())) instanceof BusyResourceError);
      sendToSelf("SIGWINCH");
    });
  });

  test("closing ends a waiting for-await loop, and receive() afterwards raises ClosedResourceError", async () => {
    const signals = openSignalReceiver("SIGWINCH");
    const seen: SignalName[] = [];
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => {
        for await (const signal of signals) seen.push(signal);
      });
      await checkpoint();
      signals.close();
    });
    assert.deepEqual(seen, []);
    assert.equal(signals.closed, true);
    assert.ok((await thrownBy(() => signals.receive())) instanceof ClosedResourceError);
    signals.close(); // idempotent
    await signals.aclose();
  });

  test("closing wakes a waiting receive() with ClosedResourceError", async () => {
    await using signals = openSignalReceiver("SIGUSR2");
    await withTaskGroup(async (tg) => {
      tg.startSoon(async () => {
        assert.ok((await thrownBy(() => signals.receive())) instanceof ClosedResourceError);
      });
      await checkpoint();
      await signals.aclose();
    });
  });

  test("bad signal lists raise at the call, naming the argument", async () => {
    const none = await thrownBy(() => openSignalReceiver());
    assert.ok(none instanceof TypeError);
    assert.match(none.message, /signals must name at least one signal/);
    const unknown = await thrownBy(() => openSignalReceiver("SIGWINCH", "SIGFOO" as SignalName));
    assert.ok(unknown instanceof RangeError);
    assert.match(unknown.message, /signals\[1\] must be one of SIGHUP, .*not "SIGFOO"/);
    const kill = await thrownBy(() => openSignalReceiver("SIGKILL" as SignalName));
    assert.ok(kill instanceof RangeError);
    assert.match(kill.message, /signals\[0\]: SIGKILL cannot be caught/);
    const stop = await thrownBy(() => openSignalReceiver("SIGSTOP" as SignalName));
    assert.match((stop as Error).message, /SIGSTOP cannot be caught/);
    const number = await thrownBy(() => openSignalReceiver(15 as unknown as SignalName));
    assert.ok(number instanceof TypeError);
    assert.match(number.message, /signals\[0\] must be a signal name such as "SIGTERM", not number/);
  });

  test("the backend knows the platform's signal numbers", () => {
    const backend = getBackend();
    assert.equal(backend.signalNumber("SIGINT"), 2);
    assert.equal(backend.signalNumber("SIGKILL"), 9);
    assert.equal(backend.signalNumber("SIGTERM"), 15);
    assert.equal(backend.signalNumber("SIGNOPE"), undefined);
  });

  test("in a child: SIGTERM is received while the receiver is open, and ends it once closed", async () => {
    const [cmd, ...pre] = runtimeCommand();
    const child = spawn(cmd, [...pre, program, getBackend().name], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const waiters: Array<[string, () => void]> = [];
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      for (const [text, resolve] of waiters) if (stdout.includes(text)) resolve();
    });
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.on("close", (code, signal) => resolve({ code, signal }))
    );
    const printed = (text: string) =>
      new Promise<void>((resolve, reject) => {
        if (stdout.includes(text)) return resolve();
        waiters.push([text, resolve]);
        void exited.then(() => reject(new Error(`exited before printing "${text}":\n${stdout}\n${stderr}`)));
      });
    await printed("ready");
    process.kill(child.pid!, "SIGTERM");
    await printed("closed");
    process.kill(child.pid!, "SIGTERM");
    const { code, signal } = await exited;
    assert.match(stdout, /received SIGTERM\nclosed\n/);
    // Death by SIGTERM; Deno's node:child_process reports it as exit code 143.
    assert.ok(signal === "SIGTERM" || code === 143, `exit ${code} ${signal}: ${stderr}`);
  });
});
