/** The Metrics page and Glance widget in chromium against the real host and a real sshd. */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, type PluginHost, shot, signIn, startPluginHost } from "./harness.js";

let h: PluginHost;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  h = await startPluginHost({ web: true });
  for (let i = 0; i < 4; i += 1) {
    await h.api(`/sample?host=${h.hostId}&wait=30`, { method: "POST" });
    await new Promise((r) => setTimeout(r, 300));
  }
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1360, height: 900 } })).newPage();
  await signIn(page, h.url);
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe("Metrics page", () => {
  it("draws CPU, memory and disk charts with the current values", async () => {
    await page.goto(`${h.url}/metrics`);
    for (const name of ["CPU over time", "Memory over time", "Disk over time"]) await page.getByRole("img", { name }).waitFor();
    // A line was drawn from the samples (a path with at least one segment).
    const d = await page.getByRole("img", { name: "Memory over time" }).locator("path").nth(1).getAttribute("d");
    expect(d).toMatch(/^M[\d.]+,[\d.]+L/);
    await expect(page.getByTestId("metrics-page").textContent()).resolves.toMatch(/Memory\s*[\d.]+%/);
    await shot(page, "metrics");
  });

  it("labels each chart's time axis with distinct times, at any width", async () => {
    await page.goto(`${h.url}/metrics`);
    for (const width of [1366, 390]) {
      await page.setViewportSize({ width, height: 844 });
      for (const name of ["CPU over time", "Memory over time", "Disk over time"]) {
        const chart = page.getByRole("img", { name });
        // The history spans about a minute: equal divisions of it would read "08:14, 08:14, 08:15".
        await expect.poll(() => chart.locator('[data-axis="x"]').count()).toBeGreaterThan(0);
        const x = await chart.locator('[data-axis="x"]').allTextContents();
        expect(new Set(x).size).toBe(x.length);
        expect(await chart.locator('[data-axis="y"]').allTextContents()).toEqual(["0%", "25%", "50%", "75%", "100%"]);
      }
      await shot(page, `metrics-axes-${width}`);
    }
    await page.setViewportSize({ width: 1360, height: 900 });
  });

  it("shows sparklines and up/down per host in the Glance widget", async () => {
    await page.goto(`${h.url}/`);
    const widget = page.getByTestId("metrics-widget");
    await widget.getByText("test-sshd").waitFor();
    await widget.getByRole("img", { name: "up" }).waitFor();
    expect(await widget.locator("svg path").count()).toBeGreaterThanOrEqual(6);
    await shot(page, "metrics-glance");
  });
});
