/**
 * The SSH hosts plugin in a real ArchNest (host + built web app; the plugin built by `archnest-plugin
 * build`, packed and signed with the SDK, installed as a core plugin) against a real OpenSSH sshd, driven
 * in Debian chromium: add a host in Settings → Integrations, compare and trust its key on the first connection,
 * see it up on Infrastructure and Glance, meet a changed host key and accept it, import from an ssh config,
 * remove with a confirmation, and meet the lock at the fourth host. Screenshots land in test-artifacts/.
 */
import { mkdirSync } from "node:fs";
import { ADMIN_PASSWORD, launchChromium, type PluginHost, startPluginHost, startSshd, type TestSshd } from "@archnest/host/testing";
import { buildPlugin } from "@archnest/plugin-cli";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ARTIFACTS = new URL("../test-artifacts/", import.meta.url).pathname;

let sshd: TestSshd;
let app: PluginHost;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

async function hostCount(): Promise<number> {
  return ((await (await app.request("/api/hosts")).json()) as { hosts: unknown[] }).hosts.length;
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  sshd = await startSshd();
  app = await startPluginHost({
    core: true,
    web: true,
    plugins: [{ dir: new URL("..", import.meta.url).pathname }],
    build: (dir) => buildPlugin(dir, { quiet: true }),
  });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  context.setDefaultTimeout(15_000);
  page = await context.newPage();
  page.on("pageerror", (e) => pageErrors.push(e.message));
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await sshd?.cleanup();
});

