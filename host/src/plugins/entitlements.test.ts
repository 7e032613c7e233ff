import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileEntitlements } from "./entitlements.js";

describe("file entitlements (no registry configured)", () => {
  it("reads entitlements.json, and a change to it applies without a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "archnest-ent-"));
    const ent = FileEntitlements.inDataDir(dir);
    expect(ent.licensed("free")).toBe(true);
    expect(ent.licensed("tmux")).toBe(false);
    const changed = new Promise<void>((resolve) => ent.onChange(resolve));
    const stop = ent.watch();
    writeFileSync(join(dir, "entitlements.json"), JSON.stringify({ modules: ["tmux"] }));
    await changed;
    expect(ent.licensed("tmux")).toBe(true);
    expect(ent.modules()).toEqual(["tmux"]);
    stop();
    rmSync(dir, { recursive: true, force: true });
  });
});
