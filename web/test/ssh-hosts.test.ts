/**
 * The SSH hosts section of Settings > Integrations in chromium against the real host and a real sshd:
 * adding a host with a private key, testing it (fingerprint shown), a changed host key offered for
 * acceptance, and the fourth host leading to the store.
 */
import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSshd, type TestSshd } from "../../host/src/testing/sshd.js";
import { type RunningApp, startApp } from "./app-harness.js";
import { launchChromium } from "./browser.js";

const ARTIFACTS = new URL("../test-artifacts/", import.meta.url).pathname;
const PASSWORD = "correct horse battery";
let app: RunningApp;
let sshd: TestSshd;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  sshd = await startSshd();
  app = await startApp();
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(app.url);
  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByLabel("Confirm password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create admin and continue" }).click();
  await page.getByRole("heading", { name: "Glance", level: 1 }).waitFor();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await sshd?.cleanup();
});

async function addHost(name: string): Promise<void> {
  const section = page.getByTestId("ssh-hosts");
  await section.getByRole("button", { name: "Add host" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Address").fill(sshd.host);
  await dialog.getByLabel("Port").fill(String(sshd.port));
  await dialog.getByLabel("User").fill(sshd.user);
  await dialog.getByRole("textbox", { name: /^Private key/ }).fill(sshd.privateKey);
  await dialog.getByRole("button", { name: "Save" }).click();
}

describe("SSH hosts in Settings > Integrations", () => {
  it("adds a host with a key, tests it and shows the host key trusted on first use", async () => {
    await page.goto(`${app.url}/settings/integrations`);
    await addHost("lab");
    const row = page.locator("li[data-host-id]", { hasText: "lab" });
    await row.getByText("not seen yet").waitFor();
    await row.getByRole("button", { name: "Test" }).click();
    await row.getByText(sshd.hostKeyFingerprint).waitFor();
    expect(await page.getByRole("status").textContent()).toContain(sshd.hostKeyFingerprint);
    expect(await page.content()).not.toContain("PRIVATE KEY-----\n");
  });

  it("shows both fingerprints when the host key changes and trusts the new one on acceptance", async () => {
    const old = sshd.hostKeyFingerprint;
    const rotated = await sshd.rotateHostKey();
    const row = page.locator("li[data-host-id]", { hasText: "lab" });
    await row.getByRole("button", { name: "Test" }).click();
    const alert = row.getByRole("alert");
    await alert.getByText(rotated).waitFor();
    expect(await alert.textContent()).toContain(old);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}ssh-host-key-changed.png` });
    await alert.getByRole("button", { name: "Accept the new key" }).click();
    await row.getByRole("alert").waitFor({ state: "detached" });
    await row.getByRole("button", { name: "Test" }).click();
    await page.getByRole("status").getByText(`Host key ${rotated}`).waitFor();
  });

  it("answers the fourth host with the unlimited-hosts lock", async () => {
    await addHost("two");
    await page.locator("li[data-host-id]", { hasText: "two" }).waitFor();
    await addHost("three");
    await page.locator("li[data-host-id]", { hasText: "three" }).waitFor();
    await addHost("four");
    const lock = page.getByRole("dialog").locator('[data-lock-module="unlimited-hosts"]');
    await lock.waitFor();
    expect(await lock.textContent()).toContain("free limit of 3");
  });
});
