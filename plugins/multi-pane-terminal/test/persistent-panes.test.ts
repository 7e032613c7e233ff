/**
 * Panes and persistent sessions together, against the real host, a real sshd and chromium, with both
 * modules licensed: each pane reattaches to its own session after a reload (the replay on a cleared
 * screen), a second window of the same person watches view-only until it takes over, a pane whose session
 * ended meanwhile opens a new one, and closing a pane ends its persistent session on the host.
 */
import { launchChromium, signedInContext } from "@archnest/host/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PluginHost, shot, startPluginHost } from "./harness.js";

interface PaneHook {
  lines(): string[];
  phase(): string;
  session(): { id: string; writer: boolean; persistent: boolean } | undefined;
}
type HookWindow = { __archnestPanes?: Record<string, PaneHook> };

let h: PluginHost;
let browser: Browser;
let context: BrowserContext;
let page: Page;

const visiblePanes = (p: Page) => p.locator(".mp-tabpanel:not([hidden]) [data-testid=layout-pane]");
const paneKeys = (p: Page) => visiblePanes(p).evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.paneKey ?? ""));
const session = (p: Page, key: string) => p.evaluate((k) => (window as unknown as HookWindow).__archnestPanes?.[k]?.session(), key);
const waitFor = (p: Page, key: string, what: "connected" | "persistent") =>
  p.waitForFunction(
    ([k, w]) => {
      const hook = (window as unknown as HookWindow).__archnestPanes?.[k as string];
      return hook?.phase() === "connected" && (w === "connected" || hook.session()?.persistent === true);
    },
    [key, what],
    { timeout: 20_000 },
  );
const waitForLine = (p: Page, key: string, line: string) =>
  p.waitForFunction(([k, l]) => (window as unknown as HookWindow).__archnestPanes?.[k as string]?.lines().includes(l as string) ?? false, [key, line], {
    timeout: 20_000,
  });
const terminalSessionIds = async () =>
  ((await (await h.request("/api/plugins/terminal/sessions")).json()) as { sessions: { id: string }[] }).sessions.map((s) => s.id);

async function typeIn(p: Page, key: string, text: string): Promise<void> {
  await p.locator(`[data-testid=layout-pane][data-pane-key="${key}"] [data-testid=terminal-screen]`).click();
  await p.keyboard.type(text);
  await p.keyboard.press("Enter");
}

beforeAll(async () => {
  h = await startPluginHost({ web: true, licensed: ["multi-pane-terminal", "persistent-sessions"] });
  await h.install(new URL("../../persistent-sessions/", import.meta.url));
  browser = await launchChromium();
  context = await signedInContext(browser, h.url, h.admin, { viewport: { width: 1366, height: 768 } });
  context.setDefaultTimeout(20_000);
  page = await context.newPage();
  await page.goto(`${h.url}/terminal?host=${encodeURIComponent(h.hostId)}`);
  await page.getByTestId("multi-pane").waitFor();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe("panes with persistent sessions", () => {
  let keys: string[] = [];
  let ids: string[] = [];

  it("reattaches each pane to its own session after a reload, replaying its output", async () => {
    await page.getByRole("button", { name: "Split ⇆" }).click();
    await expect.poll(() => visiblePanes(page).count()).toBe(2);
    keys = await paneKeys(page);
    const picker = page.locator(`[data-pane-key="${keys[1]}"] [data-testid=pane-host-picker]`);
    await picker.getByRole("combobox").selectOption(h.hostId);
    await picker.getByRole("button", { name: "Connect" }).click();
    for (const key of keys) await waitFor(page, key, "persistent");
    ids = await Promise.all(keys.map(async (k) => (await session(page, k))?.id as string));
    expect(new Set(ids).size).toBe(2);
    for (const [i, key] of keys.entries()) await typeIn(page, key, `echo kept-${i}-$((7*${i + 1}))`);
    for (const [i, key] of keys.entries()) await waitForLine(page, key, `kept-${i}-${7 * (i + 1)}`);

    await page.reload();
    await page.getByTestId("multi-pane").waitFor();
    await expect.poll(() => paneKeys(page)).toEqual(keys);
    for (const key of keys) await waitFor(page, key, "connected");
    expect(await Promise.all(keys.map(async (k) => (await session(page, k))?.id))).toEqual(ids);
    // The replay brings each pane's own output back, and only its own.
    await waitForLine(page, keys[0] as string, "kept-0-7");
    await waitForLine(page, keys[1] as string, "kept-1-14");
    expect(await page.evaluate((k) => (window as unknown as HookWindow).__archnestPanes?.[k]?.lines(), keys[0] as string)).not.toContain("kept-1-14");
  });

  it("shows a second window view-only with a Take over button, and taking over swaps the roles", async () => {
    const second = await context.newPage();
    try {
      await second.goto(`${h.url}/terminal`);
      await second.getByTestId("multi-pane").waitFor();
      for (const key of keys) await waitFor(second, key, "connected");
      expect((await session(second, keys[0] as string))?.id).toBe(ids[0]);
      // One window writes, the other watches.
      const writers = [(await session(page, keys[0] as string))?.writer, (await session(second, keys[0] as string))?.writer];
      expect(writers.filter(Boolean)).toHaveLength(1);
      const [watcher, writer] = writers[0] ? [second, page] : [page, second];
      const banner = watcher.locator(`[data-pane-key="${keys[0]}"] [data-testid=terminal-view-only]`);
      await banner.waitFor();
      expect(await banner.textContent()).toContain("View only");
      await shot(watcher, "view-only-1366");

      await banner.getByRole("button", { name: "Take over" }).click();
      await banner.waitFor({ state: "detached" });
      await writer.locator(`[data-pane-key="${keys[0]}"] [data-testid=terminal-view-only]`).waitFor();
      await typeIn(watcher, keys[0] as string, "echo took-$((3*3))");
      await waitForLine(writer, keys[0] as string, "took-9");
    } finally {
      await second.close();
    }
  });

  it("opens a new session in a pane whose kept session ended meanwhile", async () => {
    await page.close();
    page = await context.newPage();
    const ended = await h.request(`/api/plugins/terminal/sessions/${ids[1]}`, { method: "DELETE", headers: h.admin.headers });
    expect(ended.status).toBe(204);
    const again = await h.request(`/api/plugins/terminal/sessions/${ids[1]}`, { method: "DELETE", headers: h.admin.headers });
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ error: "TERMINAL_ERR_SESSION_NOT_FOUND" });
    await page.goto(`${h.url}/terminal`);
    await page.getByTestId("multi-pane").waitFor();
    await waitFor(page, keys[1] as string, "persistent");
    const fresh = (await session(page, keys[1] as string))?.id;
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(ids[1]);
    expect((await session(page, keys[0] as string))?.id).toBe(ids[0]);
    ids[1] = fresh as string;
  });

  it("ends a pane's persistent session when the pane is closed", async () => {
    expect(await terminalSessionIds()).toContain(ids[1]);
    await page.getByRole("button", { name: "Close pane 2" }).click();
    await expect.poll(() => visiblePanes(page).count()).toBe(1);
    await expect.poll(terminalSessionIds).not.toContain(ids[1]);
    expect(await terminalSessionIds()).toContain(ids[0]);
  });
});
