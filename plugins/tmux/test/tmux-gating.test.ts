/**
 * The tmux module as it is sold: on a host whose licenses come from a real registry, the plugin without
 * its license is locked (the host answers the 402 body on every tmux route, and the terminal's toolbar
 * shows the lock where the tmux button would be); buying it through the Module Store and the registry's
 * development checkout unlocks it live, without restarting or reinstalling anything.
 */
import { buyInStore, launchChromium, signedInContext } from "@archnest/host/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TmuxListing } from "../src/server.js";
import { type PluginHost, shot, ssh, startPluginHost } from "./harness.js";

let h: PluginHost;
let browser: Browser;
let page: Page;

const toolbar = (p: Page) => p.locator('[data-slot-name="terminal.toolbar@1"]');

beforeAll(async () => {
  h = await startPluginHost({ web: true, registry: true });
  expect((await ssh(h.sshd, "tmux new-session -d -s work")).code).toBe(0);
  browser = await launchChromium();
  const context = await signedInContext(browser, h.url, h.admin, { viewport: { width: 1366, height: 768 } });
  context.setDefaultTimeout(30_000);
  page = await context.newPage();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe("the tmux module's license", () => {
  it("without it, every tmux route answers 402 module_required and runs nothing", async () => {
    for (const [path, init] of [
      [`/sessions?host=${h.hostId}`, {}],
      [`/sessions?host=${h.hostId}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "sneaky" }) }],
      [`/sessions/work/detach?host=${h.hostId}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }],
      [`/sessions/work?host=${h.hostId}`, { method: "DELETE" }],
    ] as const) {
      const res = await h.api(path, init);
      expect(res.status, `${init.method ?? "GET"} ${path}`).toBe(402);
      expect(await res.json()).toMatchObject({ error: "module_required", module: "tmux", purchaseUrl: expect.stringContaining("#tmux") });
    }
    expect((await ssh(h.sshd, "tmux ls -F '#{session_name}'")).stdout.trim()).toBe("work");
  });

  it("shows the lock in the terminal's toolbar, then unlocks live once bought in the store", async () => {
    await page.goto(`${h.url}/terminal?host=${encodeURIComponent(h.hostId)}`);
    // The terminal shows the lock, with the registry catalog's price, where the tmux button would be.
    const locks = page.getByTestId("terminal-locks");
    await locks.getByText("tmux").waitFor();
    await expect.poll(() => locks.textContent()).toMatch(/tmux\s*\$5/);
    expect(await page.getByRole("button", { name: "tmux", exact: true }).count()).toBe(0);
    await shot(page, "tmux-locked-toolbar-1366");

    await buyInStore(page, h.url, "tmux");

    const res = await h.api(`/sessions?host=${h.hostId}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as TmuxListing).sessions.map((s) => s.name)).toEqual(["work"]);

    await page.goto(`${h.url}/terminal?host=${encodeURIComponent(h.hostId)}`);
    await toolbar(page).getByRole("button", { name: "tmux", exact: true }).click();
    expect(await page.getByTestId("terminal-locks").textContent()).not.toContain("tmux");
    await page.locator('[data-testid="tmux-sessions"] [data-session="work"]').waitFor();
    await shot(page, "tmux-unlocked-1366");
  });
});
