import { createTestTrust } from "@archnest/sdk/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, type PluginHost, screenshot, signIn, startPluginHost } from "../src/testing/index.js";
import { type RunningRegistry, runRegistry } from "./registry-harness.js";

const BOOKMARKS = new URL("../../plugins/bookmarks", import.meta.url).pathname;
const ARTIFACTS = new URL("../test-artifacts/lock-price/", import.meta.url).pathname;
const trust = createTestTrust();
let browser: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

/** Bookmarks at its free cap of 10, on a host with or without a registry; the lock the eleventh meets, at two widths. */
async function lockAtCap(h: PluginHost, name: string): Promise<string[]> {
  for (let i = 1; i <= 10; i++) {
    const res = await h.api("bookmarks", "/bookmarks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: `Link ${i}`, url: `https://s${i}.example/` }),
    });
    expect(res.status).toBe(201);
  }
  const texts: string[] = [];
  for (const [width, height] of [
    [1366, 768],
    [390, 844],
  ] as const) {
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    await signIn(page, h.url);
    await page.goto(`${h.url}/bookmarks`);
    const form = page.getByTestId("bookmark-form").first();
    await form.getByLabel("Address").fill("https://eleventh.example/");
    await form.getByLabel("Title").fill("The eleventh");
    await form.getByRole("button", { name: "Add bookmark" }).click();
    const lock = form.locator('[data-lock-module="unlimited-bookmarks"]').first();
    await lock.waitFor();
    texts.push((await lock.textContent()) ?? "");
    await screenshot(page, ARTIFACTS, `${name}-${width}`);
    await context.close();
  }
  return texts;
}

describe("the lock's price", () => {
  let reg: RunningRegistry | undefined;
  afterAll(async () => {
    await reg?.cleanup();
  });

  it("is the registry catalog's price", async () => {
    reg = await runRegistry(trust, () => new Date());
    const catalog = (await (await fetch(`${reg.url}/v1/catalog`)).json()) as { modules: { slug: string; price: string }[] };
    const price = catalog.modules.find((m) => m.slug === "unlimited-bookmarks")?.price;
    expect(price).toMatch(/^\$\d/);
    const h = await startPluginHost({ plugins: [{ dir: BOOKMARKS, id: "bookmarks", permissions: ["storage"] }], web: true, trust, registryUrl: reg.url });
    try {
      for (const text of await lockAtCap(h, "catalog")) expect(text).toContain(`Unlock for ${price}`);
    } finally {
      await h.close();
    }
  }, 120_000);

  it("is left out when the host has no catalog, rather than a price of its own", async () => {
    const h = await startPluginHost({ plugins: [{ dir: BOOKMARKS, id: "bookmarks", permissions: ["storage"] }], web: true, trust });
    try {
      for (const text of await lockAtCap(h, "no-catalog")) {
        expect(text).toContain("Unlock");
        expect(text).not.toMatch(/\$\d/);
      }
    } finally {
      await h.close();
    }
  }, 120_000);
});
