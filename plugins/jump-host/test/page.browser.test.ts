/**
 * The module as it is sold and used, in chromium: published to a real registry and installed without its
 * license, the Jump hosts page shows the lock with its selects disabled and the API answers 402; bought
 * alone in the Module Store (the registry's development checkout), the page sets a host's jump host, the target's key is
 * trusted over the chain, "Test chain" reports each hop with its latency, and a pasted ssh_config's
 * ProxyJump sets the chain again. Two real sshd: `inner.test` resolves only inside the bastion's mount
 * namespace. Screenshots at 1366x768 and 390 px land in plugins/jump-host/test-artifacts/.
 */
import { buyInStore, launchChromium, screenshot, signedInContext, startSshd, type TestSshd } from "@archnest/host/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, addHostAt, addSshHost, type PluginHost, startJumpHost, trustHostKey } from "./harness.js";

let h: PluginHost;
let bastionSshd: TestSshd;
let innerSshd: TestSshd;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const ids = { bastion: "", inner: "" };

beforeAll(async () => {
  [bastionSshd, innerSshd] = await Promise.all([startSshd({ etcHosts: { "inner.test": "127.0.0.1" } }), startSshd()]);
  h = await startJumpHost({ registry: true, web: true });
  ids.bastion = await addSshHost(h.t, h.admin, bastionSshd, "bastion");
  ids.inner = await addHostAt(h, "inner", innerSshd, "inner.test");
  browser = await launchChromium();
  context = await signedInContext(browser, h.url, h.admin, { viewport: { width: 1366, height: 768 } });
  context.setDefaultTimeout(20_000);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
  await Promise.all([bastionSshd, innerSshd].map((s) => s?.cleanup()));
});

/** Saves a screenshot once the notices the page showed are dismissed, so they hide nothing. */
async function shot(name: string): Promise<void> {
  const dismiss = page.locator(".toasts .toast").getByRole("button", { name: "Dismiss" });
  while ((await dismiss.count()) > 0) await dismiss.first().click();
  await screenshot(page, ARTIFACTS, name);
}
const innerRow = () => page.locator('[data-testid="jump-table"] [data-host="inner"]');

describe("the Jump hosts page", () => {
  it("is locked until bought: the lock shows, the selects are disabled and changes answer 402", async () => {
    const chains = (await (await h.api("jump-host", "/chains")).json()) as { licensed: boolean; refusal: { module: string } | null };
    expect(chains).toMatchObject({ licensed: false, refusal: { module: "jump-host" } });
    const refused = await h.api("jump-host", `/hosts/${ids.inner}/via`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ via: ids.bastion }),
    });
    expect(refused.status).toBe(402);
    expect(await refused.json()).toMatchObject({ error: "module_required", module: "jump-host", price: expect.stringMatching(/^\$/) });

    page = await context.newPage();
    await page.goto(`${h.url}/jump-hosts`);
    await page.locator('.lock-card[data-lock-module="jump-host"]').waitFor();
    await innerRow().waitFor();
    expect(await innerRow().getByTestId("jump-via").isDisabled()).toBe(true);
    expect(await page.getByTestId("jump-import").isDisabled()).toBe(true);
    await shot("locked-1366");
    await page.setViewportSize({ width: 390, height: 844 });
    await shot("locked-390");
    await page.setViewportSize({ width: 1366, height: 768 });
  });

  it("sets a jump host, trusts the target over it and tests the chain hop by hop once bought alone in the store", async () => {
    const store = await context.newPage();
    await buyInStore(store, h.url, "jump-host");
    await store.close();
    expect(((await (await h.request("/api/license")).json()) as { modules: string[] }).modules).toEqual(["jump-host"]);
    await page.reload();
    await innerRow().waitFor();
    expect(await page.locator('.lock-card[data-lock-module="jump-host"]').count()).toBe(0);
    await innerRow().getByTestId("jump-via").selectOption({ label: "bastion" });
    await innerRow().locator('[data-chain="bastion → inner"]').waitFor();

    // First contact with the target over the chain: its own key is presented, compared and trusted.
    await trustHostKey(h.t, h.admin, ids.inner, innerSshd.hostKeyFingerprint);
    await innerRow().getByRole("button", { name: "Test the chain of inner" }).click();
    const check = page.getByTestId("jump-check");
    await check.locator('[data-hop="inner"][data-state="ok"]').waitFor();
    expect(await check.locator('[data-hop="bastion"][data-state="ok"]').count()).toBe(1);
    expect(await check.textContent()).toMatch(/bastion.*\d+(\.\d)? ms.*inner.*\d+(\.\d)? ms/);
    await shot("chain-test-1366");
    await page.setViewportSize({ width: 390, height: 844 });
    await shot("chain-test-390");
    await page.setViewportSize({ width: 1366, height: 768 });
  });

  it("imports ProxyJump from a pasted ssh_config", async () => {
    await innerRow().getByTestId("jump-via").selectOption({ label: "Direct" });
    await innerRow().locator('[data-chain="inner"]').waitFor();
    await page.getByTestId("jump-import-config").fill("Host inner\n  HostName inner.test\n  ProxyJump bastion\nHost elsewhere\n  ProxyJump bastion\n");
    await page.getByTestId("jump-import").click();
    const result = page.getByTestId("jump-import-result");
    await result.locator('[data-applied="inner"]').waitFor();
    expect(await result.locator('[data-applied="inner"]').textContent()).toContain("bastion → inner");
    expect(await result.locator('[data-skipped="elsewhere"]').textContent()).toContain("no SSH host is named elsewhere");
    await innerRow().locator('[data-chain="bastion → inner"]').waitFor();
    const listed = (await (await h.api("jump-host", "/chains")).json()) as { hosts: { id: string; via: string | null }[] };
    expect(listed.hosts.find((x) => x.id === ids.inner)?.via).toBe(ids.bastion);
    await shot("import-1366");
    await page.setViewportSize({ width: 390, height: 844 });
    await shot("import-390");
  });

  it("names the hop that failed and why when the chain test meets a bastion refusing its key", async () => {
    const edit = (privateKey: string) => h.request(`/api/hosts/${ids.bastion}`, { method: "PUT", json: { privateKey } });
    expect((await edit(innerSshd.privateKey)).status).toBe(200);
    try {
      await page.setViewportSize({ width: 1366, height: 768 });
      await innerRow().getByRole("button", { name: "Test the chain of inner" }).click();
      const check = page.getByTestId("jump-check");
      const failed = check.locator('[data-hop="bastion"][data-state="failed"]');
      await failed.waitFor();
      expect(await failed.textContent()).toContain("the server refused the credentials");
      expect(await failed.textContent()).toContain("HOST_ERR_SSH_AUTH_FAILED");
      expect(await check.locator('[data-hop="inner"][data-state="not-tried"]').count()).toBe(1);
      await shot("chain-failed-1366");
      await page.setViewportSize({ width: 390, height: 844 });
      await shot("chain-failed-390");
    } finally {
      expect((await edit(bastionSshd.privateKey)).status).toBe(200);
    }
  });
});
