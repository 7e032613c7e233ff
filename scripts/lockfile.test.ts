import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..");

interface LockEntry {
  optionalDependencies?: Record<string, string>;
}

/** Where npm would look for `dep` required by the package at `from`: its own node_modules, then each parent's. */
function resolves(packages: Record<string, LockEntry>, from: string, dep: string): boolean {
  let base = from;
  for (;;) {
    if (`${base ? `${base}/` : ""}node_modules/${dep}` in packages) return true;
    const cut = base.lastIndexOf("/node_modules/");
    if (base === "") return false;
    base = cut === -1 ? "" : base.slice(0, cut);
  }
}

// `npm ci` refuses a lockfile that lacks an entry for any optional dependency, including the builds for other
// platforms that npm never installs here (biome's and turbo's per-platform binaries); a lockfile written where
// the registry served only some of them breaks CI and the Docker build on a fresh clone.
describe("the committed lockfile", () => {
  const lock = JSON.parse(readFileSync(join(REPO, "package-lock.json"), "utf8")) as { lockfileVersion: number; packages: Record<string, LockEntry> };

  it("lists every optional dependency of every package, for every platform, so npm ci accepts it", () => {
    expect(lock.lockfileVersion).toBe(3);
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      for (const dep of Object.keys(entry.optionalDependencies ?? {})) {
        if (!resolves(lock.packages, path, dep)) missing.push(`${path || "(root)"} -> ${dep}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
