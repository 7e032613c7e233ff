import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { privateDir, privateFile } from "./private-dir.js";

const dir = mkdtempSync(join(tmpdir(), "archnest-private-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe("privateDir", () => {
  it("creates the folder 0700 and takes group and other bits from everything already in it", () => {
    const root = join(dir, "data");
    mkdirSync(join(root, "sub"), { recursive: true, mode: 0o755 });
    chmodSync(join(root, "sub"), 0o755);
    writeFileSync(join(root, "sub", "db"), "x", { mode: 0o644 });
    writeFileSync(join(root, "tool"), "x", { mode: 0o755 });
    const outside = join(dir, "outside");
    writeFileSync(outside, "x", { mode: 0o644 });
    symlinkSync(outside, join(root, "link"));
    privateDir(root);
    expect([mode(root), mode(join(root, "sub")), mode(join(root, "sub", "db")), mode(join(root, "tool"))]).toEqual(["700", "700", "600", "700"]);
    // A link is not followed out of the tree.
    expect(mode(outside)).toBe("644");
  });
});

describe("privateFile", () => {
  it("creates an empty file 0600, and keeps an existing one's content while tightening it", () => {
    const file = join(dir, "new.db");
    privateFile(file);
    expect(mode(file)).toBe("600");
    const old = join(dir, "old.db");
    writeFileSync(old, "kept", { mode: 0o644 });
    privateFile(old);
    expect(mode(old)).toBe("600");
    expect(statSync(old).size).toBe(4);
  });
});
