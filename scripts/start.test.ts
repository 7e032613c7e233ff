// End to end, as a person runs it: `npm start` on its own data folder and ports, then the admin sets up,
// buys a module through the development checkout, installs it from the catalog, and its route answers.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = new URL("..", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "archnest-start-"));
const procs: ChildProcess[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** True when something accepts connections on the port of 127.0.0.1. */
async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Runs `npm start` in its own process group with `env`; resolves with everything it printed once it is up. */
async function npmStart(env: NodeJS.ProcessEnv): Promise<string> {
  const proc = spawn("npm", ["start"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  procs.push(proc);
  let output = "";
  proc.stderr?.on("data", (d) => (output += d));
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${output.slice(-3000)}`)), 240_000);
    proc.stdout?.on("data", (d) => {
      output += d;
      // The summary is one write, ending with the data folder line.
      if (/ArchNest is running[\s\S]*data: /.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    });
    proc.once("exit", (code) => reject(new Error(`npm start exited with ${code}:\n${output.slice(-3000)}`)));
  });
}

afterAll(async () => {
  // npm start runs in its own process group: stop the whole group it made, and nothing else, even when
  // npm itself has already exited.
  for (const proc of procs) {
    if (proc.pid === undefined) continue;
    const exited = proc.exitCode !== null ? Promise.resolve() : new Promise((r) => proc.once("exit", r));
    try {
      process.kill(-proc.pid, "SIGTERM");
    } catch {
      // The group is already gone.
    }
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

/** The first stack's registry, which the second test uses as an external one. */
let firstRegistry = "";

describe("npm start", () => {
  it("brings up registry and host, prints the setup link; a module bought through the dev checkout installs from the catalog and answers", async () => {
    const [hostPort, registryPort] = [await freePort(), await freePort()];
    const dataDir = join(dir, "data");
    const env = {
      ...process.env,
      ARCHNEST_DATA_DIR: dataDir,
      ARCHNEST_PORT: String(hostPort),
      ARCHNEST_REGISTRY_PORT: String(registryPort),
      XDG_CONFIG_HOME: join(dir, "config"),
    };
    const output = await npmStart(env);
    const host = `http://127.0.0.1:${hostPort}`;
    const registry = `http://127.0.0.1:${registryPort}`;
    firstRegistry = registry;
    expect(output).toContain(`registry: started on ${registry} (local, development checkout`);
    // The setup link carries the code the host wrote (0600) into its data folder.
    const setupCode = /first-run setup: \S+\/\?setup=([0-9a-f]{32})/.exec(output)?.[1];
    expect(setupCode).toBe(readFileSync(join(dataDir, "host", "setup-code"), "utf8").trim());
    expect(await (await fetch(`${registry}/readyz`)).json()).toEqual({ ok: true, checkout: "development" });

    // The SDK's npm packages are in the registry's library channel: npm itself fetches one and checks
    // its dist.integrity (`npm pack` of a registry spec needs no dependencies).
    const sdkVersion = (JSON.parse(readFileSync(join(ROOT, "sdk/core/package.json"), "utf8")) as { version: string }).version;
    const sdk = spawnSync("npm", ["pack", `@archnest/sdk@${sdkVersion}`, "--registry", registry, "--pack-destination", dir, "--json"], {
      encoding: "utf8",
      env: { ...env, npm_config_cache: join(dir, "npm-cache") },
    });
    expect(sdk.status, sdk.stderr).toBe(0);
    expect(JSON.parse(sdk.stdout)).toMatchObject([{ name: "@archnest/sdk", version: sdkVersion }]);
    // So is the Docker push agent, for `npx @archnest/docker-agent` on a Docker host.
    const agentVersion = (JSON.parse(readFileSync(join(ROOT, "plugins/docker-push-agent/agent/package.json"), "utf8")) as { version: string }).version;
    const agentPack = spawnSync("npm", ["pack", `@archnest/docker-agent@${agentVersion}`, "--registry", registry, "--pack-destination", dir, "--json"], {
      encoding: "utf8",
      env: { ...env, npm_config_cache: join(dir, "npm-cache") },
    });
    expect(agentPack.status, agentPack.stderr).toBe(0);
    expect(JSON.parse(agentPack.stdout)[0].files.map((f: { path: string }) => f.path)).toEqual(
      expect.arrayContaining(["bin/archnest-docker-agent.js", "dist/cli.js", "Dockerfile"]),
    );

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
      body: JSON.stringify({ username: "admin", password: "a long enough password", setupCode }),
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

  it("uses the registry ARCHNEST_REGISTRY_URL names, says so, and starts none of its own", async () => {
    expect(firstRegistry).not.toBe("");
    const [hostPort, registryPort] = [await freePort(), await freePort()];
    const dataDir = join(dir, "data-2");
    const env = {
      ...process.env,
      ARCHNEST_DATA_DIR: dataDir,
      ARCHNEST_PORT: String(hostPort),
      ARCHNEST_REGISTRY_PORT: String(registryPort),
      ARCHNEST_REGISTRY_URL: firstRegistry,
      XDG_CONFIG_HOME: join(dir, "config-2"),
    };
    const output = await npmStart(env);
    expect(output).toContain(`registry: using external ${firstRegistry}`);
    expect(output).not.toContain("registry: started");
    expect(await listening(registryPort)).toBe(false);

    const host = `http://127.0.0.1:${hostPort}`;
    const setupCode = readFileSync(join(dataDir, "host", "setup-code"), "utf8").trim();
    const setup = await fetch(`${host}/api/setup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: "a long enough password", setupCode }),
    });
    expect(setup.status).toBe(201);
    const cookie = (setup.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    // The catalog comes from the first stack's registry: it lists the plugin published there.
    const catalog = (await (await fetch(`${host}/api/catalog`, { headers: { cookie } })).json()) as { plugins: { name: string }[] };
    expect(catalog.plugins.map((p) => p.name)).toContain("@archnest/probe");
  }, 300_000);
});
