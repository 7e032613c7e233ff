/**
 * The module as it is sold: published to a real registry with the terminal it depends on and installed
 * without its license. Its API answers the 402 body, the terminal page keeps one pane and shows the lock
 * where Split would be (and the other paid features' locks, folded behind "More" on a phone); buying it
 * through the registry's development checkout turns the open page into tabs and split panes, live.
 */
import { buyInStore, launchChromium, signedInContext } from "@archnest/host/testing";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PluginHost, shot, startPluginHost } from "./harness.js";

let h: PluginHost;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  h = await startPluginHost({ web: true, registry: true });
  browser = await launchChromium();
  context = await signedInContext(browser, h.url, h.admin, { viewport: { width: 1366, height: 768 } });
  context.setDefaultTimeout(30_000);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const terminalLimit = async () =>
  ((await (await h.request("/api/plugins/terminal/sessions")).json()) as { limit: { cap: number | null; module: string } }).limit;

describe("the multi-pane-terminal module's license gate", () => {
  it("answers 402 and shows the Split lock until bought through the development checkout, then unlocks live", async () => {
    const plugins = (await (await h.request("/api/plugins")).json()) as { id: string; state: string }[];
    expect(plugins.find((p) => p.id === "multi-pane-terminal")?.state).toBe("locked");
    for (const init of [undefined, { method: "PUT", body: "{}", headers: { ...h.admin.headers, "content-type": "application/json" } }]) {
      const refused = await h.api("/layout", init);
      expect(refused.status).toBe(402);
      expect(await refused.json()).toMatchObject({
        error: "module_required",
        module: "multi-pane-terminal",
        price: expect.stringMatching(/^\$/),
        purchaseUrl: "/settings/store#multi-pane-terminal",
      });
    }
    expect(await terminalLimit()).toMatchObject({ cap: 1, module: "multi-pane-terminal" });

    const page = await context.newPage();
    await page.goto(`${h.url}/terminal?host=${encodeURIComponent(h.hostId)}`);
    await page.waitForFunction(() => (window as unknown as { __archnestTerminal?: { phase(): string } }).__archnestTerminal?.phase() === "connected");
    const locks = page.getByTestId("terminal-locks");
    const split = locks.locator('[data-lock-module="multi-pane-terminal"]');
    expect(await split.textContent()).toContain("Split");
    for (const [module, label] of [
      ["tmux", "tmux"],
      ["persistent-sessions", "Keep sessions"],
      ["session-recording", "Record"],
    ]) {
      expect(await locks.locator(`[data-lock-module="${module}"]`).textContent()).toContain(label);
    }
    expect(await page.getByTestId("multi-pane").count()).toBe(0);
    await shot(page, "locked-1366");

    // On a phone the locks fold behind one button.
    const phone = await signedInContext(browser, h.url, h.admin, { viewport: { width: 390, height: 844 } });
    try {
      const p = await phone.newPage();
      await p.goto(`${h.url}/terminal`);
      const more = p.getByRole("button", { name: "More · 4" });
      await more.waitFor();
      expect(await p.getByTestId("terminal-locks").isVisible()).toBe(false);
      await more.click();
      await p.getByTestId("terminal-locks").locator('[data-lock-module="multi-pane-terminal"]').waitFor({ state: "visible" });
      expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await shot(p, "locked-390");
      // The lock opens the store at the module.
      await p.getByTestId("terminal-locks").locator('[data-lock-module="multi-pane-terminal"]').click();
      await p.waitForURL((u) => u.pathname === "/settings/store");
      await p.locator('[data-module="multi-pane-terminal"]').waitFor();
    } finally {
      await phone.close();
    }

    const buyer = await context.newPage();
    await buyInStore(buyer, h.url, "multi-pane-terminal");
    // The open terminal page turns into tabs and panes without a reload.
    await page.getByTestId("multi-pane").waitFor();
    expect(await split.count()).toBe(0);
    expect(await terminalLimit()).toMatchObject({ cap: null });
    // The server side comes up a moment after the store says so.
    await expect.poll(async () => (await h.api("/layout")).status).toBe(200);
    // Licensed, a malformed layout is refused whole with the module's code, and nothing is kept of it.
    const bad = await h.api("/layout", {
      method: "PUT",
      body: JSON.stringify({ layout: { version: 1, tabs: [], active: "x" } }),
      headers: { ...h.admin.headers, "content-type": "application/json" },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: "MULTIPANE_ERR_LAYOUT_INVALID" });
    await page.getByRole("button", { name: "Split ⇆" }).click();
    await expect.poll(() => page.locator(".mp-tabpanel:not([hidden]) [data-testid=layout-pane]").count()).toBe(2);
    await shot(page, "unlocked-1366");
  });
});
