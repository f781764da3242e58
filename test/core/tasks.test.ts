/**
 * Behaviour of task introspection: getCurrentTask(), getRunningTasks() and TaskInfo.
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { makeEvent } from "../harness/helpers.ts";
import {
  checkpoint,
  getCurrentTask,
  getRunningTasks,
  run,
  sleepForever,
  TaskInfo,
  type TaskStatus,
  withTaskGroup,
} from "../../src/index.ts";

function ids(tasks: TaskInfo[]): number[] {
  return tasks.map((t) => t.id);
}

describe("core/tasks", () => {
  describe("getCurrentTask()", () => {
    test("in the root task of run(), gives a TaskInfo whose parentId is null", async () => {
      const me = getCurrentTask();
      assert.ok(me instanceof TaskInfo);
      assert.equal(typeof me.id, "number");
      assert.equal(me.parentId, null);
      assert.equal(typeof me.name, "string");
      assert.equal(getCurrentTask().id, me.id);
    });

    test("the root task of run() is named after the function run() was given", async () => {
      let name: string | undefined;
      let parentId: number | null | undefined;
      await run(async function myProgram() {
        name = getCurrentTask().name;
        parentId = getCurrentTask().parentId;
      });
      assert.equal(name, "myProgram");
      assert.equal(parentId, null);
    }, { outsideRun: true });

    test("a child task is named after its function", async () => {
      const names: string[] = [];
      const namedArrow = async () => {
        names.push(getCurrentTask().name);
      };
      await withTaskGroup((tg) => {
        tg.startSoon(async function declaredWorker() {
          names.push(getCurrentTask().name);
        });
        tg.startSoon(namedArrow);
      });
      assert.deepEqual(names, ["declaredWorker", "namedArrow"]);
    });

    test("a task started with start() is named after its function", async () => {
      let name: string | undefined;
      await withTaskGroup(async (tg) => {
        await tg.start(async function service(status: TaskStatus) {
          name = getCurrentTask().name;
          status.started();
        });
      });
      assert.equal(name, "service");
    });

    test("the body of a task group runs in the caller's task", async () => {
      const outside = getCurrentTask().id;
      let inside: number | undefined;
      await withTaskGroup(() => {
        inside = getCurrentTask().id;
      });
      assert.equal(inside, outside);
    });

    test("a child's parentId is the task that owns the group", async () => {
      const root = getCurrentTask();
      let child: TaskInfo | undefined;
      await withTaskGroup((tg) => {
        tg.startSoon(async () => {
          child = getCurrentTask();
        });
      });
      assert.ok(child !== undefined);
      assert.notEqual(child.id, root.id);
      assert.equal(child.parentId, root.id);
    });

    test("in a group opened by a child, the grandchild's parentId is that child", async () => {
      let child: TaskInfo | undefined;
      let grandchild: TaskInfo | undefined;
      await withTaskGroup((tg) => {
        tg.startSoon(async () => {
          child = getCurrentTask();
          await withTaskGroup((inner) => {
            inner.startSoon(async () => {
              grandchild = getCurrentTask();
            });
          });
        });
      });
      assert.equal(grandchild!.parentId, child!.id);
    });

    test("a task spawned by a child into the outer group has the group's owner as parent", async () => {
      const root = getCurrentTask();
      let spawnerId: number | undefined;
      let spawned: TaskInfo | undefined;
      await withTaskGroup((tg) => {
        tg.startSoon(async function spawner() {
          spawnerId = getCurrentTask().id;
          tg.startSoon(async function spawnedTask() {
            spawned = getCurrentTask();
          });
        });
      });
      assert.notEqual(spawned!.parentId, spawnerId);
      assert.equal(spawned!.parentId, root.id);
    });

    test("task ids are unique", async () => {
      const seen: number[] = [getCurrentTask().id];
      await withTaskGroup((tg) => {
        for (let i = 0; i < 20; i++) {
          tg.startSoon(async () => {
            seen.push(getCurrentTask().id);
            await checkpoint();
          });
        }
      });
      await withTaskGroup((tg) => {
        for (let i = 0; i < 5; i++) {
          tg.startSoon(async () => {
            seen.push(getCurrentTask().id);
          });
        }
      });
      assert.equal(seen.length, 26);
      assert.equal(new Set(seen).size, 26);
    });

    test("outside run(), gives the implicit root task", async () => {
      const me = getCurrentTask();
      assert.ok(me instanceof TaskInfo);
      assert.equal(me.parentId, null);
      assert.ok(ids(getRunningTasks()).includes(me.id));
    }, { outsideRun: true });

    test("outside run(), a task group's children have the implicit root as parent", async () => {
      const root = getCurrentTask();
      const children: TaskInfo[] = [];
      await withTaskGroup((tg) => {
        for (let i = 0; i < 2; i++) {
          tg.startSoon(async () => {
            children.push(getCurrentTask());
            await checkpoint();
          });
        }
      });
      assert.equal(children.length, 2);
      for (const child of children) assert.equal(child.parentId, root.id);
      const running = ids(getRunningTasks());
      for (const child of children) assert.ok(!running.includes(child.id));
    }, { outsideRun: true });

    test("each run() has its own root task", async () => {
      const roots: TaskInfo[] = [];
      await run(async () => {
        roots.push(getCurrentTask());
      });
      await run(async () => {
        roots.push(getCurrentTask());
      });
      assert.notEqual(roots[0].id, roots[1].id);
      assert.equal(roots[0].parentId, null);
      assert.equal(roots[1].parentId, null);
      assert.notEqual(roots[0].id, getCurrentTask().id);
    }, { outsideRun: true });
  });

  describe("getRunningTasks()", () => {
    test("lists the root task and the live children, and not the finished ones", async () => {
      const root = getCurrentTask();
      const bothWaiting = makeEvent();
      let waiting = 0;
      const infos: TaskInfo[] = [];
      let finished: TaskInfo | undefined;
      await withTaskGroup(async (tg) => {
        for (let i = 0; i < 2; i++) {
          tg.startSoon(async () => {
            infos.push(getCurrentTask());
            if (++waiting === 2) bothWaiting.set();
            await sleepForever();
          });
        }
        const quick = tg.startSoon(async () => {
          finished = getCurrentTask();
        });
        await quick.result();
        await bothWaiting.wait();
        const running = getRunningTasks();
        assert.ok(running.every((t) => t instanceof TaskInfo));
        const runningIds = ids(running);
        assert.ok(runningIds.includes(root.id));
        for (const info of infos) assert.ok(runningIds.includes(info.id));
        assert.ok(!runningIds.includes(finished!.id));
        tg.cancel();
      });
      const after = ids(getRunningTasks());
      assert.ok(after.includes(root.id));
      for (const info of infos) assert.ok(!after.includes(info.id));
    });

    test("lists the tasks oldest first", async () => {
      const root = getCurrentTask();
      const started: number[] = [];
      const allWaiting = makeEvent();
      await withTaskGroup(async (tg) => {
        for (let i = 0; i < 3; i++) {
          tg.startSoon(async () => {
            started.push(getCurrentTask().id);
            if (started.length === 3) allWaiting.set();
            await sleepForever();
          });
        }
        await allWaiting.wait();
        const running = ids(getRunningTasks());
        assert.equal(running[0], root.id);
        const positions = started.map((id) => running.indexOf(id));
        assert.ok(positions.every((p) => p > 0), String(positions));
        assert.deepEqual(positions, [...positions].sort((a, b) => a - b));
        tg.cancel();
      });
    });

    test("sees tasks of nested groups in children", async () => {
      let grandchild: TaskInfo | undefined;
      const ready = makeEvent();
      await withTaskGroup(async (tg) => {
        tg.startSoon(async () => {
          await withTaskGroup((inner) => {
            inner.startSoon(async () => {
              grandchild = getCurrentTask();
              ready.set();
              await sleepForever();
            });
          });
        });
        await ready.wait();
        assert.ok(ids(getRunningTasks()).includes(grandchild!.id));
        tg.cancel();
      });
      assert.ok(!ids(getRunningTasks()).includes(grandchild!.id));
    });
  });

  describe("TaskInfo", () => {
    test("toString() mentions the id and the name", async () => {
      let text = "";
      let id = 0;
      await withTaskGroup((tg) => {
        tg.startSoon(async function described() {
          const me = getCurrentTask();
          text = me.toString();
          id = me.id;
        });
      });
      assert.ok(text.includes(String(id)), text);
      assert.ok(text.includes("described"), text);
    });
  });
});
