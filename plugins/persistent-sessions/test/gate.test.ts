/**
 * The module as it is sold: published to a real registry with the terminal it depends on, installed
 * without its license (loaded read-only, so the terminal toolbar shows its lock), its API answering the
 * 402 body and no session kept; then bought through the registry's development checkout and working at
 * once, without a restart. Screenshots of the lock at 1366x768 and 390 px.
 */
import { launchChromium, signedInContext } from "@archnest/host/testing";
import { lastSession, openSession, type SessionClient } from "@archnest/terminal/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PersistStatus } from "../src/server.js";
import { type PluginHost, shot, startPluginHost } from "./harness.js";

let h: PluginHost;
let browser: Browser;

beforeAll(async () => {
  h = await startPluginHost({ registry: true, web: true });
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function openAndLeave(): Promise<{ id: string; persistent: boolean | undefined }> {
  const c: SessionClient = await openSession(h.url, h.admin.cookie, { hostId: h.hostId });
  const s = await c.waitForStatus((x) => x.state === "session");
  c.close();
  await c.closed;
  return { id: (s as { id: string }).id, persistent: lastSession(c)?.persistent };
}

async function terminalSessionIds(): Promise<string[]> {
  const res = await fetch(`${h.url}/api/plugins/terminal/sessions`, { headers: { cookie: h.admin.cookie } });
  return ((await res.json()) as { sessions: { id: string }[] }).sessions.map((s) => s.id);
}

describe("the persistent-sessions module", () => {
  it("shows its lock and keeps nothing without its license, and unlocks live when bought through the development checkout", async () => {
    expect(await (await h.api("/status")).json()).toMatchObject({ licensed: false, refusal: { error: "module_required", module: "persistent-sessions" } });

    const locked = await h.api("/sessions");
    expect(locked.status).toBe(402);
    expect(await locked.json()).toMatchObject({ error: "module_required", module: "persistent-sessions", price: expect.stringMatching(/^\$/) });
    expect((await h.api("/sessions/anything", { method: "DELETE", headers: h.admin.headers })).status).toBe(402);

    const before = await openAndLeave();
    expect(before.persistent).toBe(false);
    await expect.poll(terminalSessionIds).not.toContain(before.id);

    // Where the Sessions button would be, the terminal's toolbar shows the module's lock.
    const context = await signedInContext(browser, h.url, h.admin, { viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    await page.goto(`${h.url}/terminal?host=${encodeURIComponent(h.hostId)}`);
    const lock = page.locator('[data-slot-name="terminal.toolbar@1"] [data-lock-module="persistent-sessions"]');
    await lock.waitFor({ timeout: 20_000 });
    expect(await lock.textContent()).toContain("Keep sessions");
    expect(await page.getByTestId("persist-sessions").count()).toBe(0);
    await shot(page, "locked-toolbar-1366");
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, "locked-toolbar-390");
    await page.setViewportSize({ width: 1366, height: 768 });

    await h.buy("persistent-sessions");
    expect(((await (await h.api("/status")).json()) as PersistStatus).licensed).toBe(true);
    // The open page turns the lock into the button without a reload.
    await page.getByTestId("persist-sessions").waitFor({ timeout: 20_000 });
    expect(await lock.count()).toBe(0);
    await context.close();
    // The page's session opened before the purchase: it ends with its tab, freeing the one free terminal.
    await expect.poll(async () => (await terminalSessionIds()).length).toBe(0);
    expect((await h.api("/sessions")).status).toBe(200);
    const after = await openAndLeave();
    expect(after.persistent).toBe(true);
    expect(await terminalSessionIds()).toContain(after.id);
    const listed = (await (await h.api("/sessions")).json()) as { sessions: { id: string; state: string }[] };
    expect(listed.sessions.find((s) => s.id === after.id)).toMatchObject({ state: "detached" });
  });
});
