/** The Files page in chromium against the real host and a real sshd: browse, sort, upload, delete. */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, type PluginHost, shot, signIn, startPluginHost } from "./harness.js";

let h: PluginHost;
let browser: Browser;
let page: Page;
let dir: string;

beforeAll(async () => {
  h = await startPluginHost({ web: true, passwordUser: true });
  dir = mkdtempSync(join(tmpdir(), "archnest-files-ui-"));
  mkdirSync(join(dir, "logs"));
  mkdirSync(join(dir, "backups"));
  writeFileSync(join(dir, "notes.txt"), "remember the milk\n");
  writeFileSync(join(dir, "archive.tar.gz"), randomBytes(3 * 1024 * 1024));
  writeFileSync(join(dir, "config.yaml"), "port: 8080\n");
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1360, height: 860 } })).newPage();
  await signIn(page, h.url);
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const names = () => page.locator("tbody tr[data-name]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-name")));

describe("Files page", () => {
  it("lists a folder with folders first, breadcrumbs and sortable columns", async () => {
    await page.goto(`${h.url}/files?host=${h.hostId}&path=${encodeURIComponent(dir)}`);
    await page.locator('tr[data-name="notes.txt"]').waitFor();
    expect(await names()).toEqual(["backups", "logs", "archive.tar.gz", "config.yaml", "notes.txt"]);
    await expect(page.getByRole("navigation", { name: "Breadcrumbs" }).getByRole("button").last().textContent()).resolves.toBe(dir.split("/").pop());
    await page.getByRole("button", { name: /^Size/ }).click();
    await page.getByRole("button", { name: /^Size/ }).click();
    // Descending by size, folders still first.
    expect(await names()).toEqual(["backups", "logs", "archive.tar.gz", "notes.txt", "config.yaml"]);
    await shot(page, "files");
  });

  it("downloads a file from its row's Download button, byte for byte", async () => {
    const button = page.getByRole("link", { name: "Download archive.tar.gz" });
    expect(await button.isVisible()).toBe(true);
    expect(await button.textContent()).toBe("Download");
    const [download] = await Promise.all([page.waitForEvent("download"), button.click()]);
    expect(download.suggestedFilename()).toBe("archive.tar.gz");
    const saved = await download.path();
    expect(readFileSync(saved).equals(readFileSync(join(dir, "archive.tar.gz")))).toBe(true);
    // Folders have no download button.
    expect(await page.getByRole("link", { name: "Download logs" }).count()).toBe(0);
  });

  it("uploads a file through the page with a progress bar, and it lands on the host intact", async () => {
    const data = randomBytes(8 * 1024 * 1024);
    await page.getByTestId("upload-input").setInputFiles({ name: "upload.bin", mimeType: "application/octet-stream", buffer: data });
    await page.locator('[data-upload="upload.bin"][data-state="done"]').waitFor();
    await page.locator('tr[data-name="upload.bin"]').waitFor();
    expect(readFileSync(join(dir, "upload.bin")).equals(data)).toBe(true);
    await shot(page, "files-uploaded");
  });

  it("deletes only after the confirmation, and shows a refusal plainly", async () => {
    await page.getByRole("button", { name: "Delete config.yaml" }).click();
    await page.getByRole("dialog", { name: "Delete config.yaml?" }).waitFor();
    await shot(page, "files-delete-confirm");
    expect(existsSync(join(dir, "config.yaml"))).toBe(true);
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await page.locator('tr[data-name="config.yaml"]').waitFor({ state: "detached" });
    expect(existsSync(join(dir, "config.yaml"))).toBe(false);

    // As the non-root password user: a root-owned 0755 folder lists, but a folder cannot be made in it.
    const shared = join(h.sshd.dir, "shared");
    mkdirSync(shared, { mode: 0o755 });
    chmodSync(shared, 0o755);
    writeFileSync(join(shared, "readme.txt"), "root's\n");
    const locked = join(shared, "locked");
    mkdirSync(locked, { mode: 0o700 });
    chmodSync(locked, 0o700);
    await page.goto(`${h.url}/files?host=${h.userHostId}&path=${encodeURIComponent(shared)}`);
    await page.locator('tr[data-name="readme.txt"]').waitFor();
    // The host from the address is the one chosen in the host picker.
    expect(await page.locator("#files-host").inputValue()).toBe(h.userHostId);
    await page.getByRole("button", { name: "New folder" }).click();
    await page.getByRole("dialog").getByLabel("Name").fill("archnest-test");
    await page.getByRole("dialog").getByRole("button", { name: "Create" }).click();
    const alert = page.getByTestId("files-error");
    await alert.waitFor();
    expect(await alert.textContent()).toContain(`Permission denied: ${join(shared, "archnest-test")}`);
    expect(await alert.textContent()).toContain("FILES_ERR_PERMISSION_DENIED");
    expect(existsSync(join(shared, "archnest-test"))).toBe(false);
    await shot(page, "files-error");

    // A folder this user may not list: the refusal shows above the folder that was open, which keeps working.
    await page.locator('tr[data-name="locked"] button.cell-title').click();
    await expect.poll(() => alert.textContent()).toContain(`Permission denied: ${locked}`);
    expect(await page.getByText("Files stopped working").count()).toBe(0);
    await page.locator('tr[data-name="readme.txt"]').waitFor();
    await shot(page, "files-locked-folder");
  });
});
