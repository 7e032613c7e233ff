import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..");

function gitGrep(pattern: string): string[] {
  const out = spawnSync("git", ["grep", "-n", "-I", "-E", pattern, "--", ".", ":!package-lock.json", ":!scripts/self-contained-docs.test.ts"], {
    cwd: REPO,
    encoding: "utf8",
  });
  return out.stdout.split("\n").filter(Boolean);
}

// The repository documents itself: the architecture and the module catalog are pages of docs/, and nothing
// committed points at documents outside the repository, which a reader of a clone does not have.
describe("the repository's own documentation", () => {
  it("cites no document outside the repository", () => {
    expect(gitGrep(String.raw`DESIGN\.md|MODULES\.md|\.\./shared/`)).toEqual([]);
  });

  it("has every section of docs/architecture.md that code and docs cite", () => {
    const architecture = readFileSync(join(REPO, "docs", "architecture.md"), "utf8");
    const sections = new Set([...architecture.matchAll(/^## (\d+)\./gm)].map((m) => m[1]));
    const cited = gitGrep(String.raw`architecture\.md(\))? sections? [0-9]`).flatMap((line) =>
      [...line.matchAll(/sections? (\d+)(?: and (\d+))?/g)].flatMap((m) => [m[1], m[2]].filter((n): n is string => n !== undefined)),
    );
    expect(cited.length).toBeGreaterThan(10);
    expect(cited.filter((n) => !sections.has(n))).toEqual([]);
  });
});
