/**
 * A newcomer's first SSH host, in Debian chromium against the real host (hosts and terminal plugins
 * installed through the plugin API, the built web app) and a real OpenSSH sshd: the add dialog's buttons
 * stay on screen at 1366x768 and 390x844, the first connection shows the server's key fingerprint (the
 * one `ssh-keygen -lf` prints) and trusts it only on "Trust and connect", the terminal connects after
 * that, a second terminal meets the lock before it tries, the Add button carries the free cap and the lock
 * before any form, and Help covers SSH and Docker. Screenshots at both sizes land in test-artifacts/.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium, type PluginHost, screenshot, signIn, startPluginHost, startSshd, type TestSshd } from "@archnest/host/testing";
import { buildPlugin } from "@archnest/plugin-cli";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const HOSTS_DIR = fileURLToPath(new URL("..", import.meta.url));
const TERMINAL_DIR = fileURLToPath(new URL("../../terminal/", import.meta.url));
const ARTIFACTS = fileURLToPath(new URL("../test-artifacts/", import.meta.url));
const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };

/** The terminal page's test hook (plugins/terminal's TerminalPage). */
type TerminalWindow = Window & { __archnestTerminal?: { phase(): string; lines(): string[] } };

let sshd: TestSshd;
let h: PluginHost;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let hostId = "";
const pageErrors: string[] = [];

/** The sshd's host key fingerprint as `ssh-keygen -lf` prints it on the server (the key its config names). */
function sshKeygenFingerprint(): string {
  const hostKey = /^HostKey (.+)$/m.exec(readFileSync(join(sshd.dir, "sshd_config"), "utf8"))?.[1] ?? "";
  return execFileSync("ssh-keygen", ["-lf", `${hostKey}.pub`], { encoding: "utf8" }).split(" ")[1] ?? "";
}

/** The kernel's API as the admin, over real HTTP. */
function api(path: string, init: { method?: string; json?: unknown } = {}): Promise<Response> {
  return fetch(`${h.url}${path}`, {
    method: init.method ?? "GET",
    headers: { ...h.admin.headers, ...(init.json !== undefined && { "content-type": "application/json" }) },
    ...(init.json !== undefined && { body: JSON.stringify(init.json) }),
  });
}

async function shotAt(p: Page, name: string): Promise<void> {
  await screenshot(p, ARTIFACTS, `${name}-${p.viewportSize()?.width ?? 0}`);
}

/** What the window shows, as a person sees it with a dialog open (a full-page shot would move fixed layers). */
async function windowShot(p: Page, name: string): Promise<void> {
  await p.screenshot({ path: join(ARTIFACTS, `${name}-${p.viewportSize()?.width ?? 0}.png`) });
}

/** Fails unless the element is entirely inside the viewport, so a person can see and click it without scrolling. */
async function expectInViewport(p: Page, el: Locator): Promise<void> {
  const box = await el.boundingBox();
  const view = p.viewportSize();
  expect(box, "the element has no box").not.toBeNull();
  if (!box || !view) return;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(view.width);
  expect(box.y + box.height).toBeLessThanOrEqual(view.height);
}

/** Fills the add-host dialog for the test sshd with key sign-in. */
async function fillHost(dialog: Locator, name: string): Promise<void> {
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Address").fill(sshd.host);
  await dialog.getByLabel("Port").fill(String(sshd.port));
  await dialog.getByLabel("User").fill(sshd.user);
  await dialog.getByRole("textbox", { name: "Private key" }).fill(sshd.privateKey);
  await dialog.getByLabel("Tags").fill("lab");
}

beforeAll(async () => {
  sshd = await startSshd();
  h = await startPluginHost({
    plugins: [
      { dir: HOSTS_DIR, id: "hosts" },
      { dir: TERMINAL_DIR, id: "terminal", permissions: ["hosts:read", "ssh:shell"] },
    ],
    web: true,
    build: (dir) => buildPlugin(dir, { quiet: true }),
  });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: DESKTOP });
  context.setDefaultTimeout(20_000);
  page = await context.newPage();
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await signIn(page, h.url);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
  await sshd?.cleanup();
});

