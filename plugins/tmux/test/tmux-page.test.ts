/**
 * The tmux panel in chromium, on the terminal page of the real host, against a real sshd running real
 * tmux: sessions made over plain ssh with their windows and clients, create, detach, kill after a
 * confirmation, refused names, and a host without tmux. Screenshots at 1366x768 and 390 px wide land in
 * plugins/tmux/test-artifacts/.
 */
import { spawn } from "node:child_process";
import { addSshHost, launchChromium, signedInContext, startSshd, type TestSshd } from "@archnest/host/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type PluginHost, shot, ssh, sshArgs, startPluginHost } from "./harness.js";

/** The terminal page's test hook on the focused pane (plugins/terminal's TerminalTestHook). */
interface TerminalWindow {
  __archnestTerminal?: { lines(): string[]; phase(): string };
}

let h: PluginHost;
let bare: TestSshd;
let bareId: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

const tmuxLs = async () => (await ssh(h.sshd, "tmux ls -F '#{session_name}' 2>/dev/null; true")).stdout.split("\n").filter(Boolean).sort();

async function openTerminal(p: Page, hostId: string): Promise<void> {
  await p.goto(`${h.url}/terminal?host=${encodeURIComponent(hostId)}`);
  await p.getByTestId("terminal-page").waitFor();
}

async function openPanel(p: Page): Promise<void> {
  if (await p.getByTestId("tmux-panel").isVisible()) return;
  await p.locator('[data-slot-name="terminal.toolbar@1"]').getByRole("button", { name: "tmux", exact: true }).click();
  await p.getByTestId("tmux-panel").waitFor();
}

const row = (p: Page, name: string) => p.locator(`[data-testid="tmux-sessions"] [data-session="${name}"]`);

beforeAll(async () => {
  // Licensed for more than one terminal session too: in the free core, the one pane replacing its shell
  // with the attach command can meet the one-session cap while the host still counts the shell it closed
  // (the pane shows the lock). That race is the terminal's; this file tests tmux.
  h = await startPluginHost({ web: true, licensed: ["tmux", "multi-pane-terminal"] });
  bare = await startSshd({ env: { PATH: "/nonexistent" } });
  bareId = await addSshHost(h.t, h.admin, bare, "bare-box");
  const made = await ssh(
    h.sshd,
    "tmux new-session -d -s work -n editor && tmux new-window -t '=work' -n logs && tmux send-keys -t '=work:logs' 'echo tmux-marker-$((6*7))' Enter",
  );
  expect(made.code, made.stderr).toBe(0);
  browser = await launchChromium();
  context = await signedInContext(browser, h.url, h.admin, { viewport: { width: 1366, height: 768 } });
  context.setDefaultTimeout(20_000);
  page = await context.newPage();
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await openTerminal(page, h.hostId);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await bare?.cleanup();
  await h?.close();
});

// A failed step says what the page showed (the panel's list, an error, a toast).
afterEach(async (ctx) => {
  if (ctx.task.result?.state === "fail")
    console.error(
      `page text after the failure:\n${await page
        .locator("body")
        .textContent()
        .catch(() => "(no page)")}`,
    );
});

