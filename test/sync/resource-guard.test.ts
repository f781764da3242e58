/**
 * ResourceGuard: one use at a time, BusyResourceError for a second, and the guard freed
 * on every path.
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { throwsOrRejects } from "../harness/helpers.ts";
import { until } from "./helpers.ts";
import { Event, ResourceGuard } from "../../src/sync/index.ts";
import { BusyResourceError, CancelScope, checkpoint, withTaskGroup } from "../../src/index.ts";

// Made at module load, outside any run().
const madeOutside = new ResourceGuard("sending");

describe("sync/resource-guard", () => {
  test("use() runs the function and returns its value; the guard is busy only meanwhile", async () => {
    const guard = new ResourceGuard();
    assert.equal(guard.busy, false);
    const value = await guard.use(async () => {
      assert.equal(guard.busy, true);
      await checkpoint();
      return "done";
    });
    assert.equal(value, "done");
    assert.equal(guard.busy, false);
    assert.equal(await guard.use(() => 1), 1);
  });

  test("a second use while the first runs raises BusyResourceError naming the action", async () => {
    const guard = new ResourceGuard("reading from the socket");
    const release = new Event();
    let calledTwice = false;
    await withTaskGroup(async (tg) => {
      tg.startSoon(() => guard.use(() => release.wait()));
      await until(() => guard.busy, "the first use to start");
      await throwsOrRejects(
        () =>
          guard.use(() => {
            calledTwice = true;
          }),
        BusyResourceError,
        /^another task is already reading from the socket$/,
      );
      assert.equal(guard.busy, true); // the failed attempt did not free the first use
      release.set();
    });
    assert.equal(calledTwice, false);
    assert.equal(guard.busy, false);
  });

  test("the default action reads well in the error", async () => {
    const guard = new ResourceGuard();
    assert.equal(guard.action, "using this resource");
    await guard.use(() => throwsOrRejects(() => guard.use(() => {}), BusyResourceError, /already using this resource/));
  });

  test("the guard is free again when the function throws, synchronously or not", async () => {
    const guard = new ResourceGuard();
    await throwsOrRejects(() =>
      guard.use(() => {
        throw new Error("sync");
      }), Error, /sync/);
    assert.equal(guard.busy, false);
    await throwsOrRejects(() =>
      guard.use(async () => {
        await checkpoint();
        throw new Error("async");
      }), Error, /async/);
    assert.equal(guard.busy, false);
  });

  test("the guard is free again when the user is cancelled", async () => {
    const guard = new ResourceGuard();
    await withTaskGroup(async (tg) => {
      const user = tg.startSoon(() => guard.use(() => new Event().wait()));
      await until(() => guard.busy, "the use to start");
      user.cancel();
    });
    assert.equal(guard.busy, false);
    const scope = new CancelScope();
    await scope.run(() =>
      guard.use(async () => {
        scope.cancel();
        await checkpoint();
      })
    );
    assert.equal(scope.cancelledCaught, true);
    assert.equal(guard.busy, false);
  });

  test("the same task using it twice at once is caught too", async () => {
    const guard = new ResourceGuard();
    await guard.use(async () => {
      await throwsOrRejects(() => guard.use(() => {}), BusyResourceError);
    });
  });

  test("bad arguments are a TypeError naming them", async () => {
    assert.throws(() => new ResourceGuard(5 as never), { name: "TypeError", message: /action/ });
    await throwsOrRejects(() => new ResourceGuard().use("fn" as never), TypeError, /fn/);
  });

  test("a guard made outside run() works inside it", async () => {
    assert.equal(madeOutside.busy, false);
    assert.equal(await madeOutside.use(() => "sent"), "sent");
  });

  test("works outside run()", async () => {
    const guard = new ResourceGuard();
    await guard.use(() => throwsOrRejects(() => guard.use(() => {}), BusyResourceError));
    assert.equal(guard.busy, false);
  }, { outsideRun: true });
});
