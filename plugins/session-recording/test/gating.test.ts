/**
 * The module's gate, bought as a person buys it: with a real registry and its development checkout, the
 * plugin installs without a license, recording answers the module's 402 and the terminal's toolbar shows
 * the lock where Record would be; buying Session Recording turns the lock into the Record button on the
 * open page, with no reload.
 */
import { launchChromium, signedInContext } from "@archnest/host/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PluginHost, shot, startPluginHost } from "./harness.js";

let h: PluginHost;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  h = await startPluginHost({ web: true, registry: true });
  browser = await launchChromium();
  context = await signedInContext(browser, h.url, h.admin, { viewport: { width: 1366, height: 768 } });
  context.setDefaultTimeout(20_000);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe("Session Recording's license gate", () => {
  it("answers 402 with the catalog's price and shows the lock in the terminal's toolbar until bought, then unlocks live", async () => {
    const refused = await h.api("/sessions/any/recording", { method: "POST" });
    expect(refused.status).toBe(402);
    expect(await refused.json()).toMatchObject({
      error: "module_required",
      module: "session-recording",
      price: expect.stringMatching(/^\$/),
      purchaseUrl: "/settings/store#session-recording",
    });
    const status = (await (await h.api("/status")).json()) as { licensed: boolean };
    expect(status.licensed).toBe(false);

    page = await context.newPage();
    await page.goto(`${h.url}/terminal?host=${encodeURIComponent(h.hostId)}`);
    const toolbar = page.locator('[data-slot-name="terminal.toolbar@1"]');
    const lock = toolbar.locator('[data-lock-module="session-recording"]');
    await lock.waitFor();
    expect(await lock.textContent()).toContain("Record");
    expect(await toolbar.getByTestId("record-toggle").count()).toBe(0);
    await shot(page, "gating-locked-1366");

    await h.buy("session-recording");
    await toolbar.getByTestId("record-toggle").waitFor();
    expect(await lock.count()).toBe(0);
    expect((await (await h.api("/status")).json()) as { licensed: boolean }).toMatchObject({ licensed: true });
    await shot(page, "gating-unlocked-1366");
  });
});
