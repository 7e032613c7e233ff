/**
 * The Plugins tab in a real browser against the real host and a real registry: what it offers for plugin
 * versions (no Update for a pinned plugin, a Roll back that names the version it goes to, an update that
 * changed nothing said as such) and the warning before disabling or removing a plugin others use.
 */
import { mkdirSync } from "node:fs";
import { launchChromium, signedIn, signIn } from "@archnest/host/testing";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FixturePlugin, fixtureTarball, HELLO_ROUTES } from "../../host/src/plugins/test-fixtures.js";
import { type RunningApp, startApp } from "./app-harness.js";

const ARTIFACTS = new URL("../test-artifacts/", import.meta.url).pathname;

let app: RunningApp;
let browser: Browser;
let page: Page;
let headers: Record<string, string>;

const fixture = (p: Omit<FixturePlugin, "setup">): FixturePlugin => ({ setup: HELLO_ROUTES, ...p });

async function api(path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${app.url}${path}`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

async function shoot(name: string): Promise<void> {
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.screenshot({ path: `${ARTIFACTS}${name}.png` });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${ARTIFACTS}${name}-390.png`, fullPage: true });
  await page.setViewportSize({ width: 1366, height: 768 });
}

const row = (id: string): Locator => page.locator(`tr[data-plugin="${id}"]`);

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  app = await startApp({
    registry: true,
    publish: async (trust) => [
      await fixtureTarball(fixture({ id: "ver", displayName: "Versioned", name: "@test/ver", version: "1.0.0" }), trust.release),
      await fixtureTarball(fixture({ id: "ver", displayName: "Versioned", name: "@test/ver", version: "1.1.0" }), trust.release),
      await fixtureTarball(fixture({ id: "ver", displayName: "Versioned", name: "@test/ver", version: "1.2.0" }), trust.release),
      await fixtureTarball(fixture({ id: "ver", displayName: "Versioned", name: "@test/ver", version: "1.3.0" }), trust.release),
      // The newest release needs a later SDK 1.x than this host implements: the catalog lists it under SDK
      // major 1, so it is offered, and the host, which checks the whole range, refuses it.
      await fixtureTarball(fixture({ id: "ver", displayName: "Versioned", name: "@test/ver", version: "1.4.0", sdk: "^1.5.0" }), trust.release),
      await fixtureTarball(fixture({ id: "ver", displayName: "Versioned", name: "@test/ver", version: "2.0.0", sdk: "^2.0.0" }), trust.release),
      await fixtureTarball(fixture({ id: "ssh-hosts", displayName: "SSH hosts", name: "@test/ssh-hosts" }), trust.release),
      await fixtureTarball(fixture({ id: "term", displayName: "Terminal", name: "@test/term", dependencies: { "ssh-hosts": "^1.0.0" } }), trust.release),
      await fixtureTarball(fixture({ id: "sftp", displayName: "Files", name: "@test/sftp", dependencies: { "ssh-hosts": "^1.0.0" } }), trust.release),
    ],
  });
  const setup = await fetch(`${app.url}/api/setup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password: "correct horse battery", setupCode: app.setupCode }),
  });
  headers = (await signedIn(setup)).headers;
  for (const ref of ["@test/ver@1.0.0", "@test/ssh-hosts", "@test/term", "@test/sftp"]) await api("/api/plugins/install", { ref });
  // Two updates within the policy (minor): 1.0.0 → 1.3.0 in one step would keep only 1.0.0.
  await api("/api/plugins/install", { ref: "@test/ver@1.1.0" });
  await api("/api/plugins/install", { ref: "@test/ver@1.2.0" });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  page.setDefaultTimeout(15_000);
  await signIn(page, app.url);
  await page.goto(`${app.url}/settings/plugins`);
  await row("ver").waitFor();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe("the Plugins tab", () => {
  it("offers no Update for a pinned plugin, names the version Roll back goes to, and says when an update changed nothing", async () => {
    const ver = row("ver");
    await ver.getByRole("button", { name: "Update" }).waitFor();
    expect(await ver.textContent()).toContain("1.4.0 available");
    await ver.getByRole("button", { name: "Roll back to 1.1.0" }).waitFor();
    await shoot("plugins-versions");

    await ver.getByRole("button", { name: "Pin Versioned" }).click();
    await ver.getByRole("button", { name: "Unpin Versioned" }).waitFor();
    expect(await ver.getByRole("button", { name: "Update" }).count()).toBe(0);
    expect(await ver.textContent()).not.toContain("available");

    await ver.getByRole("button", { name: "Roll back to 1.1.0" }).click();
    await ver.getByRole("button", { name: "Roll back to 1.0.0" }).waitFor();
    expect(await ver.locator(".cell-title.mono").textContent()).toBe("1.1.0");
    await page.getByRole("status").getByText("Versioned is back at 1.1.0 and pinned.").waitFor();
    expect(await ver.getByRole("button", { name: "Update" }).count()).toBe(0);
    await shoot("plugins-rolled-back");

    // Unpinned, the policy from before the rollback (minor) applies: 1.3.0 is the newest this host runs.
    await ver.getByRole("button", { name: "Unpin Versioned" }).click();
    await ver.getByRole("button", { name: "Update" }).click();
    await page.getByRole("status").getByText("Versioned was updated to 1.3.0.").waitFor();
    await ver.locator(".cell-title.mono", { hasText: "1.3.0" }).waitFor();

    // The catalog still offers 1.4.0, which needs SDK 1.5: the answer is "up to date", never a success.
    await ver.getByRole("button", { name: "Update" }).click();
    await page
      .getByRole("status")
      .getByText(/Versioned is up to date/)
      .waitFor();
    expect(await page.getByRole("status").textContent()).not.toContain("updated to 1.4.0");
    expect(await ver.locator(".cell-title.mono").textContent()).toBe("1.3.0");
    await shoot("plugins-up-to-date");
  });

  it("warns before disabling or removing a plugin others use, naming them, and stops them too when confirmed", async () => {
    const hosts = row("ssh-hosts");
    await hosts.getByRole("button", { name: "Uninstall SSH hosts" }).click();
    const remove = page.getByRole("dialog", { name: "Uninstall SSH hosts?" });
    expect(await remove.getByTestId("dependents-warning").textContent()).toBe("Files and Terminal use SSH hosts; they will stop too.");
    await shoot("plugins-uninstall-dependents");
    await remove.getByRole("button", { name: "Cancel" }).click();
    await remove.waitFor({ state: "hidden" });

    await hosts.getByRole("button", { name: "Disable SSH hosts" }).click();
    const confirm = page.getByRole("dialog", { name: "Disable SSH hosts?" });
    expect(await confirm.getByTestId("dependents-warning").textContent()).toBe("Files and Terminal use SSH hosts; they will stop too.");
    await shoot("plugins-disable-dependents");
    expect(await row("term").getAttribute("data-state")).toBe("active");

    await confirm.getByRole("button", { name: "Disable all" }).click();
    await page.locator('tr[data-plugin="ssh-hosts"][data-state="disabled"]').waitFor();
    await page.locator('tr[data-plugin="term"][data-state="failed"]').waitFor();
    await page.locator('tr[data-plugin="sftp"][data-state="failed"]').waitFor();

    await hosts.getByRole("button", { name: "Enable SSH hosts" }).click();
    await page.locator('tr[data-plugin="term"][data-state="active"]').waitFor();
    await page.locator('tr[data-plugin="sftp"][data-state="active"]').waitFor();
  });
});
