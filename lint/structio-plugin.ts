/**
 * structio's own lint rules, run by `deno lint` (see deno.json).
 *
 * runtime-apis-in-backends-only: DESIGN.md section 1 says only src/backends/ touches
 * runtime APIs. Outside it, under src/, this rule reports imports of node:*, bun:* and
 * other runtime modules, and any mention of the Deno, Bun or process globals.
 * The workspace packages under packages/ (build tools such as unasync) are not structio's
 * layers and are not governed.
 *
 * @module
 */

const RUNTIME_GLOBALS = new Set(["Deno", "Bun", "process"]);
const RUNTIME_MODULE = /^(node:|bun:|bun$|npm:|jsr:)/;

// deno-lint-ignore no-explicit-any
type Node = any;

function governed(filename: string): boolean {
  const path = filename.replaceAll("\\", "/");
  const at = path.lastIndexOf("/src/");
  return at >= 0 && !path.slice(0, at).includes("/packages/") && !path.slice(at).startsWith("/src/backends/");
}

const plugin: Deno.lint.Plugin = {
  name: "structio",
  rules: {
    "runtime-apis-in-backends-only": {
      create(context) {
        if (!governed(context.filename)) return {};
        const reportModule = (node: Node, source: string) => {
          if (RUNTIME_MODULE.test(source)) {
            context.report({
              node,
              message: `"${source}" is a runtime module; only src/backends/ may import it`,
            });
          }
        };
        return {
          ImportDeclaration(node: Node) {
            reportModule(node, node.source.value);
          },
          ExportAllDeclaration(node: Node) {
            reportModule(node, node.source.value);
          },
          ExportNamedDeclaration(node: Node) {
            if (node.source) reportModule(node, node.source.value);
          },
          ImportExpression(node: Node) {
            if (node.source.type === "Literal") reportModule(node, String(node.source.value));
          },
          Identifier(node: Node) {
            if (!RUNTIME_GLOBALS.has(node.name)) return;
            const parent = node.parent;
            // `x.process` names a property, and `{ process: 1 }` a key; `globalThis.Deno`
            // still reaches the runtime, so a member of globalThis counts.
            if (parent?.type === "MemberExpression" && parent.property === node && !parent.computed) {
              if (parent.object?.type !== "Identifier" || parent.object.name !== "globalThis") return;
            }
            if (parent?.type === "Property" && parent.key === node && !parent.computed) return;
            context.report({
              node,
              message: `the ${node.name} global is a runtime API; only src/backends/ may use it`,
            });
          },
        };
      },
    },
  },
};

export default plugin;
