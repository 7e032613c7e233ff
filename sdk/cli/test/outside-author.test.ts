// An outside author, from nothing to a plugin installed from the catalog, with the five commands of
// docs/publish-your-first-plugin.md run by npm itself in a folder outside this repository. The
// @archnest packages come from a real registry on 127.0.0.1 (packed into its library channel as `npm
// start` does); every other package from a mirror of this checkout's node_modules standing in for
// registry.npmjs.org; npm's cache starts empty and any other network access goes to a dead proxy.
// The packages are packed from the workspaces' dist: run the build first.
import { execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { type AddressInfo, createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { attachPlugins, serveHost, serverUrl } from "@archnest/host";
import { createTestHost, type SignedIn, setupAdmin, type TestHost } from "@archnest/host/testing";
import { createRegistry, type Registry } from "@archnest/registry";
import { createTestTrust } from "@archnest/sdk/testing";
import { getRequestListener } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packLibraries } from "../../../scripts/pack-libraries.mjs";
import { type NpmMirror, startNpmMirror } from "./npm-mirror.js";

const REPO = resolve(import.meta.dirname, "../../..");
// The password the guide's install command passes.
const PASSWORD = "the admin password";
const trust = createTestTrust();
let work: string;
let registry: Registry;
let registryServer: Server;
let registryUrl: string;
let mirror: NpmMirror;
let t: TestHost;
let admin: SignedIn;
let hostServer: Server;
let hostUrl: string;
let env: Record<string, string>;

/** One documented command, run by the shell as the author would type it. */
function sh(command: string, cwd: string, extra: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((done) => {
    execFile("sh", ["-c", command], { cwd, env: { ...env, ...extra }, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 }, (error, out, err) =>
      done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, out, err }),
    );
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "archnest-outside-author-"));
  const dataDir = join(work, "registry");
  // npm start's way: the SDK packages packed into the registry's library folder.
  const libraries = await packLibraries(join(dataDir, "libraries"));

  registryServer = createServer();
  await new Promise<void>((r) => registryServer.listen(0, "127.0.0.1", r));
  registryUrl = `http://127.0.0.1:${(registryServer.address() as AddressInfo).port}`;
  registry = await createRegistry({
    dataDir,
    publicUrl: registryUrl,
    licenseKey: trust.license,
    indexKey: trust.index,
    trust: { rootKeys: [trust.root], keyring: trust.keyringEnvelope },
    log: () => {},
  });
  registryServer.on("request", getRequestListener(registry.app.fetch));
  // create-archnest-plugin is unscoped, so npm looks for it on the public registry: the mirror carries
  // it as if published there.
  mirror = await startNpmMirror(join(REPO, "node_modules"), { tarballs: libraries.filter((l) => !l.name.startsWith("@")).map((l) => l.file) });

  t = await createTestHost();
  await attachPlugins(t.host, { trust: [{ rootKeys: [trust.root], keyring: trust.keyringEnvelope }], registryUrl });
  hostServer = serveHost(t.host, { port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((r) => hostServer.once("listening", () => r()));
  hostUrl = serverUrl(hostServer);
  admin = await setupAdmin(t.host, "admin", PASSWORD);

  // The author's machine: a home of its own with the .npmrc the guide asks for, an empty npm cache.
  const home = join(work, "home");
  mkdirSync(home);
  writeFileSync(join(home, ".npmrc"), `@archnest:registry=${registryUrl}/\nregistry=${mirror.url}/\n`);
  env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    npm_config_cache: join(home, ".npm"),
    npm_config_proxy: "http://127.0.0.1:9",
    npm_config_https_proxy: "http://127.0.0.1:9",
    npm_config_noproxy: "127.0.0.1",
    npm_config_yes: "true",
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
    CI: "true",
  };
}, 300_000);

afterAll(async () => {
  hostServer?.closeAllConnections();
  await new Promise<void>((r) => (hostServer ? hostServer.close(() => r()) : r()));
  await t?.cleanup();
  registryServer?.closeAllConnections();
  await new Promise<void>((r) => (registryServer ? registryServer.close(() => r()) : r()));
  await registry?.close();
  await mirror?.close();
  rmSync(work, { recursive: true, force: true });
});

