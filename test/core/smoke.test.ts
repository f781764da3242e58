import assert from "node:assert/strict";
import { test } from "../harness/registry.ts";
import { checkpoint, sleep, withTaskGroup } from "../../src/index.ts";

test("smoke: a task group runs children", async () => {
  const seen: number[] = [];
  await withTaskGroup(async (tg) => {
    tg.startSoon(async () => {
      await sleep(5);
      seen.push(1);
    });
    tg.startSoon(async () => {
      await checkpoint();
      seen.push(2);
    });
  });
  assert.deepEqual(seen, [2, 1]);
});
