// The registry's entry point as a real process: configured from the environment, listening, stopping on SIGTERM.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { privateKeyToPem, publicKeyToPem } from "@archnest/sdk";
import { afterAll, describe, expect, it } from "vitest";
import { makeKeys } from "./helpers.js";

const REPO = new URL("../../", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "archnest-registry-main-"));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

function start(env: Record<string, string>): { child: ChildProcess; lines: () => string[]; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ["--conditions=archnest-source", "--import", "tsx", join(REPO, "registry/src/main.ts")], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? "", HOME: dir, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  child.stdout?.on("data", (c: Buffer) => {
    out += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { child, lines: () => out.split("\n").filter(Boolean), exited };
}

async function waitFor<T>(fn: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("registry main", () => {
  it("starts from the environment with keys in the data folder, serves health and logs JSON lines", async () => {
    const keys = makeKeys();
    const data = join(dir, "data");
    mkdirSync(join(data, "keys"), { recursive: true });
    writeFileSync(join(data, "keys", "license.key"), privateKeyToPem(keys.license));
    writeFileSync(join(data, "keys", "index.key"), privateKeyToPem(keys.index));
    writeFileSync(join(data, "keys", "root.pub"), publicKeyToPem(keys.root));
    writeFileSync(join(data, "keys", "keyring.json"), JSON.stringify(keys.keyring));
    const run = start({ ARCHNEST_REGISTRY_PORT: "0", ARCHNEST_REGISTRY_DATA_DIR: data });
    const listening = await waitFor(() => run.lines().find((l) => l.includes('"listening"')), "the listening line");
    const { url, publicUrl } = JSON.parse(listening) as { url: string; publicUrl: string };
    // with port 0 and no ARCHNEST_REGISTRY_PUBLIC_URL, links name the port actually bound
    expect(publicUrl).toBe(url);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9][0-9]*$/);
    const res = await fetch(`${url}/healthz`, { headers: { "x-request-id": "main-test" } });
    expect(await res.json()).toEqual({ ok: true });
    const catalog = (await (await fetch(`${url}/v1/catalog`)).json()) as { modules: unknown[] };
    expect(catalog.modules).toHaveLength(30);
    await waitFor(() => run.lines().find((l) => l.includes('"requestId":"main-test"')), "the request log line");
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
  });

  it("refuses to start without key material, naming the variable and the code", async () => {
    const run = start({ ARCHNEST_REGISTRY_PORT: "0", ARCHNEST_REGISTRY_DATA_DIR: join(dir, "empty") });
    expect(await run.exited).toBe(1);
    const line = run.lines().find((l) => l.includes("cannot start"));
    expect(line).toContain("REG_ERR_CONFIG");
    expect(line).toContain("ARCHNEST_REGISTRY_ROOT_PUB");
  });
});
