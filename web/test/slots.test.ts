/**
 * Typed slots and the UI kit in Debian chromium against the real host: one plugin's page declares
 * `demo.panel@1` with `defineSlot` and renders `<Slot>`, another plugin (installed later, without a reload)
 * contributes to it and receives the page's props; its contribution to `demo.panel@2` is named in a notice
 * instead of rendered, and a slot defined without a version fails in an error card naming the plugin.
 * The same page lays out the kit (table, field, empty and error states) in the shell's styles.
 * Screenshots land in web/test-artifacts/slots-*.png.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { launchChromium, signedIn } from "@archnest/host/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFixturePlugin, type RunningApp, startApp } from "./app-harness.js";

const ARTIFACTS = new URL("../test-artifacts/", import.meta.url).pathname;
const PASSWORD = "correct horse battery";

let app: RunningApp;
let browser: Browser;
let page: Page;
let owner: string;
let contributor: string;
let call: (path: string, init?: RequestInit) => Promise<Response>;
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  app = await startApp();
  owner = await buildFixturePlugin("slot-owner", app.trust);
  contributor = await buildFixturePlugin("slot-contributor", app.trust);
  const res = await fetch(`${app.url}/api/setup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password: PASSWORD, setupCode: app.setupCode }),
  });
  expect(res.status).toBe(201);
  const { headers } = await signedIn(res);
  call = (path, init = {}) => fetch(`${app.url}${path}`, { ...init, headers: { ...headers, ...init.headers } });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  context.setDefaultTimeout(15_000);
  page = await context.newPage();
  page.on("pageerror", (e) => pageErrors.push(e.message));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function install(file: string): Promise<void> {
  const res = await call("/api/plugins/install", { method: "POST", headers: { "content-type": "application/gzip" }, body: readFileSync(file) });
  expect(res.status, await res.clone().text()).toBe(201);
}

describe("typed slots", () => {
  it("shows the owner's fallback while nothing contributes to its slot", async () => {
    await install(owner);
    await page.goto(app.url);
    await page.getByLabel("Username").fill("admin");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Glance", level: 1 }).waitFor();
    await page.goto(`${app.url}/slot-demo`);
    await page.getByTestId("no-panels").waitFor();
    expect(await page.locator('[data-slot-name="demo.panel@1"]').count()).toBe(0);
  });

  it("renders another plugin's contribution in the owner's slot with the owner's props, live", async () => {
    await page.evaluate(() => {
      (window as unknown as { noReload: boolean }).noReload = true;
    });
    await install(contributor);
    const greeter = page.getByTestId("greeter");
    await greeter.waitFor();
    expect(await greeter.textContent()).toBe("Hello from Slot Owner · Slot Contributor 2.3.0 · 0 clicks");
    // The props stay reactive: the owner's state reaches the contribution.
    await page.getByRole("button", { name: "Count a click" }).click();
    await page.getByRole("button", { name: "Count a click" }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="greeter"]')?.textContent?.endsWith("2 clicks"));
    expect(await page.locator('[data-slot-name="demo.panel@1"] [data-contribution="slot-contributor:greeter"]').count()).toBe(1);
    expect(await page.getByTestId("contribution-titles").textContent()).toBe("Greeter;Broken definition;");
    expect(await page.evaluate(() => (window as unknown as { noReload?: boolean }).noReload)).toBe(true);
  });

  it("names a contribution to another major version instead of rendering it", async () => {
    const notice = page.locator('[data-slot-version-mismatch="slot-contributor:future"]');
    await notice.waitFor();
    expect(await notice.textContent()).toBe(
      "Slot Contributor 2.3.0 contributes to demo.panel@2, but this page shows demo.panel@1. Update the plugin that owns this page to show it.",
    );
    expect(await page.getByTestId("greeter").count()).toBe(1);
  });

  it("contains a slot defined without a version in an error card that names the plugin and the fix", async () => {
    const card = page.locator('[data-contribution="slot-contributor:unversioned"] .slot-error');
    await card.waitFor();
    const text = await card.textContent();
    expect(text).toContain("Slot Contributor");
    expect(text).toContain('"demo.panel" is not a versioned slot name');
    expect(text).toContain("terminal.toolbar@1");
    await page.screenshot({ path: `${ARTIFACTS}slots-1366.png`, fullPage: true });
  });
});

describe("the UI kit", () => {
  it("lays out a table with formatted cells, an empty table and an empty state in the shell's styles", async () => {
    const table = page.getByTestId("kit-table");
    expect(await table.getAttribute("aria-label")).toBe("Files");
    expect(await table.locator("th").allTextContents()).toEqual(["Name", "Size", "Age"]);
    expect(await table.locator('tr[data-file="backup.tar"] td').allTextContents()).toEqual(["backup.tar", "5.0 GiB", "2 h 5 min"]);
    expect(await table.locator('tr[data-file="notes.txt"] td').allTextContents()).toEqual(["notes.txt", "1.5 KiB", "45 s"]);
    expect(await page.getByTestId("kit-table-empty").locator("td").textContent()).toBe("No files here.");
    // Styled by the shell's theme variables, not by the plugin.
    const border = await page.evaluate(() => {
      const wrap = document.querySelector('[data-testid="kit-table"]')?.parentElement;
      return wrap ? getComputedStyle(wrap).borderTopStyle : "";
    });
    expect(border).toBe("solid");
    await page.getByRole("heading", { name: "No tunnels yet" }).waitFor();
  });

  it("ties a field's label, hint and error to its control", async () => {
    const input = page.getByLabel("Host name");
    await input.fill("db-1");
    expect(await input.getAttribute("aria-invalid")).toBeNull();
    await input.fill("db 1!");
    await page.getByText("Only letters, digits and dashes", { exact: true }).waitFor();
    expect(await input.getAttribute("aria-invalid")).toBe("true");
    const described = (await input.getAttribute("aria-describedby")) ?? "";
    const texts = await page.evaluate((ids) => ids.split(" ").map((id) => document.getElementById(id)?.textContent), described);
    expect(texts).toEqual(["Letters, digits and dashes", "Only letters, digits and dashes"]);
  });

  it("shows a failure's code (from the host) and request id in the error state", async () => {
    const direct = await call("/api/plugins/slot-owner/missing");
    const { error: code } = (await direct.json()) as { error: string };
    expect(code).toMatch(/^HOST_ERR_/);
    const hostError = page.getByTestId("host-error").getByRole("alert");
    await hostError.waitFor();
    expect(await hostError.locator("[data-error-code]").textContent()).toBe(code);
    expect(await hostError.textContent()).toContain("Could not load items");

    const wire = page.getByTestId("wire-error").getByRole("alert");
    expect(await wire.locator("[data-error-code]").textContent()).toBe("TUNNELS_ERR_PORT_IN_USE");
    expect(await wire.locator("[data-request-id]").textContent()).toBe("req-5f2c");
    expect(await wire.textContent()).toContain("Port 8080 is in use on this machine.");
    await wire.getByRole("button", { name: "Try again" }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="greeter"]')?.textContent?.endsWith("12 clicks"));
  });

  it("fits a phone-width window", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${ARTIFACTS}slots-390.png`, fullPage: true });
    expect(pageErrors.filter((e) => !e.includes("not a versioned slot name"))).toEqual([]);
  });
});
