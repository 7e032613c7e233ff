// `archnest-plugin dev` against a real host on 127.0.0.1: a scaffolded plugin is built, signed with a
// development key made on the first run and installed; an edit to a source file is served as a new
// version, and the host's UI event stream announces it to open pages.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Writable } from "node:stream";
import { launchChromium, type PluginHost, type SignedIn, screenshot, signIn, startPluginHost } from "@archnest/host/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/index.js";

const REPO = resolve(import.meta.dirname, "../../..");
const ARTIFACTS = resolve(import.meta.dirname, "../test-artifacts");
// The admin password startPluginHost sets up.
const PASSWORD = "correct horse battery";
let work: string;
let project: string;
let host: PluginHost;
let admin: SignedIn;
let hostUrl: string;
let child: ChildProcess | undefined;
let output = "";

/** Resolves once the dev process has printed `count` installs, with the last one's line. */
function installed(count: number): Promise<string> {
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`no install #${count} within 120 s:\n${output}`)), 120_000);
    const check = () => {
      const lines = output.split("\n").filter((l) => l.startsWith("✓ "));
      if (lines.length >= count) {
        clearTimeout(timer);
        child?.stdout?.off("data", check);
        done(lines[count - 1] ?? "");
      }
    };
    child?.stdout?.on("data", check);
    child?.once("exit", (code) => fail(new Error(`dev exited with ${code}:\n${output}`)));
    check();
  });
}

async function hello(): Promise<{ message: string }> {
  const res = await fetch(`${hostUrl}/api/plugins/my-plugin/hello`, { headers: admin.headers });
  expect(res.status).toBe(200);
  return (await res.json()) as { message: string };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "archnest-cli-dev-"));
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  expect(await main(["create", "@me/my-plugin"], { stdout: sink, stderr: sink, env: {}, cwd: work })).toBe(0);
  project = join(work, "my-plugin");
  // The packages the scaffold's npm install would bring, from this checkout.
  symlinkSync(join(REPO, "node_modules"), join(project, "node_modules"));

  // A host with the web shell and no plugins of its own: `dev` brings the only one.
  host = await startPluginHost({ plugins: [], web: true });
  hostUrl = host.url;
  admin = host.admin;
});

afterAll(async () => {
  if (child?.pid && child.exitCode === null) {
    child.kill("SIGTERM");
    await new Promise((r) => child?.once("exit", r));
  }
  await host?.close();
  rmSync(work, { recursive: true, force: true });
});

describe("archnest-plugin dev", () => {
  it("installs the plugin signed with a development key, then serves each saved edit as a new version, announced on the UI event stream", async () => {
    child = spawn(process.execPath, [join(REPO, "sdk/cli/bin/archnest-plugin.js"), "dev", "--host", hostUrl, "--user", "admin"], {
      cwd: project,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ARCHNEST_PASSWORD: PASSWORD },
    });
    child.stdout?.on("data", (c: Buffer) => {
      output += c.toString();
    });
    child.stderr?.on("data", (c: Buffer) => {
      output += c.toString();
    });

    const first = await installed(1);
    expect(first).toMatch(/^✓ @me\/my-plugin@0\.1\.0-dev\.\d+ active/);
    expect(output).toMatch(/dev: build…[\s\S]*dev: pack and sign…[\s\S]*dev: install…/);
    expect((await hello()).message).toBe("Hello from my-plugin");
    // The development key was made in the git-ignored .archnest/ folder and is trusted as a publisher.
    expect(existsSync(join(project, ".archnest/dev-keys/release.key"))).toBe(true);
    expect(readFileSync(join(project, ".gitignore"), "utf8")).toMatch(/^\.archnest\/$/m);
    const publishers = (await (await fetch(`${hostUrl}/api/trust/publishers`, { headers: admin.headers })).json()) as { publishers: { name: string }[] };
    expect(publishers.publishers.map((p) => p.name)).toContain("me (development)");

    // The plugin's page, open in the shell; a marker on window survives only if the page never reloads.
    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await signIn(page, hostUrl, PASSWORD);
    await page.getByRole("link", { name: "My plugin" }).first().click();
    await page.getByRole("heading", { name: "My plugin", level: 1 }).waitFor();
    await page.getByTestId("my-plugin-greeting").getByText("Hello from my-plugin").waitFor();
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));

    // An open page follows the host's event stream; the edit must reach it as a manifest change.
    const events = await fetch(`${hostUrl}/api/ui/events`, { headers: admin.headers });
    const reader = (events.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const firstEvent = decoder.decode((await reader.read()).value, { stream: true });
    const before = Number(/"version":(\d+)/.exec(firstEvent)?.[1]);

    const server = join(project, "src/server.ts");
    writeFileSync(server, readFileSync(server, "utf8").replace("from my-plugin", "from the edited plugin"));
    const web = join(project, "src/web.tsx");
    writeFileSync(web, readFileSync(web, "utf8").replace("<h1>My plugin</h1>", "<h1>My edited plugin</h1>"));
    const second = await installed(2);
    expect(second).toMatch(/active/);
    expect(second.split(" ")[1]).not.toBe(first.split(" ")[1]);
    expect((await hello()).message).toBe("Hello from the edited plugin");

    // The stream announces the new manifest version, which open pages refetch to load the new module.
    let seen = "";
    let after = before;
    while (after <= before) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += decoder.decode(value, { stream: true });
      for (const m of seen.matchAll(/event: manifest\ndata: \{"version":(\d+)/g)) after = Math.max(after, Number(m[1]));
    }
    expect(after).toBeGreaterThan(before);

    await page.getByRole("heading", { name: "My edited plugin", level: 1 }).waitFor({ timeout: 60_000 });
    await page.getByTestId("my-plugin-greeting").getByText("Hello from the edited plugin").waitFor();
    expect(await page.evaluate(() => (window as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await screenshot(page, ARTIFACTS, "dev-page-updated-1366");
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, ARTIFACTS, "dev-page-updated-390");
    await browser.close();
    await reader.cancel();

    const plugins = (await (await fetch(`${hostUrl}/api/plugins`, { headers: admin.headers })).json()) as { name: string; version: string; source: string }[];
    expect(plugins.find((p) => p.name === "@me/my-plugin")).toMatchObject({ version: second.split(" ")[1]?.split("@")[2], source: "file" });
  }, 300_000);

  it("without --host and without @archnest/host in the project, says how to get a host and starts nothing", async () => {
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    expect(await main(["create", "@me/bare"], { stdout: sink, stderr: sink, env: {}, cwd: work })).toBe(0);
    let err = "";
    const stderr = new Writable({
      write: (chunk, _e, cb) => {
        err += String(chunk);
        cb();
      },
    });
    const code = await main(["dev", join(work, "bare"), "--once"], { stdout: sink, stderr, env: {}, cwd: work });
    expect(code).toBe(2);
    expect(err).toContain("SDK_ERR_USAGE");
    expect(err).toContain("npm install -D @archnest/host");
    expect(existsSync(join(work, "bare", ".archnest", "dev-host"))).toBe(false);
  });
});
