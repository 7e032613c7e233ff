/**
 * Persistent sessions in a real browser (Debian chromium) against the real host and a real OpenSSH sshd:
 * a closed tab leaves its session running, the terminal toolbar's Sessions button counts it and lists it
 * with its age, and End (after a confirmation) stops it. Screenshots at 1366x768 and 390 px wide land in
 * plugins/persistent-sessions/test-artifacts/.
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
  await p.waitForFunction((l) => (window as unknown as HookWindow).__archnestTerminal?.lines().includes(l) ?? false, line, { timeout: 15_000 });
}

async function type(p: Page, text: string): Promise<void> {
  await p.getByTestId("terminal-screen").click();
  await p.keyboard.type(text);
  await p.keyboard.press("Enter");
}

async function listed(): Promise<SessionsBody> {
  return (await (await h.api("/sessions")).json()) as SessionsBody;
}

describe("the Sessions list in the terminal toolbar", () => {
  it("counts and lists the session a closed tab left running, with its age, and ends it after a confirmation", async () => {
    const first = await openTerminal();
    await type(first, "echo left-$((20+1))");
    await waitForLine(first, "left-21");
    await first.close();
    await expect.poll(async () => (await listed()).sessions.filter((s) => s.state === "detached").length).toBe(1);
    const [detached] = (await listed()).sessions;

    const page = await openTerminal();
    const button = page.getByTestId("persist-sessions");
    await expect.poll(() => page.getByTestId("persist-detached-count").textContent(), { timeout: 15_000 }).toBe("1");
    await button.click();
    const dialog = page.getByRole("dialog", { name: "Your terminal sessions" });
    await dialog.waitFor();
    const row = dialog.locator(`[data-session="${detached?.id}"]`);
    await row.waitFor();
    expect(await dialog.getByRole("heading", { name: "test-sshd" }).count()).toBe(1);
    expect(await row.textContent()).toMatch(/Detached \d+ ?s/);
    expect(await row.textContent()).toMatch(/Opened \d+ ?s ago/);
    expect(await row.getByRole("button", { name: "Reattach" }).count()).toBe(1);
    await shot(page, "sessions-list-1366");

    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, "sessions-list-390");
    await page.setViewportSize({ width: 1366, height: 768 });

    await row.getByRole("button", { name: "End" }).click();
    const confirm = page.getByRole("dialog", { name: "End this session?" });
    await confirm.waitFor();
    await shot(page, "sessions-end-confirm");
    await confirm.getByRole("button", { name: "End session" }).click();
    // The list comes back without the ended session.
    await dialog.waitFor();
    await row.waitFor({ state: "detached" });
    expect((await listed()).sessions.map((s) => s.id)).not.toContain(detached?.id);
    await expect.poll(() => page.getByTestId("persist-detached-count").count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
