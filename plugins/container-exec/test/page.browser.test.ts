/**
 * Container Exec as it is sold and used, in chromium: published to a real registry and installed without
 * its license, a running container's row on the Docker page shows the module's lock where Shell goes;
 * bought alone in the Module Store, Shell asks for the shell and user and opens the terminal page on the
 * container, where commands run and the output shows in the same xterm terminal as SSH sessions. A
 * container without a shell says so on the terminal. A real dockerd. Screenshots at 1366x768 and 390 px
 * land in plugins/container-exec/test-artifacts/.
 */
import type { TestEngine } from "@archnest/docker/testing";
import { buyInStore, openSignedInPage, signedInContext } from "@archnest/host/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { addSource, engineWithContainers, type PluginHost, shot, startPluginHost } from "./harness.js";

/** A page with the terminal's test hook (plugins/terminal/src/ui/TerminalPane.tsx), the part used here. */
type TerminalWindow = Window & { __archnestTerminal?: { lines(): string[]; phase(): string } };

let h: PluginHost;
let engine: TestEngine;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[] = [];

beforeAll(async () => {
  [engine, h] = await Promise.all([engineWithContainers(), startPluginHost({ web: true, registry: true })]);
  await addSource(h, engine);
  ({ browser, context, page, pageErrors } = await openSignedInPage(h.url, h.admin));
}, 240_000);

// A failed step leaves a picture of where the page was.
afterEach(async (ctx) => {
  if (ctx.task.result?.state === "fail" && page) await shot(page, `failed-${ctx.task.name.slice(0, 30).replace(/[^a-z0-9]+/gi, "-")}`).catch(() => undefined);
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
  await engine?.cleanup();
});

const row = (p: Page, name: string) => p.locator(`tr[data-container="${name}"]`);

async function waitForLine(p: Page, match: RegExp): Promise<void> {
  await p.waitForFunction((source) => ((window as TerminalWindow).__archnestTerminal?.lines() ?? []).some((l) => new RegExp(source).test(l)), match.source, {
    timeout: 20_000,
  });
}

async function openShell(p: Page, container: string, shell?: string): Promise<void> {
  await p.goto(`${h.url}/docker`);
  await row(p, container)
    .getByRole("button", { name: `Shell in ${container}` })
    .click();
  const form = p.getByTestId("exec-form");
  if (shell) await form.getByTestId("exec-shell").selectOption(shell);
  await form.getByRole("button", { name: "Open shell" }).click();
  await p.waitForURL(/\/terminal\?host=docker/);
}

describe("a shell in a container from the Docker page", () => {
  it("shows the module's lock where Shell goes until it is bought", async () => {
    await page.goto(`${h.url}/docker`);
    await row(page, "app").locator('[data-lock-module="container-exec"]').waitFor();
    expect(await row(page, "app").getByRole("button", { name: "Shell in app" }).count()).toBe(0);
    await shot(page, "locked-1366");
  });

  it("once bought alone in the store, opens the container's shell in the terminal", async () => {
    const store = await context.newPage();
    await buyInStore(store, h.url, "container-exec");
    await store.close();
    expect(((await (await h.request("/api/license")).json()) as { modules: string[] }).modules).toEqual(["container-exec"]);

    await openShell(page, "app");
    await page.waitForFunction(() => (window as TerminalWindow).__archnestTerminal?.phase() === "connected", undefined, { timeout: 20_000 });
    await page.getByTestId("terminal-screen").click();
    await page.keyboard.type("echo answer-$((6*7)); busybox uname -s");
    await page.keyboard.press("Enter");
    await waitForLine(page, /^answer-42$/);
    await waitForLine(page, /^Linux$/);
    await shot(page, "shell-1366");
    // The free core runs one terminal at a time: leaving the page ends this one before the phone opens its own.
    await page.goto(`${h.url}/docker`);

    const phone = await signedInContext(browser, h.url, h.admin, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const small = await phone.newPage();
    await openShell(small, "app");
    await small.waitForFunction(() => (window as TerminalWindow).__archnestTerminal?.phase() === "connected", undefined, { timeout: 20_000 });
    expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(small, "shell-390");
    await phone.close();
  });

  it("says on the terminal that a container has no shell", async () => {
    await openShell(page, "distroless");
    await page
      .getByText(/No shell in distroless/)
      .first()
      .waitFor();
    await shot(page, "no-shell-1366");
    expect(pageErrors).toEqual([]);
  });
});
