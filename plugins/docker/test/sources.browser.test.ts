/**
 * Docker sources in a real ArchNest (host over HTTP, built web app, the plugin signed and installed as a
 * core plugin) against a real dockerd, and in Debian chromium: a source is tested before it is saved (a
 * closed socket is refused with the step and the reason, "Save anyway" keeps it), an Edit action opens the
 * same form prefilled and changes the source (stored TLS material kept, never sent to the browser), and a
 * source past the free cap says why on its card. Screenshots land in plugins/docker/test-artifacts/.
 */
import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ADMIN_PASSWORD, launchChromium, type PluginHost, screenshot, signIn } from "@archnest/host/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startArchNest } from "./archnest-host.js";
import { startEngine, type TestEngine } from "./dockerd.js";

const ARTIFACTS = new URL("../test-artifacts/", import.meta.url).pathname;
const CERT = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----";
// A real key made for this run (a key-shaped literal would be one more private key in the repository).
const KEY = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ format: "pem", type: "pkcs8" }).toString();

let engine: TestEngine;
let app: PluginHost;
let browser: Browser;
let page: Page;
let dir: string;
let closedSocket: string;
/** Every body the Docker plugin's API sent to the browser. */
const bodies: string[] = [];

interface Source {
  id: string;
  name: string;
  socketPath?: string;
  tls: boolean;
  address: string;
  locked: boolean;
}
const sources = async () => ((await (await app.request("/api/plugins/docker/sources")).json()) as { sources: Source[] }).sources;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "archnest-docker-sources-"));
  // A socket file nobody listens on: a process bound it and exited without closing, so connecting is refused.
  closedSocket = join(dir, "closed.sock");
  spawnSync(process.execPath, ["-e", `require("node:net").createServer().listen(${JSON.stringify(closedSocket)}, () => process.exit(0))`]);
  engine = await startEngine();
  app = await startArchNest({ plugins: ["docker"] });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  context.setDefaultTimeout(15_000);
  page = await context.newPage();
  page.on("response", async (res) => {
    if (res.url().includes("/api/plugins/docker/")) bodies.push(await res.text().catch(() => ""));
  });
  await signIn(page, app.url, ADMIN_PASSWORD);
}, 240_000);

