/**
 * The module as it is sold and used, in Debian's chromium: published to a real registry and installed
 * without its license, the Transfer page shows the lock and the API answers 402; bought in the Module
 * Store, the open page turns into the two folder browsers; a copy is started by clicking, its progress
 * shows, a second copy of the same files asks about the existing ones in a dialog and keeps both.
 * Screenshots at 1366x768 and 390 px wide land in plugins/host-transfer/test-artifacts/.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buyInStore, launchChromium, signedInContext, type TestSshd } from "@archnest/host/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PluginHost, post, secondHost, shot, startPluginHost, windowShot } from "./harness.js";

let h: PluginHost;
let target: { sshd: TestSshd; hostId: string };
let browser: Browser;
let context: BrowserContext;
let root: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  h = await startPluginHost({ web: true, registry: true });
  target = await secondHost(h);
  browser = await launchChromium();
  context = await signedInContext(browser, h.url, h.admin, { viewport: { width: 1366, height: 768 } });
  context.setDefaultTimeout(20_000);
  root = mkdtempSync(join(tmpdir(), "host-transfer-ui-"));
  mkdirSync(join(root, "src/photos"), { recursive: true });
  mkdirSync(join(root, "dst"), { recursive: true });
  writeFileSync(join(root, "src/report.pdf"), "%PDF-1.7 quarterly numbers");
  writeFileSync(join(root, "src/photos/beach.jpg"), Buffer.alloc(180_000, 7));
  execFileSync("head", ["-c", String(160 * 1024 * 1024), "/dev/urandom"], { stdio: ["ignore", openSync(join(root, "src/backup.img"), "w"), "inherit"] });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await target?.sshd.cleanup();
  await h?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

async function openFolder(page: Page, side: "source" | "target", path: string): Promise<void> {
  const input = page.getByTestId(`${side}-path`);
  await input.fill(path);
  await input.press("Enter");
  await expect.poll(() => input.inputValue()).toBe(path);
}

async function tick(page: Page, names: string[]): Promise<void> {
  for (const n of names) await page.getByTestId("source-browser").locator(`[data-entry="${n}"] input[type="checkbox"]`).check();
}

async function pickHosts(page: Page): Promise<void> {
  await page.getByTestId("source-host").selectOption({ label: "test-sshd" });
  await openFolder(page, "source", join(root, "src"));
  await page.getByTestId("source-browser").locator('[data-entry="report.pdf"]').waitFor();
  await page.getByTestId("target-host").selectOption({ label: "second-sshd" });
  await openFolder(page, "target", join(root, "dst"));
}

describe("the Transfer page", () => {
  it("is locked until bought, then copies by clicking, shows progress, and asks about existing files", async () => {
    const refused = await post(h, "/jobs", { sourceHostId: h.hostId, targetHostId: target.hostId, paths: [join(root, "src/report.pdf")], folder: root });
    expect(refused.status).toBe(402);
    expect(refused.body).toMatchObject({ error: "module_required", module: "host-transfer", price: expect.stringMatching(/^\$/) });

    const page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(`${h.url}/transfer`);
    const lock = page.locator('[data-testid="transfer-page"] [data-lock-module="host-transfer"]');
    await lock.waitFor();
    expect(await page.getByTestId("source-host").count()).toBe(0);
    await shot(page, "locked-1366");
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, "locked-390");
    await page.setViewportSize({ width: 1366, height: 768 });

    const store = await context.newPage();
    await buyInStore(store, h.url, "host-transfer");
    await store.close();
    // The open page polls its status: the lock turns into the browsers without a reload.
    await page.getByTestId("source-host").waitFor();
    expect(await lock.count()).toBe(0);

    await pickHosts(page);
    await tick(page, ["report.pdf", "photos", "backup.img"]);
    expect(await page.getByTestId("selection-summary").textContent()).toContain("3 selected");
    await shot(page, "form-1366");
    await page.getByTestId("start-copy").click();
    const row = page.getByTestId("jobs").locator("li[data-job]").first();
    // On a quiet machine the copy can end between two refreshes of the list: the running view is shot when seen.
    await row.locator('[data-testid="job-state"]', { hasText: /Copying|Done/ }).waitFor({ timeout: 30_000 });
    if ((await row.getByTestId("job-state").textContent())?.includes("Copying")) {
      await row
        .locator('[data-testid="job-progress"]', { hasText: "/s" })
        .waitFor({ timeout: 10_000 })
        .catch(() => undefined);
      await shot(page, "running-1366");
    }
    await row.locator('[data-testid="job-state"]', { hasText: "Done" }).waitFor({ timeout: 60_000 });
    expect(readFileSync(join(root, "dst/report.pdf"), "utf8")).toBe("%PDF-1.7 quarterly numbers");
    expect(existsSync(join(root, "dst/photos/beach.jpg"))).toBe(true);

    // The same two files again: they exist now, so the job asks.
    await tick(page, ["report.pdf", "photos"]);
    await page.getByTestId("start-copy").click();
    const asking = page.getByTestId("jobs").locator('li[data-state="conflict"]');
    await asking.getByTestId("job-conflicts").click();
    const dialog = page.getByRole("dialog");
    await dialog.getByTestId("conflict-list").locator("li").first().waitFor();
    expect(await dialog.getByTestId("conflict-list").locator("li").count()).toBe(2);
    await windowShot(page, "conflict-1366");
    await page.setViewportSize({ width: 390, height: 844 });
    await windowShot(page, "conflict-390");
    await dialog.getByTestId("conflict-all-rename").click();
    await page.getByTestId("jobs").locator("li[data-job]").first().locator('[data-testid="job-state"]', { hasText: "Done" }).waitFor({ timeout: 30_000 });
    expect(readFileSync(join(root, "dst/report (1).pdf"), "utf8")).toBe("%PDF-1.7 quarterly numbers");
    expect(existsSync(join(root, "dst/photos/beach (1).jpg"))).toBe(true);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, "page-390");
    await page.setViewportSize({ width: 1366, height: 768 });
    await shot(page, "done-1366");
    expect(pageErrors).toEqual([]);
  });
});
