// The registry's entry point as a real process: configured from the environment, listening, stopping on SIGTERM.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { privateKeyToPem, publicKeyToPem } from "@archnest/sdk/trust";
import { afterAll, describe, expect, it } from "vitest";
import { call, devBuy, makeKeys, overHttp, registerInstall, signed } from "./helpers.js";

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

/** A data folder with fresh keys in the default places (`<data>/keys/`). */
function dataWithKeys(name: string): string {
  const keys = makeKeys();
  const data = join(dir, name);
  mkdirSync(join(data, "keys"), { recursive: true });
  writeFileSync(join(data, "keys", "license.key"), privateKeyToPem(keys.license));
  writeFileSync(join(data, "keys", "index.key"), privateKeyToPem(keys.index));
  writeFileSync(join(data, "keys", "root.pub"), publicKeyToPem(keys.root));
  writeFileSync(join(data, "keys", "keyring.json"), JSON.stringify(keys.keyring));
  return data;
}

describe("registry main", () => {
  it("starts from the environment with keys in the data folder, serves health and logs JSON lines", async () => {
    const data = dataWithKeys("data");
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

  it("without Stripe and without development mode, refuses checkout with REG_ERR_CHECKOUT_UNCONFIGURED and says so at start and in /readyz", async () => {
    const run = start({ ARCHNEST_REGISTRY_PORT: "0", ARCHNEST_REGISTRY_DATA_DIR: dataWithKeys("no-checkout") });
    const listening = await waitFor(() => run.lines().find((l) => l.includes('"listening"')), "the listening line");
    const { url, checkout } = JSON.parse(listening) as { url: string; checkout: string };
    expect(checkout).toBe("unavailable");
    expect(run.lines().some((l) => l.includes('"level":"warn"') && l.includes("checkout unavailable"))).toBe(true);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, checkout: "unavailable" });

    const registry = overHttp(url);
    const install = await registerInstall(registry);
    const refused = await call(registry, signed(install, "POST", "/v1/checkout", { slug: "tmux" }));
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ code: "REG_ERR_CHECKOUT_UNCONFIGURED" });
    // Nothing to pay on either: the development pages are not served.
    const page = await fetch(`${url}/dev/checkout/dev_cs_guess`);
    expect(page.status).toBe(404);
    expect(await page.json()).toMatchObject({ code: "REG_ERR_CHECKOUT_UNAVAILABLE" });
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
  });

  it("serves the development checkout when ARCHNEST_REGISTRY_DEV_CHECKOUT=1 asks for it", async () => {
    const run = start({ ARCHNEST_REGISTRY_PORT: "0", ARCHNEST_REGISTRY_DATA_DIR: dataWithKeys("dev-checkout"), ARCHNEST_REGISTRY_DEV_CHECKOUT: "1" });
    const listening = await waitFor(() => run.lines().find((l) => l.includes('"listening"')), "the listening line");
    const { url, checkout } = JSON.parse(listening) as { url: string; checkout: string };
    expect(checkout).toBe("development");
    expect(run.lines().some((l) => l.includes("development checkout on"))).toBe(true);
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ ok: true, checkout: "development" });

    const registry = overHttp(url);
    const install = await registerInstall(registry);
    await devBuy(registry, install, "unlimited-hosts");
    const again = await call(registry, signed(install, "POST", "/v1/checkout", { slug: "unlimited-hosts" }));
    expect(await again.json()).toMatchObject({ code: "REG_ERR_ALREADY_OWNED" });
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
