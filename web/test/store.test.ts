/**
 * The Module Store in a real browser against the real host and a real registry: buy the Light theme
 * through the registry's development checkout, come back, watch it install, apply it, and see the page
 * change without a reload. Only the Light theme's package is published, so the other package modules are
 * coming soon and cannot be bought.
 */
import { mkdirSync } from "node:fs";
import { launchChromium } from "@archnest/host/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packFirstPartyPlugin, type RunningApp, startApp } from "./app-harness.js";

const ARTIFACTS = new URL("../test-artifacts/", import.meta.url).pathname;

let app: RunningApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  app = await startApp({ registry: true, publish: async (trust) => [await packFirstPartyPlugin("theme-light", trust)] });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(15_000);
  // Record the install events the page receives, to check the progress shown is this install's.
  await page.addInitScript(() => {
    const seen: { id: string; phase: string; progress: number }[] = [];
    (window as unknown as { installEvents: typeof seen }).installEvents = seen;
    const Original = window.EventSource;
    window.EventSource = class extends Original {
      constructor(url: string | URL, init?: EventSourceInit) {
        super(url, init);
        this.addEventListener("install", (e) => seen.push(JSON.parse((e as MessageEvent<string>).data)));
      }
    };
    // And what the store cards show of it: every state of an install-progress element, however briefly shown.
    const shown: { module: string | null; text: string; value: string | null }[] = [];
    (window as unknown as { progressShown: typeof shown }).progressShown = shown;
    new MutationObserver(() => {
      for (const el of Array.from(document.querySelectorAll('[data-testid="install-progress"]'))) {
        const entry = {
          module: el.closest("[data-module]")?.getAttribute("data-module") ?? null,
          text: el.textContent ?? "",
          value: el.querySelector('[role="progressbar"]')?.getAttribute("aria-valuenow") ?? null,
        };
        const last = shown.at(-1);
        if (!last || last.module !== entry.module || last.text !== entry.text || last.value !== entry.value) shown.push(entry);
      }
    }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe("the Module Store", () => {
  it("sells the Light theme through checkout, installs it with progress and applies it without a reload", async () => {
    // The link `npm start` prints fills the setup code in.
    await page.goto(`${app.url}/?setup=${app.setupCode}`);
    expect(await page.getByLabel("Setup code").inputValue()).toBe(app.setupCode);
    await page.getByLabel("Username").fill("admin");
    await page.getByLabel("Password", { exact: true }).fill("correct horse battery");
    await page.getByLabel("Confirm password").fill("correct horse battery");
    await page.getByRole("button", { name: "Create admin and continue" }).click();
    await page.getByRole("heading", { name: "Glance", level: 1 }).waitFor();

    await page.getByRole("link", { name: "Settings" }).click();
    await page.getByRole("link", { name: "Module Store" }).click();
    const card = page.locator('[data-module="theme-light"]');
    await card.waitFor();
    expect(await card.getAttribute("data-owned")).toBe("false");
    expect(await card.getAttribute("data-available")).toBe("true");
    const bundle = page.locator('[data-bundle="all-themes"]');
    expect(await bundle.textContent()).toContain("Save $5");
    expect(await bundle.textContent()).toContain("$10");
    await page.screenshot({ path: `${ARTIFACTS}store.png` });

    // Every request of the purchase walk, on the host's and the registry's origins, succeeds.
    const failed: string[] = [];
    // Leaving the shell for the checkout aborts its event stream: that is the page going, not a failure.
    page.on("requestfailed", (r) => {
      if (r.failure()?.errorText !== "net::ERR_ABORTED") failed.push(`failed ${r.url()}: ${r.failure()?.errorText}`);
    });
    page.on("response", (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    page.on("console", (m) => {
      if (m.type() === "error") failed.push(`console: ${m.text()}`);
    });
    const favicon = page.waitForResponse((r) => new URL(r.url()).pathname === "/favicon.svg" && r.url().startsWith(app.registry?.url ?? "-"));
    await card.getByRole("button", { name: "Unlock for $5" }).click();
    await page.waitForURL((u) => u.origin !== new URL(app.url).origin);
    expect((await favicon).status()).toBe(200);
    await page.screenshot({ path: `${ARTIFACTS}dev-checkout.png` });
    await page.getByRole("button", { name: /Pay \$5/ }).click();
    await page.getByRole("heading", { name: "Payment received" }).waitFor();
    await page.getByRole("link", { name: "Back to ArchNest" }).click();

    await page.waitForURL(/\/settings\/store/);
    await page.evaluate(() => {
      (window as unknown as { noReload: boolean }).noReload = true;
    });
    const back = page.locator('[data-module="theme-light"]');
    await back.locator('[data-owned="true"], .badge').first().waitFor();
    await back.getByRole("button", { name: "Use theme" }).waitFor({ timeout: 30_000 });
    const before = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await back.getByRole("button", { name: "Use theme" }).click();
    await page.waitForFunction(() => document.documentElement.dataset.theme === "theme-light");
    const after = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(after).toBe("rgb(247, 248, 250)");
    expect(before).not.toBe(after);
    expect(await page.evaluate(() => (window as unknown as { noReload?: boolean }).noReload)).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}store-light-theme.png` });
    expect(failed).toEqual([]);
    const events = await page.evaluate(() => (window as unknown as { installEvents: { id: string; phase: string; progress: number }[] }).installEvents);
    const ours = events.filter((e) => e.id === "store:@archnest/theme-light");
    expect(ours.map((e) => e.phase)).toContain("verify");
    expect(ours.at(-1)).toMatchObject({ phase: "done", progress: 1 });
    // The card showed that install's progress: the phase in words and the bar at the event's value.
    const shown = await page.evaluate(
      () => (window as unknown as { progressShown: { module: string | null; text: string; value: string | null }[] }).progressShown,
    );
    const verify = ours.find((e) => e.phase === "verify");
    expect(shown.filter((e) => e.module === "theme-light")).toContainEqual({
      module: "theme-light",
      text: "Verifying signature…",
      value: String(Math.round((verify?.progress ?? Number.NaN) * 100)),
    });

    await page.getByRole("link", { name: "License", exact: true }).click();
    await page.getByTestId("license-state").waitFor();
    expect(await page.getByTestId("license-state").getAttribute("data-state")).toBe("valid");
    expect(await page.locator("main").textContent()).toContain("Theme: Light");
    await page.screenshot({ path: `${ARTIFACTS}license.png` });
  });

  it("shows a module nothing delivers as Coming soon without a buy button, and what each bundle holds now and later", async () => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.getByRole("link", { name: "Module Store" }).click();
    const soon = page.locator('[data-module="multi-pane-terminal"]');
    await soon.waitFor();
    expect(await soon.getAttribute("data-available")).toBe("false");
    expect(await soon.getByTestId("coming-soon").textContent()).toContain("Coming soon");
    expect(await soon.getByRole("button").count()).toBe(0);
    // An entitlement lifts a cap the host already enforces: on sale with no package at all.
    const hosts = page.locator('[data-module="unlimited-hosts"]');
    expect(await hosts.getAttribute("data-available")).toBe("true");
    expect(await hosts.getByRole("button", { name: "Unlock for $5" }).count()).toBe(1);

    const themes = page.locator('[data-bundle="all-themes"]');
    expect(await themes.getByTestId("bundle-now").textContent()).toBe("Available now: Theme: Light");
    expect(await themes.getByTestId("bundle-later").textContent()).toBe("Coming later (included when released): Theme: Midnight Blue · Theme: Forest");
    const docker = page.locator('[data-bundle="docker-pro"]');
    expect(await docker.getAttribute("data-available")).toBe("false");
    expect(await docker.getByTestId("bundle-now").count()).toBe(0);
    expect(await docker.getByTestId("coming-soon").isVisible()).toBe(true);
    expect(await docker.getByRole("button", { name: "Get bundle" }).count()).toBe(0);
    expect(await page.locator('[data-bundle="everything"]').getByRole("button", { name: "Get bundle" }).count()).toBe(1);
    expect(await page.locator('[data-bundle="everything"]').getByTestId("bundle-later").locator("summary").textContent()).toBe(
      "Coming later (included when released): 27 modules",
    );

    await page.locator("#bundles-h").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${ARTIFACTS}store-bundles-1366.png` });
    await soon.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${ARTIFACTS}store-coming-soon-1366.png` });
    await page.setViewportSize({ width: 390, height: 844 });
    await themes.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${ARTIFACTS}store-bundles-390.png` });
    await soon.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${ARTIFACTS}store-coming-soon-390.png` });
  });
});