describe("a newcomer's first SSH host", () => {
  it("keeps the add dialog's title and buttons on screen at 1366x768 while its body scrolls", async () => {
    await page.goto(`${h.url}/settings/integrations`);
    const panel = page.getByTestId("hosts-integration");
    await panel.getByText("No SSH hosts yet").waitFor();
    // The free cap shows on the Add button before any form.
    expect(await panel.getByRole("button", { name: /^Add host/ }).textContent()).toBe("Add host0 of 3 free");
    await panel.getByRole("button", { name: /^Add host/ }).click();
    const dialog = page.getByRole("dialog", { name: "Add SSH host" });
    await fillHost(dialog, "lab");
    await windowShot(page, "first-contact-add-dialog");
    await expectInViewport(page, dialog.getByRole("heading", { name: "Add SSH host" }));
    await expectInViewport(page, dialog.getByRole("button", { name: "Cancel" }));
    await expectInViewport(page, dialog.getByRole("button", { name: "Add host" }));
    // The whole dialog fits the window; its body holds what does not fit and scrolls to the last field.
    await expectInViewport(page, dialog);
    await dialog.getByLabel("Tags").scrollIntoViewIfNeeded();
    await expectInViewport(page, dialog.getByLabel("Tags"));
    await expectInViewport(page, dialog.getByRole("button", { name: "Add host" }));
  });

  it("shows the server's key fingerprint on the first connection and trusts nothing until asked", async () => {
    const dialog = page.getByRole("dialog", { name: "Add SSH host" });
    await dialog.getByRole("button", { name: "Add host" }).click();
    await dialog.waitFor({ state: "detached" });
    const prompt = page.getByRole("dialog", { name: "Trust the host key of lab?" });
    await prompt.waitFor();
    expect(await prompt.getByTestId("trust-fingerprint").textContent()).toBe(sshKeygenFingerprint());
    await expectInViewport(page, prompt.getByRole("button", { name: "Trust and connect" }));
    await windowShot(page, "first-contact-prompt");

    // Before the admin answers, the API names the state with its code and the presented key, and stores no trust.
    const { hosts } = (await (await api("/api/hosts")).json()) as { hosts: { id: string; fingerprint: string | null; pendingFingerprint: string | null }[] };
    hostId = hosts[0]?.id ?? "";
    expect(hosts).toEqual([expect.objectContaining({ fingerprint: null, pendingFingerprint: sshKeygenFingerprint() })]);
    const test = await api(`/api/hosts/${hostId}/test`, { method: "POST" });
    expect(test.status).toBe(409);
    expect(await test.json()).toMatchObject({ error: "HOST_ERR_HOST_KEY_UNTRUSTED", details: [`presented: ${sshKeygenFingerprint()}`] });

    // Cancel leaves the host untrusted; the terminal refuses it with the code and points at the fix.
    await prompt.getByRole("button", { name: "Cancel" }).click();
    await prompt.waitFor({ state: "detached" });
    const row = page.getByTestId("hosts-integration").locator('tr[data-host="lab"]');
    expect(await row.getByTestId("key-untrusted").textContent()).toContain("Not trusted yet");
    await page.goto(`${h.url}/terminal?host=${hostId}`);
    const refused = page.getByTestId("terminal-error");
    await refused.waitFor();
    expect(await refused.textContent()).toContain("HOST_ERR_HOST_KEY_UNTRUSTED");
    expect(await refused.textContent()).toContain("Settings → Integrations");
    expect(await refused.getByRole("link", { name: "Review the host key" }).getAttribute("href")).toBe("/settings/integrations");
    await shotAt(page, "first-contact-terminal-untrusted");
    // The status views say why the host is not up, rather than calling it down.
    await page.goto(`${h.url}/infrastructure`);
    const status = page.getByTestId("hosts-section").locator('tr[data-host="lab"]').getByTestId("host-status");
    await status.getByText("Key not trusted").waitFor();
  });

  it("trusts the key on 'Trust and connect', then the terminal connects", async () => {
    await page.goto(`${h.url}/settings/integrations`);
    const row = page.getByTestId("hosts-integration").locator('tr[data-host="lab"]');
    await row.getByRole("button", { name: "Review key" }).click();
    const prompt = page.getByRole("dialog", { name: "Trust the host key of lab?" });
    expect(await prompt.getByTestId("trust-fingerprint").textContent()).toBe(sshKeygenFingerprint());
    await prompt.getByRole("button", { name: "Trust and connect" }).click();
    const line = page.locator('tr[data-test-result="lab"]').getByTestId("test-line");
    await line.getByText("Host key matches").waitFor();
    expect(await line.textContent()).toContain(sshKeygenFingerprint());
    expect(await row.getByTestId("fingerprint").textContent()).toBe(sshKeygenFingerprint());
    await shotAt(page, "first-contact-trusted");

    await page.goto(`${h.url}/terminal?host=${hostId}`);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Terminal");
    await page.waitForFunction(() => (window as TerminalWindow).__archnestTerminal?.phase() === "connected");
    await page.getByTestId("terminal-screen").click();
    await page.keyboard.type("echo trusted-$((6*7))");
    await page.keyboard.press("Enter");
    // The login shell's startup files run first; on a loaded machine that takes a while.
    await page.waitForFunction(() => (window as TerminalWindow).__archnestTerminal?.lines().includes("trusted-42"), null, { timeout: 90_000 });
    await shotAt(page, "first-contact-terminal");
  }, 150_000);

  it("shows a second terminal the lock before it tries to connect", async () => {
    const second = await context.newPage();
    const sockets: string[] = [];
    second.on("websocket", (ws) => sockets.push(ws.url()));
    await second.goto(`${h.url}/terminal?host=${hostId}`);
    const lock = second.locator('.lock-card[data-lock-module="multi-pane-terminal"]');
    await lock.waitFor();
    expect(await lock.textContent()).toContain("one terminal at a time");
    // No registry here, so no catalog and no price: the lock offers the unlock without inventing one.
    expect(await lock.getByRole("button").textContent()).toBe("Unlock");
    expect(await second.getByTestId("terminal-state").textContent()).toBe("Free limit reached");
    expect(await second.getByText("Could not connect").count()).toBe(0);
    // The page learnt the cap from the host and never opened a session socket to be refused.
    expect(sockets.filter((u) => u.includes("/ws/session"))).toEqual([]);
    await shotAt(second, "first-contact-second-terminal");
    await second.close();
    expect(await page.evaluate(() => (window as TerminalWindow).__archnestTerminal?.phase())).toBe("connected");
  });

  it("keeps the add dialog's and the key prompt's buttons reachable on a 390 px wide phone", async () => {
    await page.setViewportSize(PHONE);
    await page.goto(`${h.url}/settings/integrations`);
    const panel = page.getByTestId("hosts-integration");
    await panel.locator('tr[data-host="lab"]').waitFor();
    await panel.getByRole("button", { name: /^Add host/ }).click();
    const dialog = page.getByRole("dialog", { name: "Add SSH host" });
    await fillHost(dialog, "phone");
    await windowShot(page, "first-contact-add-dialog");
    await expectInViewport(page, dialog);
    await expectInViewport(page, dialog.getByRole("heading", { name: "Add SSH host" }));
    await expectInViewport(page, dialog.getByRole("button", { name: "Cancel" }));
    await expectInViewport(page, dialog.getByRole("button", { name: "Add host" }));
    await dialog.getByRole("button", { name: "Add host" }).click();
    const prompt = page.getByRole("dialog", { name: "Trust the host key of phone?" });
    await prompt.waitFor();
    await expectInViewport(page, prompt);
    await expectInViewport(page, prompt.getByRole("button", { name: "Trust and connect" }));
    expect(await prompt.getByTestId("trust-fingerprint").textContent()).toBe(sshKeygenFingerprint());
    await windowShot(page, "first-contact-prompt");
    await prompt.getByRole("button", { name: "Cancel" }).click();

    await page.goto(`${h.url}/terminal?host=${hostId}`);
    await page.waitForFunction(() => (window as TerminalWindow).__archnestTerminal?.phase() === "connected");
    await expectInViewport(page, page.getByRole("heading", { level: 1, name: "Terminal" }));
    await windowShot(page, "first-contact-terminal");
    await page.setViewportSize(DESKTOP);
  });

  it("puts '3 of 3 free' and the lock on the Add button at the cap, before any form", async () => {
    const res = await api("/api/hosts", {
      method: "POST",
      json: { name: "db", address: sshd.host, port: sshd.port, user: sshd.user, privateKey: sshd.privateKey },
    });
    expect(res.status).toBe(201);
    await page.goto(`${h.url}/settings/integrations`);
    const panel = page.getByTestId("hosts-integration");
    await panel.locator('tr[data-host="db"]').waitFor();
    const lock = panel.locator('[data-lock-module="unlimited-hosts"]');
    await lock.waitFor();
    expect(await lock.textContent()).toBe("Add host · 3 of 3 free");
    expect(await panel.locator("button.btn--accent", { hasText: "Add host" }).count()).toBe(0);
    expect(await page.getByRole("dialog").count()).toBe(0);
    await shotAt(page, "first-contact-at-cap");
    await page.setViewportSize(PHONE);
    await shotAt(page, "first-contact-at-cap");
    await page.setViewportSize(DESKTOP);
    // The lock leads to the store at the module that lifts the cap, not to a form that fails.
    await lock.click();
    await page.waitForURL(/\/settings\/store/);
    expect(decodeURIComponent(new URL(page.url()).hash)).toBe("#unlimited-hosts");
  });

  it("answers SSH and Docker questions in Help", async () => {
    await page.goto(`${h.url}/help`);
    const ssh = page.getByTestId("help-ssh");
    const docker = page.getByTestId("help-docker");
    const sshText = (await ssh.textContent()) ?? "";
    for (const topic of ["Adding a host", "Keys or passwords", "Host key trust", "Trust and connect", "ssh-keygen -lf", "Terminal", "Files", "Tunnels"])
      expect(sshText).toContain(topic);
    const dockerText = (await docker.textContent()) ?? "";
    for (const topic of ["unix socket", "/var/run/docker.sock", "TCP", "TLS", "one Docker source"]) expect(dockerText).toContain(topic);
    await shotAt(page, "help");
    await page.setViewportSize(PHONE);
    await shotAt(page, "help");
    expect(pageErrors).toEqual([]);
  });
});
