/**
 * The Certificates page in chromium at 1366x768 and 390 px, on a host whose licenses come from a real
 * registry: locked (the forms closed, the API answering 402) until the module is bought alone in the
 * Module Store; then a certificate added through the form (pasted key and certificate) shows its key id,
 * principals, CA and validity; one ending within the warning days raises the warning box; and a pasted
 * key of another certificate is refused in the form. (A lapse keeping every certificate is
 * cert-auth.test.ts's.) Screenshots land in plugins/cert-auth/test-artifacts/.
 */
import { buyInStore, launchChromium, signedInContext } from "@archnest/host/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCa, type TestCa } from "./ca.js";
import { type PluginHost, shot, startPluginHost } from "./harness.js";

let h: PluginHost;
let ca: TestCa;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  ca = makeCa("page-ca");
  h = await startPluginHost({
    web: true,
    registry: true,
    sshd: { extraConfig: [`TrustedUserCAKeys ${ca.publicKeyFile}`, "AuthorizedKeysFile none"] },
  });
  browser = await launchChromium();
  context = await signedInContext(browser, h.url, h.admin, { viewport: { width: 1366, height: 768 } });
  context.setDefaultTimeout(20_000);
  page = await context.newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
  ca?.cleanup();
});

async function fill(keyText: string, certificate: string): Promise<void> {
  const row = page.locator('tr[data-host="test-sshd"]');
  await row.getByRole("button", { name: /^(Add certificate|Replace)$/ }).click();
  const form = page.getByTestId("cert-form");
  await form.locator('textarea[name="privateKey"]').fill(keyText);
  await form.locator('textarea[name="certificate"]').fill(certificate);
  await form.getByRole("button", { name: "Save" }).click();
}

describe("the Certificates page", () => {
  it("is locked until the module is bought alone in the store", async () => {
    await page.goto(`${h.url}/certificates`);
    await page.locator('[data-lock-module="cert-auth"]').first().waitFor();
    const row = page.locator('tr[data-host="test-sshd"]');
    await row.getByText("none: signs in with its own key or password").waitFor();
    expect(await row.getByRole("button", { name: "Add certificate" }).isDisabled()).toBe(true);
    const user = ca.userKey("locked");
    const refused = await h.api(`/hosts/${h.hostId}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        privateKey: user.privateKey,
        certificate: ca.sign(user.publicKeyFile, { id: "locked", principals: [h.sshd.user], validity: "-5m:+1d" }),
      }),
    });
    expect(refused.status).toBe(402);
    expect(await refused.json()).toMatchObject({ error: "module_required", module: "cert-auth", price: expect.stringMatching(/^\$/) });
    await shot(page, "locked-1366");

    const store = await context.newPage();
    await buyInStore(store, h.url, "cert-auth");
    await store.close();
    expect(((await (await h.request("/api/license")).json()) as { modules: string[] }).modules).toEqual(["cert-auth"]);
    await page.reload();
    await row.getByRole("button", { name: "Add certificate" }).waitFor();
    expect(await row.getByRole("button", { name: "Add certificate" }).isDisabled()).toBe(false);
    expect(await page.locator('[data-lock-module="cert-auth"]').count()).toBe(0);
  });

  it("adds a certificate through the form and shows what it says", async () => {
    const user = ca.userKey("alice");
    await page.goto(`${h.url}/certificates`);
    await page.locator('tr[data-host="test-sshd"]').getByText("none: signs in with its own key or password").waitFor();
    await fill(user.privateKey, ca.sign(user.publicKeyFile, { id: "alice@laptop", principals: [h.sshd.user, "deploy"], validity: "-5m:+30d", serial: 31 }));
    const row = page.locator('tr[data-host="test-sshd"]');
    await row.getByTestId("cert-key-id").waitFor();
    expect(await row.getByTestId("cert-key-id").textContent()).toBe("alice@laptop");
    expect(await row.getByTestId("cert-principals").textContent()).toContain("deploy");
    expect(await row.getByTestId("cert-ca").textContent()).toContain(ca.fingerprint);
    expect(await row.locator("[data-status]").getAttribute("data-status")).toBe("valid");
    const test = await h.request(`/api/hosts/${h.hostId}/test`, { method: "POST" });
    expect(test.status).toBe(200);
    await shot(page, "certificate-1366");

    // A certificate of another key is refused in the form, which stays open with the reason.
    const other = ca.userKey("mallory");
    await fill(user.privateKey, ca.sign(other.publicKeyFile, { id: "mallory", principals: [h.sshd.user], validity: "-5m:+1d" }));
    await page.getByTestId("cert-form-error").waitFor();
    expect(await page.getByTestId("cert-form-error").textContent()).toContain("certifies the key");
    await page.getByRole("button", { name: "Cancel" }).click();

    // One ending in two days raises the warning.
    await fill(user.privateKey, ca.sign(user.publicKeyFile, { id: "short-lived", principals: [h.sshd.user], validity: "-5m:+2d" }));
    await page.getByTestId("cert-warnings").waitFor();
    expect(await page.getByTestId("cert-warnings").textContent()).toMatch(/test-sshd: its certificate ends .+: replace it before then/);
    await shot(page, "expiring-1366");

    const phone = await signedInContext(browser, h.url, h.admin, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const p = await phone.newPage();
    await p.goto(`${h.url}/certificates`);
    await p.getByTestId("cert-warnings").waitFor();
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(p, "expiring-390");
    await phone.close();
  });
});
