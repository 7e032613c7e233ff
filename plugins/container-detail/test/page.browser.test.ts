/**
 * Container Detail View as it is sold and used, in chromium: published to a real registry and installed
 * without its license, a container's detail on the Docker page shows the module's lock; bought alone in
 * the Module Store, the same detail shows the health check passing, the limits, the environment hidden
 * until revealed, the volume's users and the log searched whole. A real dockerd. Screenshots at 1366x768
 * and 390 px land in plugins/container-detail/test-artifacts/.
 */
import type { TestEngine } from "@archnest/docker/testing";
import { buyInStore, openSignedInPage, signedInContext } from "@archnest/host/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addSource, engineWithContainers, type PluginHost, SECRET, shot, startPluginHost } from "./harness.js";

let h: PluginHost;
let engine: TestEngine;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[] = [];

beforeAll(async () => {
  [engine, h] = await Promise.all([engineWithContainers(), startPluginHost({ web: true, registry: true })]);
  await addSource(h, engine);
  ({ browser, context, page, pageErrors } = await openSignedInPage(h.url, h.admin));
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
  await engine?.cleanup();
});

const openDetail = async (p: Page) => {
  await p.goto(`${h.url}/docker`);
  await p.getByRole("button", { name: "Details of api" }).click();
  await p.getByTestId("container-detail").waitFor();
};

describe("a container's detail on the Docker page", () => {
  it("shows the module's lock until it is bought", async () => {
    await openDetail(page);
    const lock = page.getByTestId("container-detail").locator('[data-lock-module="container-detail"]');
    await lock.waitFor();
    expect(await page.getByTestId("container-inspect").count()).toBe(0);
    await shot(page, "locked-1366");
  });

  it("once bought alone in the store, shows health, limits, hidden environment, volume users and a searched log", async () => {
    const store = await context.newPage();
    await buyInStore(store, h.url, "container-detail");
    await store.close();
    expect(((await (await h.request("/api/license")).json()) as { modules: string[] }).modules).toEqual(["container-detail"]);

    await openDetail(page);
    const inspect = page.getByTestId("container-inspect");
    await inspect.waitFor();
    await expect.poll(async () => inspect.getByTestId("cd-health-status").textContent(), { timeout: 20_000 }).toBe("healthy");
    expect(await inspect.getByTestId("cd-limits").textContent()).toMatch(/memory 64(\.0)? MiB · CPUs 0\.5 · processes 100/);
    await shot(page, "overview-1366");

    await inspect.locator('[data-section="environment"]').click();
    const secret = inspect.locator('tr[data-env="DB_PASSWORD"] td').nth(1);
    expect(await secret.textContent()).toBe("••••••••");
    expect(await page.content()).not.toContain(SECRET);
    await inspect.getByTestId("cd-reveal").click();
    await expect.poll(() => secret.textContent()).toBe(SECRET);
    await shot(page, "environment-revealed-1366");
    await inspect.getByTestId("cd-hide").click();
    expect(await secret.textContent()).toBe("••••••••");

    await inspect.locator('[data-section="storage"]').click();
    await inspect.getByTestId("cd-volume").click();
    await inspect.getByTestId("cd-volume-detail").getByText("Mounted by").waitFor();
    expect(await inspect.getByTestId("cd-volume-detail").textContent()).toContain("api (running) at /data");

    await inspect.locator('[data-section="logs"]').click();
    await inspect.getByLabel("Search the log").fill("upstream timeout");
    await inspect.getByRole("button", { name: "Search" }).click();
    await expect.poll(() => inspect.getByTestId("cd-log-count").textContent()).toBe("4 of 40 lines match “upstream timeout”");
    expect(await inspect.getByTestId("cd-log-download").getAttribute("href")).toMatch(/\/logs\/download$/);
    await shot(page, "logs-1366");

    await inspect.locator('[data-section="image"]').click();
    await inspect.getByTestId("cd-history").waitFor();

    const phone = await signedInContext(browser, h.url, h.admin, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const small = await phone.newPage();
    await openDetail(small);
    await small.getByTestId("cd-health-status").waitFor();
    expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(small, "overview-390");
    await phone.close();
    expect(pageErrors).toEqual([]);
  });
});
