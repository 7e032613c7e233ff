/**
 * Settings → Plugins → Trusted publishers in a real browser, against the real host and a real registry
 * where an outside publisher registered itself: look a fingerprint up, see what the registry says, trust
 * it, see it listed, and remove it after confirming.
 */
import { mkdirSync } from "node:fs";
import { launchChromium } from "@archnest/host/testing";
import { createKeyring, generateKeyPair, publicKeyToPem } from "@archnest/sdk/trust";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "./app-harness.js";

const ARTIFACTS = new URL("../test-artifacts/", import.meta.url).pathname;
const root = generateKeyPair();
const release = generateKeyPair();
const fingerprint = root.keyid;

let app: RunningApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  app = await startApp({ registry: true });
  const keyring = createKeyring([root], {
    now: new Date(Date.now() - 60_000),
    keys: [{ key: release, name: "ci", roles: ["release"], scopes: ["@outside/*"] }],
  });
  const res = await fetch(`${app.registry?.url}/v1/publishers`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "Outside Labs", scopes: ["@outside"], rootPublicKey: publicKeyToPem(root), keyring }),
  });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${await res.text()}`);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  page.setDefaultTimeout(15_000);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function trustedFingerprints(): Promise<string[]> {
  return page.evaluate(async () => {
    const list = (await (await fetch("/api/trust/publishers")).json()) as { publishers: { fingerprint: string }[] };
    return list.publishers.map((p) => p.fingerprint);
  });
}

describe("Trusted publishers", () => {
  it("adds a publisher by fingerprint after showing what the registry says, lists it, and removes it after confirming", async () => {
    await page.goto(`${app.url}/?setup=${app.setupCode}`);
    await page.getByLabel("Username").fill("admin");
    await page.getByLabel("Password", { exact: true }).fill("correct horse battery");
    await page.getByLabel("Confirm password").fill("correct horse battery");
    await page.getByRole("button", { name: "Create admin and continue" }).click();
    await page.getByRole("heading", { name: "Glance", level: 1 }).waitFor();
    await page.getByRole("link", { name: "Settings" }).click();
    await page.getByRole("link", { name: "Plugins" }).click();

    const section = page.getByTestId("trusted-publishers");
    await section.getByRole("heading", { name: "Trusted publishers" }).waitFor();
    await section.getByText("No publisher is trusted yet").waitFor();

    // A mistyped fingerprint is caught before anything is asked of the registry.
    await section.getByLabel("Publisher fingerprint").fill("abc");
    await section.getByRole("button", { name: "Look up" }).click();
    await section.getByRole("alert").filter({ hasText: "64 hexadecimal characters" }).waitFor();

    // Pasted in groups, as people copy it: the preview names the publisher and its scopes.
    await section.getByLabel("Publisher fingerprint").fill(fingerprint.match(/.{8}/g)?.join(" ") ?? fingerprint);
    await section.getByRole("button", { name: "Look up" }).click();
    const preview = section.getByTestId("publisher-preview");
    await preview.waitFor();
    expect(await preview.textContent()).toContain("Outside Labs");
    expect(await preview.textContent()).toContain("@outside/*");
    // Nothing is trusted until the admin confirms.
    expect(await trustedFingerprints()).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}trusted-publishers-preview.png`, fullPage: true });

    await preview.getByRole("button", { name: "Trust Outside Labs" }).click();
    const row = section.locator(`[data-publisher="${fingerprint}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain("Outside Labs");
    expect(await row.textContent()).toContain("@outside/*");
    expect((await row.textContent())?.replace(/\s+/g, "")).toContain(fingerprint);
    expect(await trustedFingerprints()).toEqual([fingerprint]);
    await page.screenshot({ path: `${ARTIFACTS}trusted-publishers.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await row.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${ARTIFACTS}trusted-publishers-390.png` });
    await page.setViewportSize({ width: 1366, height: 768 });

    // Removing asks first; cancelling keeps it.
    await row.getByRole("button", { name: "Remove" }).click();
    const dialog = page.getByRole("dialog", { name: "Stop trusting Outside Labs?" });
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    expect(await trustedFingerprints()).toEqual([fingerprint]);

    await row.getByRole("button", { name: "Remove" }).click();
    await dialog.getByRole("button", { name: "Stop trusting" }).click();
    await row.waitFor({ state: "detached" });
    await section.getByText("No publisher is trusted yet").waitFor();
    expect(await trustedFingerprints()).toEqual([]);
  });
});
