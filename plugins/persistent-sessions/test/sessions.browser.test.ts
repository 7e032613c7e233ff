/**
 * Persistent sessions in a real browser (Debian chromium) against the real host and a real OpenSSH sshd: a
 * reload or a new tab reattaches the same shell with its scrollback, a second tab watches until it takes
 * over, a closed tab leaves its session running, the terminal toolbar's Sessions button counts it and
 * lists it with its age, Reattach brings it back and End (after a confirmation) stops it. Screenshots at
 * 1366x768 and 390 px wide land in plugins/persistent-sessions/test-artifacts/.
 */
import { launchChromium, signedInContext } from "@archnest/host/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionsBody } from "../src/server.js";
import { type PluginHost, shot, startPluginHost } from "./harness.js";

/** The terminal page's test hook, as far as this test reads it. */
interface TerminalHook {
  phase(): string;
  lines(): string[];
  session(): { id: string; writer: boolean; viewers: number; persistent: boolean } | undefined;
}
/** Functions passed to the page run there: each reads the hook itself. */
type HookWindow = { __archnestTerminal?: TerminalHook };

let h: PluginHost;
let browser: Browser;
let context: BrowserContext;
const pageErrors: string[] = [];

beforeAll(async () => {
  h = await startPluginHost({ web: true, licensed: ["persistent-sessions"] });
  browser = await launchChromium();
  context = await signedInContext(browser, h.url, h.admin, { viewport: { width: 1366, height: 768 } });
  context.setDefaultTimeout(20_000);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function openTerminal(): Promise<Page> {
  const p = await context.newPage();
  p.on("pageerror", (e) => pageErrors.push(e.message));
  await p.goto(`${h.url}/terminal?host=${encodeURIComponent(h.hostId)}`);
  await p.waitForFunction(() => (window as unknown as HookWindow).__archnestTerminal?.phase() === "connected", undefined, { timeout: 20_000 });
  return p;
}

async function waitForLine(p: Page, line: string): Promise<void> {
  try {
    await p.waitForFunction((l) => (window as unknown as HookWindow).__archnestTerminal?.lines().includes(l) ?? false, line, { timeout: 15_000 });
  } catch (err) {
    const last = await p.evaluate(() => (window as unknown as HookWindow).__archnestTerminal?.lines().filter(Boolean).slice(-12) ?? []);
    const phase = await p.evaluate(() => (window as unknown as HookWindow).__archnestTerminal?.phase());
    throw new Error(`no line ${line} (phase ${phase}); last lines:\n${last.join("\n")}`, { cause: err });
  }
}

async function type(p: Page, text: string): Promise<void> {
  await p.getByTestId("terminal-screen").click();
  await p.keyboard.type(text);
  await p.keyboard.press("Enter");
}

async function sessionOf(p: Page): Promise<{ id: string; writer: boolean; viewers: number; persistent: boolean }> {
  const s = await p.evaluate(() => (window as unknown as HookWindow).__archnestTerminal?.session());
  if (!s) throw new Error("the page has no session");
  return s;
}

/**
 * Waits until this tab types into its session. A tab that reattaches while the socket of the tab it
 * replaces is still closing joins as a viewer, and becomes the writer as soon as that socket is gone.
 */
async function waitForWriter(p: Page): Promise<void> {
  await p.waitForFunction(() => (window as unknown as HookWindow).__archnestTerminal?.session()?.writer === true, undefined, { timeout: 15_000 });
}

async function listed(): Promise<SessionsBody> {
  return (await (await h.api("/sessions")).json()) as SessionsBody;
}

describe("a persistent session in the browser", () => {
  it("survives a reload and a closed tab: the same shell comes back with its scrollback and takes keystrokes", async () => {
    const page = await openTerminal();
    await type(page, "export KEPT=yes; echo first-$((40+2))");
    await waitForLine(page, "first-42");
    const { id, persistent } = await sessionOf(page);
    expect(persistent).toBe(true);

    await page.reload();
    await page.waitForFunction(() => (window as unknown as HookWindow).__archnestTerminal?.phase() === "connected", undefined, { timeout: 20_000 });
    await waitForLine(page, "first-42");
    expect((await sessionOf(page)).id).toBe(id);
    await waitForWriter(page);
    await type(page, "echo reloaded-$KEPT-$((50+1))");
    await waitForLine(page, "reloaded-yes-51");
    await shot(page, "reattached-after-reload-1366");
    await page.close();

    // A new tab on the same browser profile finds the session the closed one left.
    const next = await openTerminal();
    await waitForLine(next, "reloaded-yes-51");
    expect((await sessionOf(next)).id).toBe(id);
    await waitForWriter(next);
    await type(next, "echo new-tab-$((60+1))");
    await waitForLine(next, "new-tab-61");
    await next.setViewportSize({ width: 390, height: 844 });
    await shot(next, "reattached-new-tab-390");
    await next.close();
  });

  it("shows a second tab on the same session as view-only until it takes over", async () => {
    const first = await openTerminal();
    await waitForWriter(first);
    const { id } = await sessionOf(first);
    const second = await openTerminal();
    expect((await sessionOf(second)).id).toBe(id);
    const banner = second.getByTestId("terminal-view-only");
    await banner.waitFor();
    expect(await banner.textContent()).toContain("View only");
    await expect.poll(async () => (await sessionOf(first)).viewers).toBe(2);
    await shot(second, "view-only-1366");

    // Its keys go nowhere while it watches.
    await type(second, "echo ignored-$((70+1))");
    await type(first, "echo writer-$((80+1))");
    await waitForLine(second, "writer-81");
    expect(await first.evaluate(() => (window as unknown as HookWindow).__archnestTerminal?.lines().some((l) => l.includes("ignored-71")))).toBe(false);

    await banner.getByRole("button", { name: "Take over" }).click();
    await banner.waitFor({ state: "detached" });
    await first.getByTestId("terminal-view-only").waitFor();
    await type(second, "echo taken-$((90+1))");
    await waitForLine(first, "taken-91");
    await first.close();
    await second.close();
  });
});

describe("the Sessions list in the terminal toolbar", () => {
  it("counts and lists a session a closed tab left running, with its age; Reattach brings it back, End stops one after a confirmation", async () => {
    const first = await openTerminal();
    await waitForWriter(first);
    await type(first, "echo left-$((20+1))");
    await waitForLine(first, "left-21");
    const { id: left } = await sessionOf(first);
    await first.close();
    await expect.poll(async () => (await listed()).sessions.find((s) => s.id === left)?.state).toBe("detached");

    // Another browser (no remembered session) opens a new one and finds the detached one in the list.
    const other = await signedInContext(browser, h.url, h.admin, { viewport: { width: 1366, height: 768 } });
    const page = await other.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(`${h.url}/terminal?host=${encodeURIComponent(h.hostId)}`);
    await page.waitForFunction(() => (window as unknown as HookWindow).__archnestTerminal?.phase() === "connected", undefined, { timeout: 20_000 });
    const { id: fresh } = await sessionOf(page);
    expect(fresh).not.toBe(left);
    await expect.poll(() => page.getByTestId("persist-detached-count").textContent(), { timeout: 15_000 }).toBe("1");
    await page.getByTestId("persist-sessions").click();
    const dialog = page.getByRole("dialog", { name: "Your terminal sessions" });
    await dialog.waitFor();
    const row = dialog.locator(`[data-session="${left}"]`);
    await row.waitFor();
    expect(await dialog.getByRole("heading", { name: "test-sshd" }).count()).toBe(1);
    expect(await row.textContent()).toMatch(/Detached \d+ ?(s|min)/);
    expect(await row.textContent()).toMatch(/Opened \d+ ?(s|min).* ago/);
    // The session on this page is not offered: it is here already.
    expect(await dialog.locator(`[data-session="${fresh}"]`).count()).toBe(0);
    await shot(page, "sessions-list-1366");
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, "sessions-list-390");
    await page.setViewportSize({ width: 1366, height: 768 });

    await row.getByRole("button", { name: "Reattach" }).click();
    await waitForLine(page, "left-21");
    await expect.poll(async () => (await sessionOf(page)).id).toBe(left);
    // The session the pane showed before is kept in its turn, and is the one the list offers now.
    await expect.poll(async () => (await listed()).sessions.find((s) => s.id === fresh)?.state).toBe("detached");
    await page.getByTestId("persist-sessions").click();
    const freshRow = dialog.locator(`[data-session="${fresh}"]`);
    await freshRow.waitFor();
    await freshRow.getByRole("button", { name: "End" }).click();
    const confirm = page.getByRole("dialog", { name: "End this session?" });
    await confirm.waitFor();
    await shot(page, "sessions-end-confirm");
    await confirm.getByRole("button", { name: "End session" }).click();
    // The list comes back without the ended session.
    await dialog.waitFor();
    await freshRow.waitFor({ state: "detached" });
    expect((await listed()).sessions.map((s) => s.id)).not.toContain(fresh);
    await expect.poll(() => page.getByTestId("persist-detached-count").count()).toBe(0);
    await other.close();
    expect(pageErrors).toEqual([]);
  });
});