afterEach(async (ctx) => {
  if (ctx.task.result?.state === "fail" && page)
    await screenshot(page, ARTIFACTS, `failed-${ctx.task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, "-")}`).catch(() => undefined);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await engine?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("a Docker source is tested before it is saved", () => {
  it("over HTTP: a closed socket is refused naming the step and the reason, and nothing is saved", async () => {
    const res = await app.request("/api/plugins/docker/sources", { method: "POST", json: { name: "closed", kind: "unix", socketPath: closedSocket } });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: string; message: string; step: string; cause: { error: string; message: string } };
    expect(body).toMatchObject({ error: "DOCKER_ERR_SOURCE_TEST_FAILED", step: "GET /_ping", cause: { error: "DOCKER_ERR_ENGINE_UNREACHABLE" } });
    expect(body.message).toBe(
      `Testing the source failed at GET /_ping: Cannot reach the Docker engine "closed" (unix://${closedSocket}): the connection was refused (ECONNREFUSED).`,
    );
    expect(await sources()).toEqual([]);
  });

  it("in the browser: the error names what failed, and Save anyway keeps the source", async () => {
    await page.getByRole("link", { name: "Docker" }).first().click();
    const form = page.getByTestId("source-form");
    await form.getByLabel("Name").fill("lab");
    await form.getByLabel("Socket path").fill(closedSocket);
    await form.getByRole("button", { name: "Test and add" }).click();
    const error = form.getByTestId("source-error");
    await error.waitFor();
    expect(await error.textContent()).toContain("Testing the source failed at GET /_ping");
    expect(await error.textContent()).toContain("the connection was refused (ECONNREFUSED)");
    expect(await sources()).toEqual([]);
    await screenshot(page, ARTIFACTS, "source-test-failed");
    await form.getByRole("button", { name: "Save anyway" }).click();
    await page
      .getByTestId("source-status")
      .getByText(/Unreachable: Cannot reach the Docker engine "lab"/)
      .waitFor();
    expect((await sources()).map((s) => [s.name, s.socketPath])).toEqual([["lab", closedSocket]]);
  });

  it("Edit opens the same form prefilled; pointing it at the engine is tested and saved", async () => {
    await page.getByRole("button", { name: "Edit lab" }).click();
    const dialog = page.getByRole("dialog", { name: "Edit lab" });
    const form = dialog.getByTestId("source-form");
    expect(await form.getByLabel("Name").inputValue()).toBe("lab");
    expect(await form.getByLabel("Socket path").inputValue()).toBe(closedSocket);
    await screenshot(page, ARTIFACTS, "source-edit");
    // Still the closed socket, renamed: refused, and the stored source is unchanged.
    await form.getByLabel("Name").fill("lab engine");
    await form.getByRole("button", { name: "Test and save" }).click();
    await form.getByTestId("source-error").getByText("GET /_ping").waitFor();
    expect((await sources()).map((s) => s.name)).toEqual(["lab"]);
    await form.getByLabel("Socket path").fill(engine.socketPath);
    await form.getByRole("button", { name: "Test and save" }).click();
    await dialog.waitFor({ state: "detached" });
    await page
      .getByTestId("source-status")
      .getByText(/^Docker \d+\./)
      .waitFor();
    expect((await sources()).map((s) => [s.name, s.socketPath])).toEqual([["lab engine", engine.socketPath]]);
  });

  it("keeps a TLS source's stored key on edit unless replaced, and never sends it to the browser", async () => {
    app.entitlements.set(["docker-over-ssh"]);
    const added = await app.request("/api/plugins/docker/sources?untested=1", {
      method: "POST",
      json: { name: "nas", kind: "tcp", host: "127.0.0.1", port: 9, tls: { cert: CERT, key: KEY } },
    });
    expect(added.status).toBe(201);
    await page.reload();
    await page.getByRole("button", { name: "nas", exact: true }).click();
    await page.getByRole("button", { name: "Edit nas" }).click();
    const form = page.getByRole("dialog", { name: "Edit nas" }).getByTestId("source-form");
    expect(await form.getByLabel("Host", { exact: true }).inputValue()).toBe("127.0.0.1");
    expect(await form.getByLabel("TLS with a client certificate").isChecked()).toBe(true);
    // The stored certificate and key are kept, not shown: no field holds them until the person replaces them.
    await form.getByTestId("tls-kept").waitFor();
    expect(await form.getByLabel("Client key (PEM)").count()).toBe(0);
    await form.getByLabel("Name").fill("nas-2");
    await form.getByRole("button", { name: "Test and save" }).click();
    // Nothing listens on port 9: the test fails, and the person saves anyway.
    await form.getByTestId("source-error").getByText("GET /_ping").waitFor();
    await form.getByRole("button", { name: "Save anyway" }).click();
    await page.getByRole("button", { name: "nas-2", exact: true }).waitFor();
    const nas = (await sources()).find((s) => s.name === "nas-2");
    expect(nas).toMatchObject({ tls: true, address: "tcp://127.0.0.1:9 (TLS)" });
    expect(bodies.length).toBeGreaterThan(5);
    expect(bodies.join("\n")).not.toContain("PRIVATE KEY");
    expect(bodies.join("\n")).not.toContain("secretkeymaterial");
  });

  it("says why on a source's card past the free cap, in words, not only a tooltip", async () => {
    app.entitlements.set([]);
    await page.reload();
    await page.getByRole("button", { name: "nas-2", exact: true }).click();
    const reason = page.getByTestId("locked-reason");
    await reason.waitFor();
    expect(await reason.isVisible()).toBe(true);
    expect(await reason.textContent()).toContain("Free core: 1 Docker source.");
    // The price would come from the registry's catalog; this host has none, so the card names none.
    expect(await reason.textContent()).toMatch(/Unlock(?! for \$)/);
    expect(await page.getByRole("button", { name: "Edit nas-2" }).count()).toBe(0);
    const cap = page.getByTestId("cap-reason");
    expect(await cap.isVisible()).toBe(true);
    expect(await cap.textContent()).toMatch(/^Free core: 1 Docker source\. Unlock with/);
    await screenshot(page, ARTIFACTS, "source-locked");
    const edit = await app.request(`/api/plugins/docker/sources/${(await sources()).find((s) => s.name === "nas-2")?.id}`, {
      method: "PUT",
      json: { name: "nas-3", kind: "tcp", host: "127.0.0.1", port: 9 },
    });
    expect(edit.status).toBe(402);

    await page.getByRole("link", { name: "Infrastructure" }).click();
    const row = page.getByTestId("docker-section").locator('tr[data-source="nas-2"]');
    await row.getByTestId("locked-reason").waitFor();
    expect(await row.getByTestId("locked-reason").textContent()).toContain("Free core: 1 Docker source. Unlock with");
    await screenshot(page, ARTIFACTS, "source-locked-infrastructure");
  });
});
