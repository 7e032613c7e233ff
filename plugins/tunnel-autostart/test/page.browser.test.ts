/**
 * The Tunnels page with Tunnel Auto-Start, in chromium, at 1366x768 and 390 px: the lock where the "On
 * boot" switch goes until the module is bought alone in the Module Store (a real registry and its
 * development checkout), then the switch, and a dropped auto-start tunnel showing "Retrying" with its countdown and attempt until
 * sshd is back. Screenshots land in plugins/tunnel-autostart/test-artifacts/.
 */
import { buyInStore, launchChromium, signedInContext } from "@archnest/host/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PluginHost, shot, startPluginHost } from "./harness.js";

let h: PluginHost;
let browser: Browser;

beforeAll(async () => {
  h = await startPluginHost({ web: true, registry: true });
  // Waits long enough to read on the page: 3 s first, 10 s at most.
  await h.request("/api/plugins/tunnel-autostart/settings", { method: "PUT", json: { values: { firstRetrySeconds: 3, maxRetrySeconds: 10 } } });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe("the Tunnels page with auto-start", () => {
  it("marks a tunnel On boot with its switch, and shows a dropped one retrying with a countdown until sshd is back", async () => {
    const made = await h.request("/api/plugins/tunnels/tunnels", {
      method: "POST",
      json: { name: "reverse-ssh", hostId: h.hostId, kind: "remote", bindHost: "127.0.0.1", bindPort: 0, targetHost: "127.0.0.1", targetPort: 22 },
    });
    const { id } = (await made.json()) as { id: string };
    const context = await signedInContext(browser, h.url, h.admin, { viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    await page.goto(`${h.url}/tunnels`);
    const row = page.locator('tr[data-tunnel="reverse-ssh"]');
    await row.waitFor();
    // Not bought: the lock, with the catalog's price, where the switch goes; the API refuses to turn it on.
    await row.locator('[data-lock-module="tunnel-autostart"]').waitFor();
    expect(await row.getByRole("checkbox").count()).toBe(0);
    const refused = await h.request(`/api/plugins/tunnels/tunnels/${id}/autostart`, { method: "PUT", json: { enabled: true } });
    expect(refused.status).toBe(402);
    expect(await refused.json()).toMatchObject({ error: "module_required", module: "tunnel-autostart", price: expect.stringMatching(/^\$/) });
    await shot(page, "locked-1366");

    const store = await context.newPage();
    await buyInStore(store, h.url, "tunnel-autostart");
    await store.close();
    const license = (await (await h.request("/api/license")).json()) as { modules: string[] };
    expect(license.modules).toEqual(["tunnel-autostart"]);
    await page.reload();
    await row.getByRole("checkbox").waitFor();
    expect(await row.locator('[data-lock-module="tunnel-autostart"]').count()).toBe(0);
    await row.getByRole("checkbox").check();
    await expect.poll(async () => ((await (await h.request(`/api/plugins/tunnels/tunnels/${id}`)).json()) as { autoStart: boolean }).autoStart).toBe(true);
    await row.getByRole("button", { name: "Start", exact: true }).click();
    await row.locator('[data-state="running"]').waitFor();

    await h.sshd.stop();
    await row.locator('[data-state="retrying"]').waitFor({ timeout: 20_000 });
    const line = row.getByTestId("tunnel-retry");
    await line.waitFor();
    expect(await line.textContent()).toMatch(/(next try in \d+ s|trying now) · attempt \d+/);
    await shot(page, "retrying-1366");
    const phone = await signedInContext(browser, h.url, h.admin, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const small = await phone.newPage();
    await small.goto(`${h.url}/tunnels`);
    await small.locator('tr[data-tunnel="reverse-ssh"] [data-testid="tunnel-retry"]').waitFor();
    await shot(small, "retrying-390");
    await phone.close();

    await h.sshd.restart();
    await row.locator('[data-state="running"]').waitFor({ timeout: 30_000 });
    expect(await line.count()).toBe(0);
    await shot(page, "back-1366");
    await context.close();
  });
});
