import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { resolveDefaultDir } from "./index.js";
import { shellInitialJs } from "./shell-size.js";

describe("the shell's initial JavaScript", () => {
  it("counts the entry, its static imports and the shared runtime, and stays within 80 KB gzip", () => {
    const dir = resolveDefaultDir();
    if (!existsSync(`${dir}/index.html`)) throw new Error(`build the web app first (npm run build): ${dir} is empty`);
    const size = shellInitialJs(dir);
    const paths = size.files.map((f) => f.path);
    expect(paths.some((p) => p.startsWith("/shared/solid-js-"))).toBe(true);
    expect(paths.some((p) => p.startsWith("/assets/index-"))).toBe(true);
    // Lazy pages are not part of the first load.
    expect(paths.some((p) => p.includes("StoreTab"))).toBe(false);
    expect(size.gzip).toBeLessThanOrEqual(80 * 1024);
  });
});
