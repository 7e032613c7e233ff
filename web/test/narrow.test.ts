/**
 * Every page at phone width (390 x 844) in Debian chromium against the real host with the core plugins
 * installed (signed, at first boot) and a real sshd as an SSH host: no page scrolls sideways, nothing
 * sticks out of the viewport, and no two pieces of text overlap. The sidebar folds into a menu button.
 * The same walk runs at 1366 x 768. Screenshots land in web/test-artifacts/narrow-<width>-<page>.png.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchChromium, startSshd, type TestSshd } from "@archnest/host/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "./app-harness.js";

const ARTIFACTS = new URL("../test-artifacts/", import.meta.url).pathname;
const PASSWORD = "correct horse battery";
const CORE = ["hosts", "terminal", "files", "tunnels", "docker", "metrics", "bookmarks", "notes"];

let app: RunningApp;
let sshd: TestSshd;
let browser: Browser;
let page: Page;
let dir: string;
let hostId: string;
let call: (method: string, path: string, body?: unknown) => Promise<Response>;

/** What the layout check found on one page. */
interface Layout {
  scrollWidth: number;
  clientWidth: number;
  /** Elements reaching past the viewport's edges (outermost only), outside any container that scrolls or clips. */
  outside: string[];
  /** Pairs of text runs drawn over each other. */
  overlaps: string[];
}

// Runs in the page: plain DOM, no closures over test code.
function measure(): Layout {
  const de = document.documentElement;
  const vw = de.clientWidth;
  const name = (el: Element) =>
    `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.classList.length ? `.${Array.from(el.classList).join(".")}` : ""} "${(el.textContent ?? "").trim().slice(0, 40)}"`;
  const contained = (el: Element) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const cs = getComputedStyle(p);
      if (cs.overflowX !== "visible" || cs.position === "fixed") return true;
    }
    return false;
  };
  const visible = (el: Element) => {
    const cs = getComputedStyle(el);
    return cs.visibility !== "hidden" && cs.display !== "none" && Number(cs.opacity) > 0;
  };
  const outside: string[] = [];
  const flagged = new Set<Element>();
  for (const el of Array.from(document.body.querySelectorAll("*"))) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || !visible(el)) continue;
    if (r.right <= vw + 1 && r.left >= -1) continue;
    if (contained(el) || (el.parentElement && flagged.has(el.parentElement))) {
      flagged.add(el);
      continue;
    }
    flagged.add(el);
    outside.push(`${name(el)} spans ${Math.round(r.left)}..${Math.round(r.right)}`);
  }
  // Text runs: each text node's line boxes. Two runs of different nodes sharing more than a sliver overlap.
  const runs: { node: Text; rect: DOMRect }[] = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n as Text;
    const parent = text.parentElement;
    if (!parent || !text.data.trim() || !visible(parent) || parent.closest(".sr-only, [aria-hidden='true'], script, style, title")) continue;
    // What an ancestor clips away (an ellipsis, a scrolling box) is not drawn: keep the visible part only.
    let clip = new DOMRect(-1e6, -1e6, 2e6, 2e6);
    for (let p: Element | null = parent; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX === "visible" && getComputedStyle(p).overflowY === "visible") continue;
      const r = p.getBoundingClientRect();
      const left = Math.max(clip.left, r.left);
      const top = Math.max(clip.top, r.top);
      clip = new DOMRect(left, top, Math.min(clip.right, r.right) - left, Math.min(clip.bottom, r.bottom) - top);
    }
    const range = document.createRange();
    range.selectNodeContents(text);
    for (const r of Array.from(range.getClientRects())) {
      const left = Math.max(r.left, clip.left);
      const top = Math.max(r.top, clip.top);
      const rect = new DOMRect(left, top, Math.min(r.right, clip.right) - left, Math.min(r.bottom, clip.bottom) - top);
      if (rect.width > 1 && rect.height > 1) runs.push({ node: text, rect });
    }
  }
  const overlaps: string[] = [];
  for (let i = 0; i < runs.length && overlaps.length < 10; i++) {
    for (let j = i + 1; j < runs.length; j++) {
      const a = runs[i] as { node: Text; rect: DOMRect };
      const b = runs[j] as { node: Text; rect: DOMRect };
      if (a.node === b.node) continue;
      const w = Math.min(a.rect.right, b.rect.right) - Math.max(a.rect.left, b.rect.left);
      const h = Math.min(a.rect.bottom, b.rect.bottom) - Math.max(a.rect.top, b.rect.top);
      if (w > 3 && h > 3) overlaps.push(`"${a.node.data.trim().slice(0, 30)}" over "${b.node.data.trim().slice(0, 30)}"`);
    }
  }
  return { scrollWidth: de.scrollWidth, clientWidth: vw, outside: outside.slice(0, 10), overlaps };
}

