import { builtinModules } from "node:module";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/**
 * Bundles a one-line module importing `specifier` for the browser, as the web shell's and a plugin's Vite
 * build do, and answers the Node built-ins the bundle would need (each as the SDK file that imports it).
 */
async function nodeImportsOf(specifier: string): Promise<string[]> {
  const found: string[] = [];
  await build({
    stdin: { contents: `export * from ${JSON.stringify(specifier)};`, resolveDir: import.meta.dirname, loader: "ts" },
    bundle: true,
    write: false,
    platform: "browser",
    format: "esm",
    logLevel: "silent",
    conditions: ["archnest-source"],
    // The page's import map provides solid-js to the shell and every plugin.
    external: ["solid-js", "solid-js/*"],
    plugins: [
      {
        name: "record-node-builtins",
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) => {
            if (!NODE_BUILTINS.has(args.path)) return undefined;
            found.push(`${args.path} (from ${args.importer.replace(/^.*\/sdk\/core\//, "")})`);
            return { path: args.path, external: true };
          });
        },
      },
    ],
  });
  return found;
}

describe("the entries a browser bundle imports", () => {
  it.each(["@archnest/sdk/web", "@archnest/sdk/manifest"])("%s bundles for the browser without a Node built-in", async (specifier) => {
    expect(await nodeImportsOf(specifier)).toEqual([]);
  });

  it("the deprecated root entry still pulls node:crypto, which is why the manifest has its own entry", async () => {
    expect(await nodeImportsOf("@archnest/sdk")).toContainEqual(expect.stringMatching(/^node:crypto /));
  });
});
