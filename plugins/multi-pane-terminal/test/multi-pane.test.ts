/**
 * Tabs and split panes in a real browser (Debian chromium) against the real host and a real OpenSSH
 * sshd, with the module licensed: four panes each running its own command, splitters, broadcast input,
 * the layout after a reload, the shortcuts, and one pane at a time on a phone. Screenshots at 1366x768
 * and 390 px land in plugins/multi-pane-terminal/test-artifacts/.
 */
import { launchChromium, signedInContext } from "@archnest/host/testing";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LayoutBody } from "../src/server.js";
import { type PluginHost, shot, startPluginHost } from "./harness.js";

interface PaneHook {
  lines(): string[];
  phase(): string;
  size(): { cols: number; rows: number };
  session(): { id: string } | undefined;
}
type HookWindow = { __archnestPanes?: Record<string, PaneHook> };

let h: PluginHost;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

const visiblePanes = (p: Page = page): Locator => p.locator(".mp-tabpanel:not([hidden]) [data-testid=layout-pane]");
const pane = (key: string, p: Page = page): Locator => p.locator(`[data-testid=layout-pane][data-pane-key="${key}"]`);

async function paneKeys(p: Page = page): Promise<string[]> {
  return visiblePanes(p).evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.paneKey ?? ""));
}

async function lines(key: string, p: Page = page): Promise<string[]> {
  return p.evaluate((k) => (window as unknown as HookWindow).__archnestPanes?.[k]?.lines() ?? [], key);
}

async function waitForLine(key: string, line: string, p: Page = page): Promise<void> {
  await p.waitForFunction(([k, l]) => (window as unknown as HookWindow).__archnestPanes?.[k as string]?.lines().includes(l as string) ?? false, [key, line], {
    timeout: 20_000,
  });
}

async function waitForPhase(key: string, phase: string, p: Page = page): Promise<void> {
  await p.waitForFunction(([k, w]) => (window as unknown as HookWindow).__archnestPanes?.[k as string]?.phase() === w, [key, phase], { timeout: 20_000 });
}

async function typeIn(key: string, text: string): Promise<void> {
  await pane(key).getByTestId("terminal-screen").click();
  await page.keyboard.type(text);
  await page.keyboard.press("Enter");
}

async function storedLayout(): Promise<LayoutBody["layout"]> {
  return ((await (await h.api("/layout")).json()) as LayoutBody).layout;
}

