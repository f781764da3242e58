/**
 * Peers this library did not write: an echo server written with another runtime's raw
 * API (a Deno server for a Node client and back), a raw client of another runtime
 * against our listener, and OpenSSL's `s_server` and `s_client` for TLS.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, test } from "../harness/registry.ts";
import {
  abandonOnCancel,
  connectTcp,
  createTcpListener,
  currentRuntime,
  SocketAttribute,
  TLSListener,
  withTaskGroup,
} from "../../src/index.ts";
import { assertBytes, certs, pattern, receiveAll, str, text } from "./helpers.ts";

const root = new URL("../../", import.meta.url);
const bin = (name: string) => fileURLToPath(new URL(`node_modules/.bin/${name}`, root));

/** The runtime that plays the peer: never the one under test. */
function otherRuntime(): [string, string[]] {
  return currentRuntime() === "node" ? [bin("deno"), ["run", "-A", "--quiet"]] : [bin("node"), []];
}

/** A child process, its output so far, and a way to wait for a line matching a pattern. */
class Child {
  readonly process: ChildProcess;
  output = "";
  readonly exited: Promise<number | null>;
  #waiters: Array<() => void> = [];

  constructor(command: string, args: string[]) {
    this.process = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    const collect = (chunk: Buffer) => {
      this.output += chunk.toString();
      for (const wake of this.#waiters.splice(0)) wake();
    };
    this.process.stdout!.on("data", collect);
    this.process.stderr!.on("data", collect);
    this.exited = new Promise((resolve) => this.process.on("close", (code) => {
      for (const wake of this.#waiters.splice(0)) wake();
      resolve(code);
    }));
  }

  /** Waits until the output matches `pattern`; fails if the process exits first. */
  async waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
    for (;;) {
      const match = this.output.match(pattern);
      if (match !== null) return match;
      if (this.process.exitCode !== null || this.process.signalCode !== null) {
        throw new Error(`the peer exited before printing ${pattern}: ${this.output}`);
      }
      await abandonOnCancel(new Promise<void>((resolve) => this.#waiters.push(resolve)));
    }
  }

  /** Ends the child (closing its stdin, then killing it) and waits until it is gone. */
  async stop(): Promise<void> {
    this.process.stdin!.end();
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill();
    await this.exited;
  }
}

describe("net/peers", () => {
  test("a raw echo server on another runtime echoes our client's bytes", async () => {
    const [command, args] = otherRuntime();
    const peer = new Child(command, [...args, fileURLToPath(new URL("test/fixtures/raw-echo-server.ts", root))]);
    try {
      const port = Number((await peer.waitFor(/^(\d+)\n/))[1]);
      await using stream = await connectTcp("127.0.0.1", port);
      const data = pattern(1 << 20, 13);
      await withTaskGroup(async (tg) => {
        tg.startSoon(async () => {
          await stream.send(data);
          await stream.sendEof();
        });
        assertBytes(await receiveAll(stream), data);
      });
    } finally {
      await peer.stop();
    }
  });

  test("a raw client on another runtime talks to our listener", async () => {
    await using listener = await createTcpListener({ host: "127.0.0.1" });
    const port = listener.extra(SocketAttribute.localPort);
    const [command, args] = otherRuntime();
    const peer = new Child(command, [...args, fileURLToPath(new URL("test/fixtures/raw-client.ts", root)), String(port), "hello from a raw client"]);
    try {
      await withTaskGroup(async (tg) => {
        tg.startSoon(() =>
          listener.serve(async (stream) => {
            const request = str(await receiveAll(stream));
            await stream.send(text(request.toUpperCase()));
          })
        );
        const match = await peer.waitFor(/REPLY:(.*)\n/);
        assert.equal(match[1], "HELLO FROM A RAW CLIENT");
        tg.cancelScope.cancel();
      });
    } finally {
      await peer.stop();
    }
  });

  test("openssl s_server: our TLS client verifies it and exchanges data", async () => {
    const peer = new Child("openssl", [
      "s_server", "-accept", "0", "-cert", certs.path("server.pem"), "-key", certs.path("server.key"),
      "-naccept", "1", "-rev",
    ]);
    try {
      const port = Number((await peer.waitFor(/ACCEPT .*:(\d+)\n/))[1]);
      await using stream = await connectTcp("localhost", port, { tls: { ca: certs.ca } });
      await stream.send(text("structio\n"));
      let reply = "";
      while (!reply.includes("oitcurts")) reply += str(await stream.receive());
      assert.match(reply, /oitcurts/);
    } finally {
      await peer.stop();
    }
  });

  test("openssl s_client: our TLS listener serves it with a verified certificate", async () => {
    const plain = await createTcpListener({ host: "127.0.0.1" });
    await using listener = new TLSListener(plain, { cert: certs.serverCert, key: certs.serverKey });
    const port = plain.extra(SocketAttribute.localPort);
    const peer = new Child("openssl", [
      "s_client", "-connect", `127.0.0.1:${port}`, "-CAfile", certs.path("ca.pem"), "-verify_return_error",
      "-verify_hostname", "localhost", "-no_ign_eof",
    ]);
    try {
      await withTaskGroup(async (tg) => {
        tg.startSoon(() =>
          listener.serve(async (stream) => {
            await stream.send(text(`greetings ${str(await stream.receive())}`));
          })
        );
        peer.process.stdin!.write("from openssl\n");
        await peer.waitFor(/greetings from openssl/);
        assert.match(peer.output, /Verify return code: 0 \(ok\)/);
        tg.cancelScope.cancel();
      });
    } finally {
      await peer.stop();
    }
  });
});