describe("an outside author with the published packages and the guide", () => {
  it("serves the SDK to npm itself from the registry's library channel, without the repository's source condition", async () => {
    const res = await fetch(`${registryUrl}/@archnest%2fsdk`);
    expect(res.status).toBe(200);
    const packument = (await res.json()) as {
      "dist-tags": { latest: string };
      versions: Record<string, { exports: unknown; dist: { integrity: string; signatures: unknown[] } }>;
    };
    const latest = packument.versions[packument["dist-tags"].latest];
    expect(latest?.dist.integrity).toMatch(/^sha512-/);
    expect(latest?.dist.signatures).toHaveLength(1);
    expect(JSON.stringify(latest?.exports)).not.toContain("archnest-source");
    // Libraries are code to build with, not plugins: the catalog does not offer them.
    const catalog = (await (await fetch(`${registryUrl}/v1/catalog`)).json()) as { plugins: { name: string }[] };
    expect(catalog.plugins.map((p) => p.name)).not.toContain("@archnest/sdk");
  });

  it("goes from nothing to the plugin installed from the catalog with the guide's five commands", async () => {
    // The commands are read from the guide itself, so the guide cannot drift from what is tested.
    const guide = readFileSync(join(REPO, "docs/publish-your-first-plugin.md"), "utf8");
    const block = /## The five commands\n\n```sh\n([\s\S]*?)```/.exec(guide)?.[1] ?? "";
    const commands = block.split("\n").filter((l) => l.trim() !== "");
    expect(commands.length).toBeGreaterThan(0);
    expect(commands.length).toBeLessThanOrEqual(5);

    const r = await sh(`set -e\n${commands.join("\n")}`, work, { REGISTRY: registryUrl, HOST: hostUrl });
    const output = r.out + r.err;
    expect(r.code, output).toBe(0);
    const project = join(work, "my-plugin");
    expect(output).toContain("Created @me/my-plugin");
    expect(output).toMatch(/2 passed/);
    expect(output).toMatch(/\[1\/5\] build @me\/my-plugin@0\.1\.0[\s\S]*\[5\/5\] upload/);
    expect(output).toContain("Published @me/my-plugin@0.1.0");
    expect(output).toContain("Installed @me/my-plugin@0.1.0");

    // The keys stay out of git and out of the package.
    expect(readFileSync(join(project, ".gitignore"), "utf8")).toMatch(/\*\.key/);
    expect(readFileSync(join(project, ".github/workflows/release.yml"), "utf8")).toContain("secrets.ARCHNEST_SIGNING_KEY");

    // The catalog lists it; the host runs it and its route answers.
    const catalog = (await (await fetch(`${registryUrl}/v1/catalog`)).json()) as { plugins: { name: string; free: boolean }[] };
    expect(catalog.plugins).toContainEqual(expect.objectContaining({ name: "@me/my-plugin", free: true }));
    const list = (await (await fetch(`${hostUrl}/api/plugins`, { headers: admin.headers })).json()) as { name: string; state: string; source: string }[];
    expect(list).toContainEqual(expect.objectContaining({ name: "@me/my-plugin", state: "active", source: "registry" }));
    const hello = await fetch(`${hostUrl}/api/plugins/my-plugin/hello`, { headers: admin.headers });
    expect(hello.status).toBe(200);
    expect(await hello.json()).toEqual({ message: "Hello from my-plugin", visits: 1 });
  }, 900_000);

  it("archnest-plugin dev starts a host from the project's @archnest/host, installs the plugin into it, and stops it on Ctrl-C", async () => {
    const project = join(work, "my-plugin");
    const installed = await sh("npm install -D @archnest/host", project);
    expect(installed.code, installed.out + installed.err).toBe(0);
    const free = createNetServer();
    await new Promise<void>((r) => free.listen(0, "127.0.0.1", r));
    const port = (free.address() as AddressInfo).port;
    await new Promise((r) => free.close(r));

    // The bin npm linked (npx would stand between the signal and the CLI).
    const devProcess = spawn(join(project, "node_modules", ".bin", "archnest-plugin"), ["dev", "--port", String(port)], { cwd: project, env });
    let output = "";
    for (const stream of [devProcess.stdout, devProcess.stderr]) stream.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    const exited = new Promise<number | null>((r) => devProcess.once("exit", (code) => r(code)));
    try {
      const deadline = Date.now() + 120_000;
      while (!/✓ @me\/my-plugin@0\.1\.0-dev\.\d+ active/.test(output)) {
        if (devProcess.exitCode !== null || Date.now() > deadline) throw new Error(`dev did not install the plugin:\n${output}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(output).toContain(`dev: started a host at http://127.0.0.1:${port}`);
      // The admin dev made is the author's to sign in with, in the browser or here.
      const creds = JSON.parse(readFileSync(join(project, ".archnest", "dev-host", "dev-admin.json"), "utf8")) as { username: string; password: string };
      expect(creds.username).toBe("dev");
      const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(creds),
      });
      expect(login.status).toBe(200);
      const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
      const hello = await fetch(`http://127.0.0.1:${port}/api/plugins/my-plugin/hello`, { headers: { cookie } });
      expect(hello.status).toBe(200);
      expect(await hello.json()).toMatchObject({ message: "Hello from my-plugin" });
      // The web app is served too: the page the author opens.
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toContain("<!doctype html>");
    } finally {
      devProcess.kill("SIGINT");
    }
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r("still running"), 20_000))]);
    if (code !== 0) devProcess.kill("SIGKILL");
    expect(code, output).toBe(0);
    // The host went with it.
    await expect(fetch(`http://127.0.0.1:${port}/api/setup`)).rejects.toThrow();
  }, 300_000);

  it("lets the author test the plugin on a real host with @archnest/host/testing, the harness first-party plugins use", async () => {
    const project = join(work, "my-plugin");
    // The host package came with the dev test above; its harness installs the built plugin on a host of its own.
    writeFileSync(
      join(project, "src", "on-a-host.test.ts"),
      `import { startPluginHost } from "@archnest/host/testing";
import { expect, it } from "vitest";

it("answers on a real host", async () => {
  const h = await startPluginHost({ plugins: [{ dir: process.cwd(), permissions: ["storage"] }] });
  try {
    const res = await h.api("my-plugin", "/hello");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ message: "Hello from my-plugin" });
  } finally {
    await h.close();
  }
}, 120_000);
`,
    );
    const r = await sh("npx archnest-plugin build && npx vitest run src/on-a-host.test.ts", project);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/1 passed/);
  }, 300_000);

  it("npm create archnest-plugin makes the same project, scoped as asked, and never writes into a folder with files", async () => {
    const r = await sh("npm create archnest-plugin@latest @acme/status-board", work);
    expect(r.code, r.out + r.err).toBe(0);
    const pkg = JSON.parse(readFileSync(join(work, "status-board", "package.json"), "utf8")) as {
      name: string;
      archnest: { id: string; contributes: { pages: { component: string }[] } };
    };
    expect(pkg.name).toBe("@acme/status-board");
    expect(pkg.archnest.id).toBe("status-board");
    expect(pkg.archnest.contributes.pages[0]?.component).toBe("StatusBoardPage");
    expect(readFileSync(join(work, "status-board", "src", "web.tsx"), "utf8")).toContain("export function StatusBoardPage");
    expect(readFileSync(join(work, "status-board", "src", "server.ts"), "utf8")).toContain('"STATUS_BOARD_ERR_NOT_FOUND"');
    const keyring = JSON.parse(readFileSync(join(work, "status-board", "keyring.json"), "utf8")) as { payload: string };
    expect(Buffer.from(keyring.payload, "base64").toString()).toContain("@acme/*");

    const before = readFileSync(join(work, "status-board", "package.json"), "utf8");
    const again = await sh("npm create archnest-plugin@latest @acme/status-board", work);
    expect(again.code).not.toBe(0);
    expect(again.err).toContain("SDK_ERR_CREATE_TARGET_EXISTS");
    expect(readFileSync(join(work, "status-board", "package.json"), "utf8")).toBe(before);
  }, 300_000);
});
