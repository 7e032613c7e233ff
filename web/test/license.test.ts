/**
 * The License page in a real browser against the real host and a real registry that the test stops: a
 * free install says so, "Check now" with the registry down shows the failure and its code, and an install
 * that never reached the registry shows no "Valid until Never". Screenshots at 1366x768 and 390 px wide.
 */
import { mkdirSync } from "node:fs";
import { launchChromium } from "@archnest/host/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "./app-harness.js";

const ARTIFACTS = new URL("../test-artifacts/", import.meta.url).pathname;
const PASSWORD = "correct horse battery";

let browser: Browser;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await browser?.close();
});

/** A fresh host (and registry), its admin created through the setup page, the License tab open. */
async function openLicensePage(opts: { registryDown?: boolean }): Promise<{ app: RunningApp; page: Page }> {
  const app = await startApp({ registry: true, ...opts });
  cleanups.push(() => app.close());
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  cleanups.push(() => page.close());
  page.setDefaultTimeout(15_000);
  await page.goto(`${app.url}/?setup=${app.setupCode}`);
  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByLabel("Confirm password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create admin and continue" }).click();
  await page.getByRole("heading", { name: "Glance", level: 1 }).waitFor();
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("link", { name: "License", exact: true }).click();
  await page.getByTestId("license-state").waitFor();
  return { app, page };
}

async function shots(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}${name}-1366.png` });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${ARTIFACTS}${name}-390.png`, fullPage: true });
  await page.setViewportSize({ width: 1366, height: 768 });
}

const summary = (page: Page) => page.getByTestId("license-state");
const main = async (page: Page) => (await page.locator("main").textContent()) ?? "";

describe("the License page", () => {
  it("says Free core for an install without paid modules, and shows the failure of Check now with the registry stopped", async () => {
    const { app, page } = await openLicensePage({});
    expect(await summary(page).getAttribute("data-state")).toBe("valid");
    expect(await summary(page).getByRole("heading").textContent()).toBe("Free core");
    expect(await summary(page).textContent()).toContain("No paid modules");
    expect(await main(page)).not.toContain("License valid");
    expect(await main(page)).not.toContain("Your modules are active");
    expect(await page.getByTestId("valid-until").textContent()).not.toMatch(/Never|No license/);
    expect(await page.getByTestId("days-left").textContent()).toBe("—");

    await page.getByRole("button", { name: "Check now" }).click();
    await page.getByRole("status").getByText("License checked: the license server answered.").waitFor();
    expect(await page.getByTestId("license-check-error").count()).toBe(0);
    await shots(page, "license-free");

    await app.registry?.stop();
    await page.getByRole("button", { name: "Check now" }).click();
    const error = page.getByTestId("license-check-error");
    await error.waitFor();
    expect(await error.getAttribute("data-code")).toBe("HOST_ERR_REGISTRY_UNREACHABLE");
    expect(await error.textContent()).toContain("The last check failed");
    expect(await error.textContent()).toContain(app.registry?.url);
    await page
      .getByRole("status")
      .getByText(/The license check failed \(HOST_ERR_REGISTRY_UNREACHABLE\)/)
      .waitFor();
    expect(await page.getByTestId("last-check").textContent()).toContain("(failed)");
    // Nor does the top bar speak of a license or of days of grace.
    expect(await page.getByTestId("license-chip").textContent()).toBe("Free core");
    expect(await summary(page).getByRole("heading").textContent()).toBe("Free core");
    expect(await main(page)).not.toContain("License valid");
    await shots(page, "license-check-failed");

    // The registry is back: a check succeeds and the failure is gone.
    await app.registry?.start();
    await page.getByRole("button", { name: "Check now" }).click();
    await error.waitFor({ state: "detached" });
    expect(await page.getByTestId("last-check").textContent()).not.toContain("(failed)");
  });

  it("shows no 'Valid until Never' for an install that never reached the registry, and the failure of Check now", async () => {
    const { page } = await openLicensePage({ registryDown: true });
    expect(await summary(page).getByRole("heading").textContent()).toBe("Free core");
    expect(await page.getByTestId("valid-until").textContent()).toBe("No license issued yet");
    expect(await main(page)).not.toContain("Never");
    expect(await main(page)).not.toContain("License valid");

    await page.getByRole("button", { name: "Check now" }).click();
    await page
      .getByRole("status")
      .getByText(/The license check failed \(HOST_ERR_REGISTRY_UNREACHABLE\)/)
      .waitFor();
    expect(await page.getByTestId("license-check-error").getAttribute("data-code")).toBe("HOST_ERR_REGISTRY_UNREACHABLE");
    expect(await page.getByTestId("valid-until").textContent()).toBe("No license issued yet");
    await shots(page, "license-unregistered");
  });
});
