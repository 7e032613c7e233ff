/** The Tunnels page and Glance widget in chromium against the real host and a real sshd. */
import { createServer, type Server } from "node:http";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, type PluginHost, shot, signIn, startPluginHost } from "./harness.js";

let h: PluginHost;
let browser: Browser;
let page: Page;
let web: Server;
let webPort: number;

beforeAll(async () => {
  h = await startPluginHost({ web: true });
  web = createServer((_req, res) => res.end("hello through the tunnel"));
  await new Promise<void>((r) => web.listen(0, "127.0.0.1", () => r()));
  webPort = (web.address() as { port: number }).port;
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1360, height: 860 } })).newPage();
  await signIn(page, h.url);
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
  await new Promise((r) => web?.close(r));
});

describe("Tunnels page", () => {
  it("adds a tunnel through the form, starts it, shows it running with traffic, and locks auto-start", async () => {
    await page.goto(`${h.url}/tunnels`);
    await page.getByRole("button", { name: "New tunnel" }).click();
    const form = page.getByRole("dialog", { name: "New tunnel" });
    await form.getByLabel("Name").fill("grafana");
    await form.locator('input[name="targetPort"]').fill(String(webPort));
    await form.getByRole("button", { name: "Add tunnel" }).click();
    const row = page.locator('tr[data-tunnel="grafana"]');
    await row.waitFor();
    await row.getByRole("button", { name: "Start", exact: true }).click();
    await row.locator('[data-state="running"]').waitFor();

    const { tunnels } = (await (await h.api("/tunnels")).json()) as { tunnels: { name: string; port: number }[] };
    const port = tunnels.find((t) => t.name === "grafana")?.port;
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("hello through the tunnel");
    // Auto-start is the paid module: the row shows the shell's lock for it, not a toggle.
    await row.locator('[data-lock-module="tunnel-autostart"]').waitFor();
    expect(await row.locator('input[type="checkbox"]').count()).toBe(0);
    // The page polls: the bytes that just went through show up.
    await row.getByText(/↓ [1-9]/).waitFor();
    await shot(page, "tunnels");
  });

  it("lists tunnels and their state in the Glance widget", async () => {
    await page.goto(`${h.url}/`);
    const widget = page.getByTestId("tunnels-widget");
    await widget.getByText("grafana").waitFor();
    await widget.locator('[data-state="running"]').waitFor();
    await shot(page, "tunnels-glance");
  });
});
