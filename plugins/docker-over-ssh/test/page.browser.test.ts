/**
 * Docker over SSH as it is sold and used, in chromium: published to a real registry and installed without
 * its license, the Docker page's source form shows the module's lock with its price for an SSH host; bought
 * alone in the Module Store (the registry's development checkout), the same form adds the engine of the
 * registered sshd's host by its socket, and the page lists that engine's containers and stops one. A real
 * dockerd on a unix socket, reached only through sshd. Screenshots at 1366x768 and 390 px land in
 * plugins/docker-over-ssh/test-artifacts/.
 */

import { createContainer, importBusyboxImage, startEngine, type TestEngine } from "@archnest/docker/testing";
import { buyInStore, openSignedInPage } from "@archnest/host/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PluginHost, shot, startPluginHost } from "./harness.js";

let h: PluginHost;
let engine: TestEngine;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[] = [];

beforeAll(async () => {
  engine = await startEngine();
  await importBusyboxImage(engine);
  await createContainer(engine, { name: "api", script: "trap 'exit 0' TERM; while :; do sleep 1; done" });
  await createContainer(engine, { name: "nightly-backup", script: "true", start: false });
  h = await startPluginHost({ web: true, registry: true });
  ({ browser, context, page, pageErrors } = await openSignedInPage(h.url, h.admin));
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
  await engine?.cleanup();
});

const form = () => page.getByTestId("source-form");

describe("the Docker page with Docker over SSH", () => {
  it("shows the module's lock for an SSH host until it is bought, and refuses SSH sources with its 402", async () => {
    const refused = await h.request("/api/plugins/docker/sources", {
      method: "POST",
      json: { kind: "ssh", name: "web-1", hostId: h.hostId, socketPath: engine.socketPath },
    });
    expect(refused.status).toBe(402);
    expect(await refused.json()).toMatchObject({ error: "module_required", module: "docker-over-ssh", price: expect.stringMatching(/^\$/) });

    await page.goto(`${h.url}/docker`);
    await form().getByTestId("source-kind").selectOption("ssh");
    const lock = form().locator('[data-lock-module="docker-over-ssh"]');
    await lock.waitFor();
    expect(await lock.textContent()).toMatch(/\$5/);
    expect(await form().getByRole("button", { name: "Test and add" }).isDisabled()).toBe(true);
    await shot(page, "locked-1366");
  });

  it("once bought alone in the store, adds the SSH host's engine through the form and manages its containers", async () => {
    const store = await context.newPage();
    await buyInStore(store, h.url, "docker-over-ssh");
    await store.close();
    expect(((await (await h.request("/api/license")).json()) as { modules: string[] }).modules).toEqual(["docker-over-ssh"]);

    await page.goto(`${h.url}/docker`);
    await form().locator("input[required]").first().fill("web-1 engine");
    await form().getByTestId("source-kind").selectOption("ssh");
    await form()
      .getByTestId("ssh-host")
      .selectOption({ label: `test-sshd (${h.sshd.user}@127.0.0.1:${h.sshd.port})` });
    await form().getByTestId("ssh-socket").fill(engine.socketPath);
    await shot(page, "form-1366");
    await form().getByRole("button", { name: "Test and add" }).click();

    const row = page.locator('tr[data-container="api"]');
    await row.waitFor();
    await page.locator('tr[data-container="nightly-backup"]').waitFor();
    expect(await page.locator("[data-source-id]").textContent()).toContain(`ssh://test-sshd${engine.socketPath}`);
    await page
      .getByTestId("source-status")
      .getByText(/Docker \d/)
      .waitFor();
    await shot(page, "containers-1366");

    await row.getByRole("button", { name: "Stop api" }).click();
    await expect.poll(async () => (await engine.docker.getContainer("api").inspect()).State.Running, { timeout: 20_000 }).toBe(false);
    await row.getByRole("button", { name: "Start api" }).waitFor();

    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.locator('tr[data-container="api"]').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, "containers-390");
    expect(pageErrors).toEqual([]);
  });
});
