/**
 * The Docker and Bookmarks core plugins in a real ArchNest (host + built web app, plugins signed and
 * installed as core plugins) against a real dockerd, driven through the host's HTTP API and in Debian
 * chromium: Glance shows the engine's real container counts, the Docker page acts on containers and
 * streams their logs, the Infrastructure page lists the source, the eleventh bookmark meets the lock,
 * and a stopped engine is shown as unreachable. Screenshots land in plugins/docker/test-artifacts/.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ADMIN_PASSWORD, launchChromium, type PluginHost } from "@archnest/host/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startArchNest } from "./archnest-host.js";
import { createContainer, importBusyboxImage, startEngine, type TestEngine } from "./dockerd.js";

const ARTIFACTS = new URL("../test-artifacts/", import.meta.url).pathname;

let engine: TestEngine;
let app: PluginHost;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  engine = await startEngine();
  await importBusyboxImage(engine);
  // Two running (one printing lines), one that ran and exited.
  await createContainer(engine, { name: "api", script: 'trap "exit 0" TERM; i=0; while true; do i=$((i+1)); echo "request $i served"; sleep 0.3; done' });
  await createContainer(engine, { name: "worker", script: 'trap "exit 0" TERM; while true; do sleep 1; done' });
  await createContainer(engine, { name: "migrate", script: "echo done", start: false });
  app = await startArchNest({ plugins: ["docker", "bookmarks", new URL("./fixtures/container-extras/", import.meta.url)] });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  context.setDefaultTimeout(15_000);
  page = await context.newPage();
  page.on("pageerror", (e) => pageErrors.push(e.message));
}, 240_000);

// A failed step leaves a picture of where the page was.
afterEach(async (ctx) => {
  if (ctx.task.result?.state === "fail" && page) await shot(`failed-${ctx.task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, "-")}`).catch(() => undefined);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await engine?.cleanup();
});

describe("Docker and Bookmarks through the host", () => {
  it("installs both as active core plugins", async () => {
    const plugins = (await (await app.request("/api/plugins")).json()) as { id: string; source: string; state: string }[];
    expect(plugins.filter((p) => p.id === "docker" || p.id === "bookmarks").map((p) => [p.id, p.source, p.state])).toEqual(
      expect.arrayContaining([
        ["docker", "core", "active"],
        ["bookmarks", "core", "active"],
      ]),
    );
  });

  it("adds the engine as the one free Docker source; the second answers 402 naming docker-over-ssh", async () => {
    const added = await app.request("/api/plugins/docker/sources", { method: "POST", json: { name: "lab", kind: "unix", socketPath: engine.socketPath } });
    expect(added.status).toBe(201);
    expect(((await added.json()) as { id: string }).id).toBeTruthy();
    const second = await app.request("/api/plugins/docker/sources", { method: "POST", json: { name: "nas", kind: "tcp", host: "10.0.0.9", port: 2376 } });
    expect(second.status).toBe(402);
    const secondBody = await second.json();
    expect(secondBody).toMatchObject({ error: "module_required", module: "docker-over-ssh", limit: "docker-sources", cap: 1 });
    // No registry, no catalog: the host names the module and its store link, never a price of its own.
    expect(secondBody).not.toHaveProperty("price");
  });

  it("keeps 10 bookmarks free, 402 on the 11th naming unlimited-bookmarks; a lapse keeps every bookmark", async () => {
    for (let i = 1; i <= 10; i++) {
      const res = await app.request("/api/plugins/bookmarks/bookmarks", {
        method: "POST",
        json: { title: `Service ${i}`, url: `http://127.0.0.1:9/s${i}`, folder: ["Lab"] },
      });
      expect(res.status).toBe(201);
    }
    const eleventh = await app.request("/api/plugins/bookmarks/bookmarks", { method: "POST", json: { url: "https://eleven.example/" } });
    expect(eleventh.status).toBe(402);
    const eleventhBody = await eleventh.json();
    expect(eleventhBody).toMatchObject({ error: "module_required", module: "unlimited-bookmarks", limit: "bookmarks", cap: 10 });
    expect(eleventhBody).not.toHaveProperty("price");

    app.entitlements.set(["unlimited-bookmarks"]);
    for (const n of [11, 12])
      expect(
        (await app.request("/api/plugins/bookmarks/bookmarks", { method: "POST", json: { title: `Extra ${n}`, url: `https://x${n}.example/` } })).status,
      ).toBe(201);
    app.entitlements.set([]);
    const list = (await (await app.request("/api/plugins/bookmarks/bookmarks")).json()) as { bookmarks: { id: string; title: string; locked: boolean }[] };
    expect(list.bookmarks).toHaveLength(12);
    const locked = list.bookmarks.filter((b) => b.locked);
    expect(locked.map((b) => b.title)).toEqual(["Extra 11", "Extra 12"]);
    expect((await app.request(`/api/plugins/bookmarks/bookmarks/${locked[0]?.id}`, { method: "PUT", json: { url: "https://changed.example/" } })).status).toBe(
      402,
    );
    // Back to ten: removing is always allowed.
    for (const b of locked) expect((await app.request(`/api/plugins/bookmarks/bookmarks/${b.id}`, { method: "DELETE" })).status).toBe(200);
  });
});

describe("in the browser", () => {
  it("signs in and Glance shows the engine's real container counts", async () => {
    await page.goto(app.url);
    await page.getByLabel("Username").fill("admin");
    await page.getByLabel("Password").fill(ADMIN_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Glance", level: 1 }).waitFor();
    const widget = page.getByTestId("docker-widget");
    const row = widget.locator('[data-source="lab"]');
    await row.getByTestId("running-count").waitFor();
    const running = (await engine.docker.listContainers({ filters: { status: ["running"] } })).length;
    const total = (await engine.docker.listContainers({ all: true })).length;
    expect(running).toBe(2);
    expect(await row.getByTestId("running-count").textContent()).toBe(`${running} running`);
    expect(await row.getByTestId("stopped-count").textContent()).toBe(`${total - running} stopped`);
    await page.getByTestId("bookmarks-widget").getByText("Service 1", { exact: true }).waitFor();
    const link = page.getByTestId("bookmarks-widget").getByRole("link", { name: "Service 1", exact: true });
    expect(await link.getAttribute("target")).toBe("_blank");
    expect(await link.getAttribute("rel")).toContain("noopener");
    await shot("glance");
  });

  it("lists containers on the Docker page, streams logs live, and stops and removes with confirmation", async () => {
    await page.getByRole("link", { name: "Docker" }).first().click();
    await page.waitForURL(/\/docker$/);
    const table = page.getByTestId("containers-table");
    await table.locator('tr[data-container="api"]').waitFor();
    expect(await table.locator('tr[data-container="api"] .badge').textContent()).toBe("running");
    expect(await table.locator('tr[data-container="migrate"] .badge').textContent()).toBe("created");
    // CPU and memory fill in from the engine's stats.
    await page.waitForFunction(() => /\d+(\.\d+)? (KiB|MiB|B)/.test(document.querySelector('tr[data-container="api"]')?.textContent ?? ""));
    await shot("docker-page");

    // The free detail; the full inspect is the Container Detail View module, offered where it would plug in.
    await page.getByRole("button", { name: "Details of api" }).click();
    const detail = page.getByTestId("container-detail");
    const apiId = (await engine.docker.getContainer("api").inspect()).Id;
    await detail.getByText(apiId).waitFor();
    // Another plugin's contributions to the declared slots: a row action and a detail part.
    expect(await detail.getByTestId("extras-detail").textContent()).toBe("api on lab");
    expect(await page.locator('tr[data-container="api"]').getByTestId("extras-action").textContent()).toBe(`#${apiId.slice(0, 6)}`);
    await shot("docker-detail");
    await page.getByRole("button", { name: "Details of api" }).click();

    await page.getByRole("button", { name: "Logs of api" }).click();
    const logs = page.getByTestId("logs");
    await page.waitForFunction(() => (document.querySelector('[data-testid="logs"]')?.textContent?.match(/request \d+ served/g) ?? []).length >= 3);
    const first = (await logs.textContent())?.match(/request (\d+) served/g)?.length ?? 0;
    // Following: new lines keep arriving while the dialog is open.
    await page.waitForFunction((n) => (document.querySelector('[data-testid="logs"]')?.textContent?.match(/request \d+ served/g) ?? []).length > n + 2, first);
    await shot("docker-logs");
    await page.keyboard.press("Escape");

    await page.getByRole("button", { name: "Stop worker", exact: true }).click();
    await table.locator('tr[data-container="worker"]').getByRole("button", { name: "Start worker", exact: true }).waitFor({ timeout: 30_000 });
    expect((await engine.docker.getContainer("worker").inspect()).State.Running).toBe(false);

    await page.getByRole("button", { name: "Remove migrate" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("its writable layer are deleted").waitFor();
    await shot("docker-remove-confirm");
    await dialog.getByTestId("confirm-remove").click();
    await table.locator('tr[data-container="migrate"]').waitFor({ state: "detached" });
    await expect(engine.docker.getContainer("migrate").inspect()).rejects.toMatchObject({ statusCode: 404 });

    await page.getByRole("button", { name: "images" }).click();
    await page.getByTestId("images-table").getByText("archnest-test/busybox:1").waitFor();
  });

  it("lists the source with its status on the Infrastructure page", async () => {
    await page.getByRole("link", { name: "Infrastructure" }).click();
    const section = page.getByTestId("docker-section");
    const row = section.locator('tr[data-source="lab"]');
    await row.getByText("Up").waitFor();
    expect(await row.textContent()).toContain("1 running · 1 stopped");
    expect(await row.textContent()).toContain(`unix://${engine.socketPath}`);
    await shot("infrastructure");
  });

  it("meets the lock at the eleventh bookmark", async () => {
    await page.getByRole("link", { name: "Bookmarks" }).first().click();
    await page.getByTestId("bookmarks-page").waitFor();
    expect(await page.getByTestId("bookmark-count").textContent()).toBe("10 of 10 free bookmarks");
    const form = page.getByTestId("bookmark-form").first();
    await form.getByLabel("Address").fill("https://eleventh.example/");
    await form.getByLabel("Title").fill("The eleventh");
    await form.getByRole("button", { name: "Add bookmark" }).click();
    const lock = form.locator('[data-lock-module="unlimited-bookmarks"]');
    await lock.waitFor();
    expect(await lock.textContent()).toContain("Unlimited Bookmarks");
    // Without a registry's catalog the lock names no price rather than inventing one.
    expect(await lock.textContent()).not.toMatch(/\$\d/);
    expect(await page.locator('tr[data-bookmark="The eleventh"]').count()).toBe(0);
    await shot("bookmarks-lock");
  });

  it("imports a browser bookmark file with tricky titles (shown as text) and exports it back", async () => {
    app.entitlements.set(["unlimited-bookmarks"]);
    const file = join(ARTIFACTS, "import-fixture.html");
    writeFileSync(
      file,
      [
        "<!DOCTYPE NETSCAPE-Bookmark-file-1>",
        "<DL><p>",
        "  <DT><H3>Ops &amp; &lt;Infra&gt;</H3>",
        "  <DL><p>",
        '    <DT><A HREF="https://grafana.example/?a=1&amp;b=2" TAGS="metrics">&lt;script&gt;alert(1)&lt;/script&gt; Grafana</A>',
        '    <DT><A HREF="javascript:alert(2)">Bookmarklet</A>',
        "  </DL><p>",
        "</DL><p>",
      ].join("\n"),
    );
    await page.reload();
    await page.getByTestId("bookmarks-page").waitFor();
    await page.getByTestId("import-file").setInputFiles(file);
    const row = page.locator('tr[data-bookmark="<script>alert(1)</script> Grafana"]');
    await row.waitFor();
    expect(await row.textContent()).toContain("Ops & <Infra>");
    expect(await row.getByRole("link").getAttribute("href")).toBe("https://grafana.example/?a=1&b=2");
    expect(await page.locator('tr[data-bookmark="Bookmarklet"]').count()).toBe(0);
    expect(await page.getByTestId("bookmark-count").textContent()).toBe("11 bookmarks");
    await shot("bookmarks-imported");

    const href = (await page.getByRole("link", { name: "Export" }).getAttribute("href")) as string;
    const exported = await (await app.request(href)).text();
    expect(exported).toContain("&lt;script&gt;alert(1)&lt;/script&gt; Grafana");
    expect(exported).toContain("<DT><H3>Ops &amp; &lt;Infra&gt;</H3>");
    expect(exported.match(/<DT><A /g)).toHaveLength(11);
    app.entitlements.set([]);
  });

  it("shows a stopped engine as unreachable, plainly, without blocking the page", async () => {
    await engine.stop();
    await page.getByRole("link", { name: "Docker" }).first().click();
    const status = page.getByTestId("source-status");
    await status.getByText(/Unreachable: Cannot reach the Docker engine "lab"/).waitFor();
    await page
      .getByTestId("containers-error")
      .getByText(/DOCKER_ERR_ENGINE_UNREACHABLE/)
      .waitFor();
    await shot("docker-unreachable");
    await page.getByRole("link", { name: "Glance" }).click();
    await page.getByTestId("docker-widget").getByText("unreachable").waitFor();
    await page.getByTestId("bookmarks-widget").getByText("Service 1", { exact: true }).waitFor();
    await shot("glance-unreachable");
    expect(pageErrors).toEqual([]);
  });
});
