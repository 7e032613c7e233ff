import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestTrust, packAndSign } from "@archnest/sdk/testing";
import { publicKeyToPem } from "@archnest/sdk/trust";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const NOTES = new URL("../../plugins/notes", import.meta.url).pathname;
const CHILD = new URL("./fixtures/crash-child.ts", import.meta.url).pathname;
const trust = createTestTrust();
const dir = mkdtempSync(join(tmpdir(), "archnest-crash-"));
const trustFile = join(dir, "trust.json");
const masterKey = randomBytes(32).toString("base64");
let v100 = "";
let v110 = "";

function run(dataDir: string, ...args: string[]) {
  return spawnSync(process.execPath, ["--conditions=archnest-source", "--import", "tsx", CHILD, dataDir, masterKey, trustFile, ...args], {
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, XDG_CONFIG_HOME: join(dir, "config") },
  });
}

beforeAll(async () => {
  writeFileSync(trustFile, JSON.stringify({ root: publicKeyToPem(trust.root), keyring: trust.keyringEnvelope }));
  v100 = await packAndSign(NOTES, trust.release, join(dir, "notes-1.0.0.tgz"));
  const next = join(dir, "notes-next");
  cpSync(NOTES, next, { recursive: true, filter: (src) => !src.includes("node_modules") });
  const pkg = JSON.parse(readFileSync(join(next, "package.json"), "utf8"));
  pkg.version = "1.1.0";
  writeFileSync(join(next, "package.json"), JSON.stringify(pkg));
  v110 = await packAndSign(next, trust.release, join(dir, "notes-1.1.0.tgz"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("installs are atomic when the host is killed", () => {
  for (const point of ["after-stage", "after-rename", "before-commit"]) {
    it(`SIGKILL ${point}: the previous version runs after a restart, staging is clean, database and disk agree`, () => {
      const dataDir = join(dir, `data-${point}`);
      const first = run(dataDir, "install", v100);
      expect(first.stdout, first.stderr).toContain("installed");

      const crashed = run(dataDir, "install", v110, point);
      expect(crashed.signal).toBe("SIGKILL");
      expect(crashed.stdout).not.toContain("installed");

      const after = run(dataDir, "inspect");
      expect(after.status, after.stderr).toBe(0);
      const state = JSON.parse(after.stdout) as { plugins: unknown[]; staging: string[]; disk: Record<string, string[]>; running: string[] };
      expect(state.plugins).toEqual([{ id: "notes", version: "1.0.0", previousVersions: [], state: "active" }]);
      expect(state.staging).toEqual([]);
      expect(state.disk).toEqual({ notes: ["1.0.0"] });
      expect(state.running).toEqual(["notes@1.0.0"]);

      // And the interrupted update goes through cleanly afterwards.
      expect(run(dataDir, "install", v110).stdout).toContain("installed");
      const updated = JSON.parse(run(dataDir, "inspect").stdout) as { plugins: unknown[]; disk: Record<string, string[]> };
      expect(updated.plugins).toEqual([{ id: "notes", version: "1.1.0", previousVersions: ["1.0.0"], state: "active" }]);
      expect(updated.disk).toEqual({ notes: ["1.0.0", "1.1.0"] });
    });
  }
});