async function settle(): Promise<void> {
  await page.waitForLoadState("networkidle").catch(() => undefined);
  // Two frames: charts measure their box and redraw after the first layout.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

async function check(name: string, width: number): Promise<Layout> {
  await settle();
  await page.screenshot({ path: `${ARTIFACTS}narrow-${width}-${name}.png`, fullPage: true });
  return page.evaluate(measure);
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  sshd = await startSshd();
  app = await startApp({ corePlugins: CORE });
  dir = mkdtempSync(join(tmpdir(), "archnest-narrow-"));
  writeFileSync(join(dir, "a-rather-long-file-name-that-people-really-use-2026-12-04.tar.gz"), "x".repeat(5000));
  writeFileSync(join(dir, "notes.txt"), "hello\n");
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await sshd?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("at 390 px wide", () => {
  it("the first-run setup and sign-in pages fit", async () => {
    await page.goto(app.url);
    await page.getByRole("heading", { name: "Welcome to ArchNest" }).waitFor();
    const setup = await check("setup", 390);
    expect(setup.scrollWidth).toBeLessThanOrEqual(setup.clientWidth);
    expect(setup.outside).toEqual([]);
    expect(setup.overlaps).toEqual([]);

    const res = await fetch(`${app.url}/api/setup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: PASSWORD, setupCode: app.setupCode }),
    });
    expect(res.status).toBeLessThan(300);
    const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const { csrfToken } = (await res.json()) as { csrfToken: string };
    call = (method, path, body) =>
      fetch(`${app.url}${path}`, {
        method,
        headers: { cookie, "x-archnest-csrf": csrfToken, "content-type": "application/json" },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });

    await page.goto(app.url);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    const login = await check("login", 390);
    expect(login.scrollWidth).toBeLessThanOrEqual(login.clientWidth);
    expect(login.outside).toEqual([]);
    expect(login.overlaps).toEqual([]);
    await page.getByLabel("Username").fill("admin");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Glance", level: 1 }).waitFor();
  });

  it("gathers a realistic install: an SSH host with metrics, files, a tunnel, a Docker source, bookmarks and a note", async () => {
    const added = await call("POST", "/api/hosts", {
      name: "build-server-eu-west",
      address: sshd.host,
      port: sshd.port,
      user: sshd.user,
      authMethod: "key",
      privateKey: sshd.privateKey,
    });
    expect(added.status).toBe(201);
    hostId = ((await added.json()) as { id: string }).id;
    // The first contact presents the sshd's key; it is trusted as a person does after comparing it.
    const firstContact = (await (await call("POST", `/api/hosts/${hostId}/test`)).json()) as { details?: string[] };
    expect(firstContact.details).toContain(`presented: ${sshd.hostKeyFingerprint}`);
    expect((await call("POST", `/api/hosts/${hostId}/accept-host-key`, { fingerprint: sshd.hostKeyFingerprint })).status).toBe(200);
    // Whatever the sample's outcome (fresh, late on a busy machine, or failed), the Metrics page has
    // something to lay out; this walk is about the layout, so it does not depend on it.
    for (let i = 0; i < 2; i++) await call("POST", `/api/plugins/metrics/sample?host=${hostId}`);
    expect(
      (
        await call("POST", "/api/plugins/tunnels/tunnels", {
          name: "postgres on the build server",
          hostId,
          kind: "local",
          bindHost: "127.0.0.1",
          bindPort: 15432,
          targetHost: "127.0.0.1",
          targetPort: 5432,
        })
      ).status,
    ).toBe(201);
    expect(
      (await call("POST", "/api/plugins/docker/sources?untested=1", { name: "lab engine", kind: "unix", socketPath: join(dir, "docker.sock") })).status,
    ).toBe(201);
    for (const [title, url] of [
      ["Grafana dashboards for the whole lab", "https://grafana.example/d/very/long/path"],
      ["Router", "http://192.168.1.1/"],
    ])
      expect((await call("POST", "/api/plugins/bookmarks/bookmarks", { title, url })).status).toBe(201);
    expect((await call("POST", "/api/plugins/notes/notes", { text: "Rotate the backup disk on Friday" })).status).toBe(201);
  });

  it("folds the sidebar into a menu button that opens the navigation", async () => {
    await page.goto(`${app.url}/`);
    await page.getByRole("heading", { name: "Glance", level: 1 }).waitFor();
    const nav = page.getByRole("navigation", { name: "Main" });
    expect(await nav.isVisible()).toBe(false);
    const menu = page.getByRole("button", { name: "Menu" });
    await menu.click();
    await nav.getByRole("link", { name: "Files" }).waitFor();
    expect(await menu.getAttribute("aria-expanded")).toBe("true");
    await page.screenshot({ path: `${ARTIFACTS}narrow-390-menu-open.png` });
    await nav.getByRole("link", { name: "Files" }).click();
    await page.waitForURL(/\/files/);
    expect(await nav.isVisible()).toBe(false);
  });

  for (const width of [390, 1366]) {
    it(`no page scrolls sideways or overlaps text at ${width} px`, async () => {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 768 });
      const pages: [string, string][] = [
        ["glance", "/"],
        ["infrastructure", "/infrastructure"],
        ["terminal", "/terminal"],
        ["files", `/files?host=${hostId}&path=${encodeURIComponent(dir)}`],
        ["tunnels", "/tunnels"],
        ["docker", "/docker"],
        ["metrics", "/metrics"],
        ["bookmarks", "/bookmarks"],
        ["settings-profile", "/settings/profile"],
        ["settings-integrations", "/settings/integrations"],
        ["settings-store", "/settings/store"],
        ["settings-plugins", "/settings/plugins"],
        ["settings-license", "/settings/license"],
        ["help", "/help"],
      ];
      const found: Record<string, Partial<Layout>> = {};
      for (const [name, path] of pages) {
        await page.goto(`${app.url}${path}`);
        // The terminal page is all terminal: its toolbar stands for the heading.
        await page
          .locator(name === "terminal" ? '[role="toolbar"][aria-label="Terminal"]' : "h1")
          .first()
          .waitFor();
        const layout = await check(name, width);
        const bad: Partial<Layout> = {};
        if (layout.scrollWidth > layout.clientWidth) Object.assign(bad, { scrollWidth: layout.scrollWidth, clientWidth: layout.clientWidth });
        if (layout.outside.length > 0) bad.outside = layout.outside;
        if (layout.overlaps.length > 0) bad.overlaps = layout.overlaps;
        if (Object.keys(bad).length > 0) found[name] = bad;
      }
      expect(found).toEqual({});
    });
  }
});
