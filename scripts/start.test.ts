// End to end, as a person runs it: `npm start` on its own data folder and ports, then the admin sets up,
// buys a module through the development checkout, installs it from the catalog, and its route answers.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = new URL("..", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "archnest-start-"));
let proc: ChildProcess | undefined;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

afterAll(async () => {
  // npm start runs in its own process group: stop the whole group it made, and nothing else, even when
  // npm itself has already exited.
  if (proc?.pid !== undefined) {
    const exited = proc.exitCode !== null ? Promise.resolve() : new Promise((r) => proc?.once("exit", r));
    try {
      process.kill(-proc.pid, "SIGTERM");
    } catch {
      // The group is already gone.
    }
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("npm start", () => {
  it("brings up registry and host; a module bought through the dev checkout installs from the catalog and answers", async () => {
    const [hostPort, registryPort] = [await freePort(), await freePort()];
    const dataDir = join(dir, "data");
    const env = {
      ...process.env,
      ARCHNEST_DATA_DIR: dataDir,
      ARCHNEST_PORT: String(hostPort),
      ARCHNEST_REGISTRY_PORT: String(registryPort),
      XDG_CONFIG_HOME: join(dir, "config"),
    };
    proc = spawn("npm", ["start"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let output = "";
    proc.stderr?.on("data", (d) => (output += d));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${output.slice(-3000)}`)), 240_000);
      proc?.stdout?.on("data", (d) => {
        output += d;
        if (output.includes("ArchNest is running")) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc?.once("exit", (code) => reject(new Error(`npm start exited with ${code}:\n${output.slice(-3000)}`)));
    });
    const host = `http://127.0.0.1:${hostPort}`;
    const registry = `http://127.0.0.1:${registryPort}`;

    // A paid first-party-style module, signed with the dev release key and published with the CLI.
    const plugin = join(dir, "probe");
    mkdirSync(plugin);
    writeFileSync(
      join(plugin, "package.json"),
      JSON.stringify({
        name: "@archnest/probe",
        type: "module",
        version: "1.0.0",
        archnest: { id: "probe", displayName: "Probe", module: "tmux", sdk: "^1.0.0", server: "server.js" },
      }),
    );
    writeFileSync(
      join(plugin, "server.js"),
      `export default { $archnest: "plugin", sdk: "1.0.0", setup(ctx) { ctx.routes.mount({ fetch: () => Response.json({ probe: "ok" }) }); } };\n`,
    );
    const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, "sdk/cli/bin/archnest-plugin.js"), ...args], { encoding: "utf8", env });
    const keys = join(dataDir, "dev-keys");
    expect(cli("pack", plugin, "--out", join(dir, "probe.tgz")).status).toBe(0);
    expect(cli("sign", join(dir, "probe.tgz"), "--key", join(keys, "release.key")).status).toBe(0);
    const published = cli(
      "publish",
      join(dir, "probe.tgz"),
      "--registry",
      registry,
      "--token",
      readFileSync(join(keys, "registry-author-token"), "utf8").trim(),
    );
    expect(published.status, published.stderr + published.stdout).toBe(0);

    // First run: the admin is created, and the host has registered itself with the registry.
    const setup = await fetch(`${host}/api/setup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: "a long enough password" }),
    });
    expect(setup.status).toBe(201);
    const cookie = (setup.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const { csrfToken } = (await setup.json()) as { csrfToken: string };
    const api = async (path: string, init: RequestInit = {}) =>
      fetch(`${host}${path}`, {
        ...init,
        headers: { cookie, "x-archnest-csrf": csrfToken, "content-type": "application/json", ...(init.headers as Record<string, string>) },
      });
    expect(await (await api("/api/license")).json()).toMatchObject({ state: "valid", modules: [] });
    expect(((await (await api("/api/plugins")).json()) as { id: string; source: string }[]).find((p) => p.id === "notes")).toMatchObject({ source: "core" });
    expect((await api("/api/plugins/install", { method: "POST", body: JSON.stringify({ ref: "@archnest/probe" }) })).status).toBe(402);

    const { url } = (await (await api("/api/catalog/checkout", { method: "POST", body: JSON.stringify({ slug: "tmux" }) })).json()) as { url: string };
    expect(await (await fetch(url)).text()).toMatch(/Development checkout/i);
    expect((await fetch(`${url}/pay`, { method: "POST", redirect: "manual" })).status).toBe(303);
    expect(await (await api("/api/license/refresh", { method: "POST" })).json()).toMatchObject({ modules: ["tmux"] });

    const installed = await api("/api/plugins/install", { method: "POST", body: JSON.stringify({ ref: "@archnest/probe" }) });
    expect(installed.status).toBe(201);
    expect(await (await api("/api/plugins/probe/anything")).json()).toEqual({ probe: "ok" });

    // The web app is served at the root.
    const page = await fetch(`${host}/`);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain('type="importmap"');
  }, 300_000);
});