beforeAll(async () => {
  h = await startPluginHost({ web: true, licensed: ["multi-pane-terminal"] });
  browser = await launchChromium();
  context = await signedInContext(browser, h.url, h.admin, { viewport: { width: 1366, height: 768 } });
  context.setDefaultTimeout(20_000);
  page = await context.newPage();
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await page.goto(`${h.url}/terminal?host=${encodeURIComponent(h.hostId)}`);
  await page.getByTestId("multi-pane").waitFor();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe("tabs and split panes", () => {
  let keys: string[] = [];

  it("splits a tab into four panes, each its own session on the host showing only its own output", async () => {
    // The license lifts the terminal's free one-session cap.
    const limit = (await (await h.request("/api/plugins/terminal/sessions")).json()) as { limit: { cap: number | null } };
    expect(limit.limit.cap).toBeNull();

    const [first] = await paneKeys();
    await waitForPhase(first as string, "connected");
    await page.getByRole("button", { name: "4 panes" }).click();
    await expect.poll(() => visiblePanes().count()).toBe(4);
    keys = await paneKeys();
    // The new panes have nothing to open yet: each offers a host picker.
    for (const key of keys.slice(1)) {
      const picker = pane(key).getByTestId("pane-host-picker");
      await picker.getByRole("combobox").selectOption(h.hostId);
      await picker.getByRole("button", { name: "Connect" }).click();
    }
    for (const key of keys) await waitForPhase(key, "connected");
    const ids = await page.evaluate((ks) => ks.map((k) => (window as unknown as HookWindow).__archnestPanes?.[k]?.session()?.id), keys);
    expect(new Set(ids).size).toBe(4);
    expect(ids.every((id) => typeof id === "string")).toBe(true);

    for (const [i, key] of keys.entries()) await typeIn(key, `echo pane-${i}-$((40+${i}))`);
    for (const [i, key] of keys.entries()) await waitForLine(key, `pane-${i}-${40 + i}`);
    for (const [i, key] of keys.entries()) {
      const all = await lines(key);
      for (let j = 0; j < 4; j++) if (j !== i) expect(all).not.toContain(`pane-${j}-${40 + j}`);
    }
    await shot(page, "four-panes-1366");
  });

  it("resizes the columns with a splitter, by arrow keys and by dragging, and the terminals refit", async () => {
    const splitter = page.locator(".mp-tabpanel:not([hidden]) [role=separator][aria-orientation=vertical]");
    expect(await splitter.getAttribute("aria-valuenow")).toBe("50");
    const colsBefore = await page.evaluate((k) => (window as unknown as HookWindow).__archnestPanes?.[k]?.size().cols ?? 0, keys[0] as string);

    await splitter.focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    expect(await splitter.getAttribute("aria-valuenow")).toBe("60");
    await expect
      .poll(() => page.evaluate((k) => (window as unknown as HookWindow).__archnestPanes?.[k]?.size().cols ?? 0, keys[0] as string))
      .toBeGreaterThan(colsBefore);

    const grid = await page.locator(".mp-tabpanel:not([hidden]) .mp-grid").boundingBox();
    const bar = await splitter.boundingBox();
    if (!grid || !bar) throw new Error("the grid is not on screen");
    // Grabbed in the top row: in the middle it crosses the rows' splitter.
    const y = bar.y + bar.height * 0.25;
    await page.mouse.move(bar.x + bar.width / 2, y);
    await page.mouse.down();
    await page.mouse.move(grid.x + grid.width * 0.3, y, { steps: 8 });
    await page.mouse.up();
    expect(Number(await splitter.getAttribute("aria-valuenow"))).toBeGreaterThanOrEqual(28);
    expect(Number(await splitter.getAttribute("aria-valuenow"))).toBeLessThanOrEqual(32);
    const [left, right] = await Promise.all([pane(keys[0] as string).boundingBox(), pane(keys[1] as string).boundingBox()]);
    expect(left?.width ?? 0).toBeLessThan((right?.width ?? 0) * 0.6);
  });

  it("broadcasts what is typed to the ticked panes only, with a banner and marked panes", async () => {
    await page.getByRole("button", { name: "Broadcast" }).click();
    const banner = page.getByTestId("broadcast-banner");
    expect(await banner.locator("strong").textContent()).toBe("Broadcasting to 4 panes");
    await pane(keys[3] as string)
      .getByRole("checkbox", { name: "Broadcast" })
      .uncheck();
    expect(await banner.locator("strong").textContent()).toBe("Broadcasting to 3 panes");
    expect(await page.locator(".mp-cell--broadcast").count()).toBe(3);
    await shot(page, "broadcast-1366");

    await typeIn(keys[0] as string, "echo bc-$((6*7))");
    for (const key of keys.slice(0, 3)) await waitForLine(key, "bc-42");
    // Anything broadcast to the unticked pane would have reached it before this line.
    await typeIn(keys[3] as string, "echo alone-$((2*3))");
    await waitForLine(keys[3] as string, "alone-6");
    expect(await lines(keys[3] as string)).not.toContain("bc-42");
    for (const key of keys.slice(0, 3)) expect(await lines(key)).not.toContain("alone-6");

    await banner.getByRole("button", { name: "Stop" }).click();
    await banner.waitFor({ state: "detached" });
    expect(await page.locator(".mp-cell--broadcast").count()).toBe(0);
  });

  it("keeps the layout per person and restores it after a reload, with the same pane keys and sizes", async () => {
    await expect.poll(async () => (await storedLayout())?.tabs[0]?.panes.filter((p) => p.request?.hostId === h.hostId).length).toBe(4);
    const sizeBefore = (await storedLayout())?.tabs[0]?.sizes.x;
    expect(sizeBefore).toBeLessThan(0.35);

    await page.reload();
    await page.getByTestId("multi-pane").waitFor();
    await expect.poll(() => paneKeys()).toEqual(keys);
    for (const key of keys) await waitForPhase(key, "connected");
    const splitter = page.locator(".mp-tabpanel:not([hidden]) [role=separator][aria-orientation=vertical]");
    expect(await splitter.getAttribute("aria-valuenow")).toBe(String(Math.round((sizeBefore ?? 0) * 100)));
    await typeIn(keys[2] as string, "echo back-$((5+5))");
    await waitForLine(keys[2] as string, "back-10");
  });

  it("answers the keyboard shortcuts: focus, tabs, close a pane, split, help", async () => {
    const focused = () => page.locator(".mp-tabpanel:not([hidden]) .mp-cell--focused").getAttribute("data-pane-key");
    await pane(keys[0] as string)
      .getByTestId("terminal-screen")
      .click();
    await expect.poll(focused).toBe(keys[0]);
    await page.keyboard.press("Control+Shift+ArrowRight");
    await expect.poll(focused).toBe(keys[1]);
    await page.keyboard.press("Control+Shift+ArrowDown");
    await expect.poll(focused).toBe(keys[3]);

    const tabs = page.getByRole("tab");
    await page.keyboard.press("Control+Shift+KeyY");
    await expect.poll(() => tabs.count()).toBe(2);
    expect(await tabs.nth(1).getAttribute("aria-selected")).toBe("true");
    await page.keyboard.press("Control+Shift+BracketLeft");
    await expect.poll(() => tabs.nth(0).getAttribute("aria-selected")).toBe("true");
    await page.keyboard.press("Control+Shift+BracketRight");
    await expect.poll(() => tabs.nth(1).getAttribute("aria-selected")).toBe("true");

    // The new tab's one pane: split it side by side, then stacked panes stay two.
    await visiblePanes().first().click();
    await page.keyboard.press("Control+Shift+KeyE");
    await expect.poll(() => visiblePanes().count()).toBe(2);
    await expect.poll(() => page.locator(".mp-tabpanel:not([hidden]) [role=separator][aria-orientation=vertical]").count()).toBe(1);
    await page.keyboard.press("Control+Shift+KeyO");
    await expect.poll(() => page.locator(".mp-tabpanel:not([hidden]) [role=separator][aria-orientation=horizontal]").count()).toBe(1);

    // Closing both panes of the new tab closes the tab.
    await page.keyboard.press("Control+Shift+KeyX");
    await expect.poll(() => visiblePanes().count()).toBe(1);
    await visiblePanes().first().click();
    await page.keyboard.press("Control+Shift+KeyX");
    await expect.poll(() => tabs.count()).toBe(1);

    await page.keyboard.press("Control+Shift+Slash");
    await page.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor();
    expect(await page.getByRole("dialog", { name: "Keyboard shortcuts" }).textContent()).toContain("Ctrl+Shift+E");
    await shot(page, "shortcuts-1366");
    await page.keyboard.press("Control+Shift+Slash");
  });

  it("shows one pane at a time with a pane switcher on a phone", async () => {
    const phone = await signedInContext(browser, h.url, h.admin, { viewport: { width: 390, height: 844 } });
    try {
      const p = await phone.newPage();
      p.on("pageerror", (e) => pageErrors.push(e.message));
      await p.goto(`${h.url}/terminal`);
      await p.getByTestId("multi-pane").waitFor();
      const switcher = p.getByRole("group", { name: "Panes" });
      await expect.poll(() => switcher.getByRole("button").count()).toBe(4);
      await expect.poll(() => visiblePanes(p).filter({ visible: true }).count()).toBe(1);
      const second = (await paneKeys(p))[1] as string;
      await switcher.getByRole("button").nth(1).click();
      await pane(second, p).waitFor({ state: "visible" });
      await waitForPhase(second, "connected", p);
      expect(await visiblePanes(p).filter({ visible: true }).count()).toBe(1);
      const width = await p.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(390);
      await shot(p, "phone-390");
    } finally {
      await phone.close();
    }
    expect(pageErrors).toEqual([]);
  });
});

describe("when the license lapses", () => {
  it("falls back to one pane with the Split lock and keeps the layout, which comes back as it was with the license", async () => {
    const before = await storedLayout();
    if (!before) throw new Error("no layout is stored");
    const panesBefore = before.tabs.flatMap((t) => t.panes.map((p) => p.key));
    expect(panesBefore.length).toBeGreaterThan(1);

    h.entitlements.set([]);
    await expect.poll(async () => (await h.api("/layout")).status, { timeout: 15_000 }).toBe(402);
    await page.reload();
    await page.getByTestId("terminal-locks").locator('[data-lock-module="multi-pane-terminal"]').waitFor();
    expect(await page.getByTestId("multi-pane").count()).toBe(0);
    await shot(page, "lapsed-1366");

    h.entitlements.set(["multi-pane-terminal"]);
    await expect.poll(async () => (await h.api("/layout")).status, { timeout: 15_000 }).toBe(200);
    expect(await storedLayout()).toEqual(before);
    await page.reload();
    await page.getByTestId("multi-pane").waitFor();
    await expect.poll(() => paneKeys(page)).toEqual(before.tabs.find((t) => t.id === before.active)?.panes.map((p) => p.key));
  });
});
