/**
 * Name resolution on every backend, through the system resolver. AnyIO's
 * test_getaddrinfo and test_getnameinfo.
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { thrownBy } from "../harness/helpers.ts";
import { CancelScope, getaddrinfo, getnameinfo, isCancelled } from "../../src/index.ts";

describe("net/dns", () => {
  test("localhost resolves through the hosts file to a loopback address", async () => {
    const found = await getaddrinfo("localhost", 80);
    assert.ok(found.length >= 1);
    for (const entry of found) {
      assert.ok(entry.address === "127.0.0.1" || entry.address === "::1", entry.address);
      assert.equal(entry.family, entry.address.includes(":") ? "IPv6" : "IPv4");
      assert.equal(entry.port, 80);
    }
    assert.equal(new Set(found.map((e) => e.address)).size, found.length, "no duplicates");
  });

  test("family filters the addresses", async () => {
    const v4 = await getaddrinfo("localhost", 0, { family: "IPv4" });
    assert.ok(v4.length >= 1 && v4.every((e) => e.family === "IPv4"));
  });

  test("an IP literal resolves to itself without a lookup", async () => {
    assert.deepEqual(await getaddrinfo("192.0.2.7", 443), [{ family: "IPv4", address: "192.0.2.7", port: 443 }]);
    assert.deepEqual(await getaddrinfo("2001:db8::1"), [{ family: "IPv6", address: "2001:db8::1", port: 0 }]);
    assert.deepEqual(await getaddrinfo("2001:db8::1", 0, { family: "IPv4" }), []);
  });

  test("a name that does not exist raises the resolver's error", async () => {
    const err = await thrownBy(() => getaddrinfo("no-such-host.invalid"));
    assert.ok(err instanceof Error, String(err));
    assert.match(String((err as { code?: unknown }).code), /ENOTFOUND|EAI_NONAME|EAI_AGAIN|ESERVFAIL|ENODATA/);
  });

  test("getnameinfo gives the host and service names", async () => {
    const { host, service } = await getnameinfo("127.0.0.1", 80);
    assert.equal(typeof host, "string");
    assert.ok(host.length > 0);
    assert.equal(service, "http");
  });

  test("a lookup in a cancelled scope raises Cancelled", async () => {
    const scope = new CancelScope();
    scope.cancel();
    let raised: unknown;
    await scope.run(async () => {
      try {
        await getaddrinfo("localhost");
      } catch (err) {
        raised = err;
        throw err;
      }
    });
    assert.ok(isCancelled(raised));
  });

  test("bad arguments are refused at the call", async () => {
    for (const [call, type] of [
      [() => getaddrinfo(""), TypeError],
      [() => getaddrinfo(null as unknown as string), TypeError],
      [() => getaddrinfo("localhost", -1), RangeError],
      [() => getaddrinfo("localhost", 0, { family: "IPX" as "IPv4" }), TypeError],
      [() => getnameinfo("localhost", 80), TypeError],
      [() => getnameinfo("127.0.0.1", 70000), RangeError],
    ] as const) {
      const err = await thrownBy(call);
      assert.ok(err instanceof type, `${call}: ${err}`);
    }
  });
});
