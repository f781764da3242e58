/**
 * Checks the layer rule itself, with Deno's plugin test API (`deno test lint/`).
 */
import plugin from "./structio-plugin.ts";

function messages(filename: string, source: string): string[] {
  return Deno.lint.runPlugin(plugin, filename, source).map((d) => d.message);
}

function assertEquals(actual: unknown, expected: unknown): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`expected ${e}\n     got ${a}`);
}

Deno.test("runtime modules are reported outside src/backends", () => {
  assertEquals(messages("/repo/src/core/a.ts", `import fs from "node:fs"; export * from "bun:ffi";`), [
    `"node:fs" is a runtime module; only src/backends/ may import it`,
    `"bun:ffi" is a runtime module; only src/backends/ may import it`,
  ]);
});

Deno.test("runtime globals are reported outside src/backends", () => {
  assertEquals(
    messages("/repo/src/net/a.ts", `const e = process.env; Deno.exit(1); globalThis.Bun;`),
    [
      "the process global is a runtime API; only src/backends/ may use it",
      "the Deno global is a runtime API; only src/backends/ may use it",
      "the Bun global is a runtime API; only src/backends/ may use it",
    ],
  );
});

Deno.test("property names that merely look like globals are fine", () => {
  assertEquals(messages("/repo/src/core/a.ts", `const o = { process: 1 }; o.process; o.Deno;`), []);
});

Deno.test("src/backends and files outside src are not governed", () => {
  assertEquals(messages("/repo/src/backends/node.ts", `import fs from "node:fs"; process.exit();`), []);
  assertEquals(messages("/repo/test/a.test.ts", `import fs from "node:fs"; process.exit();`), []);
  assertEquals(messages("/repo/packages/unasync/src/cli.ts", `import fs from "node:fs"; process.exit();`), []);
});