describe("the tmux panel", () => {
  it("lists a session made over plain ssh with its windows, and its attached client", async () => {
    const client = spawn("ssh", ["-tt", ...sshArgs(h.sshd), "stty cols 120 rows 40; exec tmux attach-session -t '=work'"], { stdio: "pipe" });
    const exited = new Promise<void>((resolve) => client.once("exit", () => resolve()));
    try {
      // The client shows up once tmux has it; the panel's Refresh fetches again.
      await openPanel(page);
      const work = row(page, "work");
      for (let i = 0; i < 50 && (await work.locator("[data-client]").count()) === 0; i++) {
        await page.getByRole("button", { name: "Refresh" }).click();
        await page.waitForTimeout(200);
      }
      await expect.poll(() => work.textContent()).toContain("0: editor");
      expect(await work.textContent()).toContain("1: logs");
      expect(await work.locator("[data-client]").textContent()).toMatch(/\/dev\/pts\/\d+ 120×40/);
      await shot(page, "tmux-panel-1366");

      // Detach that client from the panel: the person's ssh session ends, the tmux session stays.
      await work.getByRole("button", { name: /^Detach \/dev\/pts/ }).click();
      await exited;
      await expect.poll(() => work.textContent()).toContain("detached");
      expect(await tmuxLs()).toContain("work");
    } finally {
      if (client.exitCode === null) client.kill();
    }
  });

  it("creates a session from the name field, which tmux ls over plain ssh sees; a bad name is refused in place", async () => {
    const input = page.getByRole("textbox", { name: "New session" });
    await input.fill("a b;id");
    await page.getByRole("button", { name: "Create" }).click();
    await page.getByText("1 to 64 letters, digits, _ or -").waitFor();
    expect(await input.getAttribute("aria-invalid")).toBe("true");
    expect(await tmuxLs()).toEqual(["work"]);

    await input.fill("from-ui");
    await page.getByRole("button", { name: "Create" }).click();
    await row(page, "from-ui").waitFor();
    expect(await tmuxLs()).toEqual(["from-ui", "work"]);
  });

  it("kills a session only after a confirmation that names it and its windows", async () => {
    await row(page, "from-ui").getByRole("button", { name: "Kill" }).click();
    const confirm = page.getByTestId("tmux-kill-confirm");
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain("Session from-ui and its window (0: ");
    await shot(page, "tmux-kill-confirm-1366");
    // Cancel first: nothing happens.
    await page.getByRole("button", { name: "Cancel" }).click();
    await confirm.waitFor({ state: "detached" });
    expect(await tmuxLs()).toEqual(["from-ui", "work"]);
    // Escape closes the confirmation only, not the panel under it.
    await row(page, "from-ui").getByRole("button", { name: "Kill" }).click();
    await confirm.waitFor();
    await page.keyboard.press("Escape");
    await confirm.waitFor({ state: "detached" });
    expect(await page.getByTestId("tmux-panel").isVisible()).toBe(true);
    expect(await tmuxLs()).toEqual(["from-ui", "work"]);

    await row(page, "from-ui").getByRole("button", { name: "Kill" }).click();
    await page.getByRole("button", { name: "Kill session" }).click();
    await row(page, "from-ui").waitFor({ state: "detached" });
    expect(await tmuxLs()).toEqual(["work"]);
  });

  it("attaches to a session in the terminal pane: its screen shows, and typing reaches it", async () => {
    // As a person would: the pane's own shell is up before they reach for tmux.
    await page.waitForFunction(() => (window as unknown as TerminalWindow).__archnestTerminal?.phase() === "connected", undefined, { timeout: 20_000 });
    await openPanel(page);
    await row(page, "work").getByRole("button", { name: "Attach" }).click();
    await page.getByTestId("tmux-panel").waitFor({ state: "detached" });
    // The marker the session printed before anyone attached is on its screen.
    await page
      .waitForFunction(() => (window as unknown as TerminalWindow).__archnestTerminal?.lines().some((l) => l.includes("tmux-marker-42")), undefined, {
        timeout: 20_000,
      })
      .catch(async (err: Error) => {
        const seen = await page.evaluate(() => {
          const t = (window as unknown as TerminalWindow).__archnestTerminal;
          return `phase ${t?.phase()}, lines: ${t?.lines().filter(Boolean).slice(-8).join(" | ")}`;
        });
        await shot(page, "tmux-attach-failed");
        throw new Error(`${err.message}\nthe pane: ${seen}`);
      });
    await page.getByTestId("terminal-screen").click();
    await page.keyboard.type("echo typed-$((2+3))");
    await page.keyboard.press("Enter");
    // tmux itself has the line: what was typed in the browser reached the session.
    await expect.poll(async () => (await ssh(h.sshd, "tmux capture-pane -p -t '=work:logs'")).stdout, { timeout: 20_000 }).toMatch(/^typed-5$/m);
    const attached = await ssh(h.sshd, "tmux list-clients -t '=work' -F '#{client_tty}'");
    expect(attached.stdout.trim()).toMatch(/^\/dev\/pts\/\d+$/);
    await shot(page, "tmux-attached-1366");
  });

  it("says tmux is not installed on a host without it, naming the host, not an error state", async () => {
    await openTerminal(page, bareId);
    await openPanel(page);
    const notice = page.getByTestId("tmux-not-installed");
    await notice.waitFor();
    expect(await notice.textContent()).toContain("Install tmux on bare-box");
    expect(await page.getByRole("heading", { name: "tmux is not installed" }).count()).toBe(1);
    await shot(page, "tmux-not-installed-1366");
    // Escape closes the panel even with the keyboard focus back in the terminal, which keeps keys for its shell.
    await page.getByTestId("terminal-screen").evaluate((el) => (el.querySelector("textarea") as HTMLTextAreaElement | null)?.focus());
    await page.keyboard.press("Escape");
    await page.getByTestId("tmux-panel").waitFor({ state: "detached" });
  });

  it("fits a phone screen (390 px)", async () => {
    const phone = await signedInContext(browser, h.url, h.admin, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      const p = await phone.newPage();
      p.on("pageerror", (e) => pageErrors.push(e.message));
      await openTerminal(p, h.hostId);
      await openPanel(p);
      await row(p, "work").waitFor();
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await shot(p, "tmux-panel-390");
      await row(p, "work").getByRole("button", { name: "Kill" }).click();
      await p.getByTestId("tmux-kill-confirm").waitFor();
      await shot(p, "tmux-kill-confirm-390");
      await p.getByRole("button", { name: "Cancel" }).click();
    } finally {
      await phone.close();
    }
    expect(pageErrors).toEqual([]);
  });
});
