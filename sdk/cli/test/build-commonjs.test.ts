// A server entry that bundles a CommonJS dependency (as dockerode and ssh2 are) must run under plain
// Node as an ES module: require() of built-ins, __dirname and __filename work, and a native addon the
// dependency loads inside try/catch is left out of the bundle instead of failing the build.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildPlugin } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "archnest-cjs-build-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("archnest-plugin build with CommonJS dependencies", () => {
  it("bundles a dependency that uses require, __dirname and an optional native addon, and the bundle runs in Node", async () => {
    const dep = join(dir, "node_modules", "cjs-dep");
    mkdirSync(dep, { recursive: true });
    writeFileSync(join(dep, "package.json"), JSON.stringify({ name: "cjs-dep", version: "1.0.0", main: "index.js" }));
    writeFileSync(
      join(dep, "index.js"),
      [
        'const path = require("path");',
        "let native = false;",
        'try { require("./build/Release/addon.node"); native = true; } catch {}',
        "module.exports = { sep: path.sep, dir: typeof __dirname, file: typeof __filename, native };",
      ].join("\n"),
    );
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({
        name: "@test/cjs",
        version: "1.0.0",
        type: "module",
        archnest: { id: "cjs", displayName: "CJS", module: "free", sdk: "^1.0.0", server: "dist/server.js" },
      }),
    );
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "src", "server.ts"), 'import dep from "cjs-dep";\nexport default dep;\n');
    await buildPlugin(dir, { quiet: true });
    // A separate Node process: the test runner itself defines CommonJS globals that plain ESM lacks.
    const run = spawnSync(
      process.execPath,
      ["--input-type=module", "-e", `const m = await import(${JSON.stringify(join(dir, "dist", "server.js"))}); console.log(JSON.stringify(m.default));`],
      {
        encoding: "utf8",
      },
    );
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({ sep: "/", dir: "string", file: "string", native: false });
  });
});