describe("SSH hosts in the browser", () => {
  it("installs as an active web-only core plugin", async () => {
    const plugins = (await (await app.request("/api/plugins")).json()) as { id: string; source: string; state: string }[];
    expect(plugins.find((p) => p.id === "hosts")).toMatchObject({ source: "core", state: "active" });
  });

  it("adds a host in Settings → Integrations; the key is stored, never shown", async () => {
    await page.goto(`${app.url}/settings/integrations`);
    await page.getByLabel("Username").fill("admin");
    await page.getByLabel("Password").fill(ADMIN_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    const panel = page.getByTestId("hosts-integration");
    await panel.getByText("No SSH hosts yet").waitFor();
    await panel.getByRole("button", { name: "Add host" }).click();
    const dialog = page.getByRole("dialog", { name: "Add SSH host" });
    await dialog.getByLabel("Name").fill("lab");
    await dialog.getByLabel("Address").fill(sshd.host);
    await dialog.getByLabel("Port").fill(String(sshd.port));
    await dialog.getByLabel("User").fill(sshd.user);
    await dialog.getByRole("textbox", { name: "Private key" }).fill(sshd.privateKey);
    await dialog.getByLabel("Tags").fill("lab, ci");
    await shot("hosts-add-dialog");
    await dialog.getByRole("button", { name: "Add host" }).click();
    await dialog.waitFor({ state: "detached" });
    // The first connection asks about the host key; this test leaves it for later.
    const prompt = page.getByRole("dialog", { name: "Trust the host key of lab?" });
    await prompt.getByRole("button", { name: "Cancel" }).click();
    await prompt.waitFor({ state: "detached" });
    const row = panel.locator('tr[data-host="lab"]');
    await row.waitFor();
    expect(await row.textContent()).toContain(`${sshd.user}@${sshd.host}:${sshd.port}`);
    expect(await row.getByTestId("auth").textContent()).toBe("Private keystored");
    expect(await row.locator(".badge").allTextContents()).toEqual(["lab", "ci"]);
    // The key body is nowhere on the page, not even in the edit form.
    await row.getByRole("button", { name: "Edit lab" }).click();
    const edit = page.getByRole("dialog", { name: "Edit lab" });
    expect(await edit.getByRole("textbox", { name: "Private key" }).inputValue()).toBe("");
    expect(await edit.getByRole("textbox", { name: "Private key" }).getAttribute("placeholder")).toContain("stored");
    await edit.getByRole("button", { name: "Cancel" }).click();
    const keyBody = sshd.privateKey.split("\n")[1] ?? "";
    expect(keyBody.length).toBeGreaterThan(20);
    expect(await page.content()).not.toContain(keyBody);
  });

  it("tests the connection: the key to trust on first contact, then the latency", async () => {
    const panel = page.getByTestId("hosts-integration");
    const row = panel.locator('tr[data-host="lab"]');
    await row.getByRole("button", { name: "Test connection" }).click();
    const prompt = page.getByRole("dialog", { name: "Trust the host key of lab?" });
    expect(await prompt.getByTestId("trust-fingerprint").textContent()).toBe(sshd.hostKeyFingerprint);
    await prompt.getByRole("button", { name: "Trust and connect" }).click();
    const line = panel.locator('tr[data-test-result="lab"]').getByTestId("test-line");
    await line.getByText("Host key matches").waitFor();
    expect(await line.textContent()).toMatch(new RegExp(`^Connected in \\d+ ms · Host key matches: ${sshd.hostKeyFingerprint.replace(/\+/g, "\\+")}$`));
    await row.getByTestId("fingerprint").waitFor();
    expect(await row.getByTestId("fingerprint").textContent()).toBe(sshd.hostKeyFingerprint);
    await shot("hosts-integrations");
  });

  it("shows the host up on Infrastructure with its tags and quick actions", async () => {
    await page.locator("a", { hasText: "Infrastructure" }).first().click();
    const section = page.getByTestId("hosts-section");
    const row = section.locator('tr[data-host="lab"]');
    await row.locator('[data-state="up"]').waitFor();
    expect(await row.getByTestId("host-status").textContent()).toMatch(/^Up · \d+ ms$/);
    expect(await row.locator(".badge").allTextContents()).toEqual(["lab", "ci"]);
    const id = ((await (await app.request("/api/hosts")).json()) as { hosts: { id: string }[] }).hosts[0]?.id ?? "";
    expect(await row.getByRole("link", { name: "Terminal on lab" }).getAttribute("href")).toBe(`/terminal?host=${id}`);
    expect(await row.getByRole("link", { name: "Files on lab" }).getAttribute("href")).toBe(`/files?host=${id}`);
    expect(await row.getByRole("link", { name: "Metrics of lab" }).getAttribute("href")).toBe(`/metrics?host=${id}`);
    await shot("hosts-infrastructure");
    await row.getByRole("link", { name: "Metrics of lab" }).click();
    await page.waitForURL(`**/metrics?host=${id}`);
  });

  it("shows the host up on Glance with the counts", async () => {
    await page.goto(`${app.url}/`);
    const widget = page.getByTestId("hosts-widget");
    await widget.locator('li[data-host="lab"] [data-state="up"]').waitFor();
    expect(await widget.getByTestId("up-count").textContent()).toBe("1 up");
    expect(await widget.getByTestId("down-count").textContent()).toBe("0 down");
    await shot("hosts-glance");
  });

  it("refuses a changed host key with both fingerprints until the admin accepts the new one", async () => {
    const trusted = sshd.hostKeyFingerprint;
    const presented = await sshd.rotateHostKey();
    expect(presented).not.toBe(trusted);
    await page.goto(`${app.url}/settings/integrations`);
    const panel = page.getByTestId("hosts-integration");
    await panel.locator('tr[data-host="lab"]').getByRole("button", { name: "Test connection" }).click();
    const alert = panel.getByTestId("key-changed");
    await alert.waitFor();
    expect(await alert.getByTestId("trusted-fingerprint").textContent()).toBe(trusted);
    expect(await alert.getByTestId("presented-fingerprint").textContent()).toBe(presented);
    await shot("hosts-key-changed");
    await alert.getByRole("button", { name: "Accept new key" }).click();
    await alert.waitFor({ state: "detached" });
    const line = panel.locator('tr[data-test-result="lab"]').getByTestId("test-line");
    await line.getByText("Host key matches").waitFor();
    expect(await line.textContent()).toContain(presented);
    expect(await panel.locator('tr[data-host="lab"]').getByTestId("fingerprint").textContent()).toBe(presented);
  });

  it("imports from an ssh config and says what was skipped and why", async () => {
    const panel = page.getByTestId("hosts-integration");
    await panel.getByRole("button", { name: "Import from ~/.ssh/config" }).click();
    const dialog = page.getByRole("dialog", { name: "Import from ~/.ssh/config" });
    await dialog
      .getByLabel("Config file")
      .fill(
        [
          "Host *",
          "  ServerAliveInterval 30",
          "",
          "Host backup",
          "  HostName 10.0.0.7",
          "  User ops",
          "  Port 2222",
          "",
          "Host nouser",
          "  HostName 10.0.0.8",
          "",
        ].join("\n"),
      );
    await dialog.getByRole("button", { name: "Import" }).click();
    const result = dialog.getByTestId("import-result");
    await result.waitFor();
    expect(await result.locator('[data-imported="backup"]').textContent()).toContain("ops@10.0.0.7:2222");
    expect(await result.locator('[data-skipped="nouser"]').textContent()).toContain("No User is given");
    await shot("hosts-import");
    await dialog.getByRole("button", { name: "Done" }).click();
    await panel.locator('tr[data-host="backup"]').waitFor();
    expect(await hostCount()).toBe(2);
  });

  it("removes a host after a confirmation", async () => {
    const panel = page.getByTestId("hosts-integration");
    await panel.getByRole("button", { name: "Remove backup" }).click();
    const confirm = page.getByRole("dialog", { name: "Remove backup?" });
    await confirm.getByRole("button", { name: "Cancel" }).click();
    expect(await hostCount()).toBe(2);
    await panel.getByRole("button", { name: "Remove backup" }).click();
    await page.getByRole("dialog", { name: "Remove backup?" }).getByRole("button", { name: "Remove host" }).click();
    await panel.locator('tr[data-host="backup"]').waitFor({ state: "detached" });
    expect(await hostCount()).toBe(1);
  });

  it("keeps three hosts free: at the third the Add button becomes the lock for unlimited-hosts", async () => {
    const panel = page.getByTestId("hosts-integration");
    for (const name of ["db", "cache"]) {
      await panel.getByRole("button", { name: "Add host" }).click();
      const dialog = page.getByRole("dialog", { name: "Add SSH host" });
      await dialog.getByLabel("Name").fill(name);
      await dialog.getByLabel("Address").fill("10.0.0.9");
      await dialog.getByLabel("User").fill("ops");
      await dialog.getByRole("radio", { name: "Password" }).check();
      await dialog.locator('input[type="password"]').fill("not-a-real-password");
      await dialog.getByRole("button", { name: "Add host" }).click();
      await dialog.waitFor({ state: "detached" });
      await panel.locator(`tr[data-host="${name}"]`).waitFor();
    }
    expect(await hostCount()).toBe(3);
    const lock = panel.locator('[data-lock-module="unlimited-hosts"]');
    expect(await lock.textContent()).toContain("Add host · 3 of 3 free");
    expect(await lock.getAttribute("title")).toContain("You have 3 SSH hosts, the free limit");
    expect(await panel.locator("button.btn--accent", { hasText: "Add host" }).count()).toBe(0);
    await shot("hosts-at-cap");
    expect(await panel.locator('[data-lock-module="unlimited-hosts"]').count()).toBe(1);
    expect(await page.content()).not.toContain("not-a-real-password");
  });

  it("shows down hosts on Glance next to the one that is up", async () => {
    await page.goto(`${app.url}/`);
    const widget = page.getByTestId("hosts-widget");
    await widget.locator('li[data-host="lab"] [data-state="up"]').waitFor();
    await widget.locator('li[data-host="db"] [data-state="down"]').waitFor();
    await widget.locator('li[data-host="cache"] [data-state="down"]').waitFor();
    expect(await widget.getByTestId("up-count").textContent()).toBe("1 up");
    expect(await widget.getByTestId("down-count").textContent()).toBe("2 down");
    await shot("hosts-glance-mixed");
    expect(pageErrors).toEqual([]);
  });
});
