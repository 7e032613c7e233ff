/**
 * A slow host under load: its sample comes back within the deadline marked stale with its age (or late,
 * without any reading yet), while the other host's samples arrive as usual, over HTTP and on the page.
 * The slow hosts are on a second real sshd whose sessions wait while a gate file exists (ForceCommand), so
 * the probe blocks exactly as on a host too busy to answer, and runs as soon as the gate opens.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addSshHost, startSshd, type TestSshd } from "@archnest/host/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, type PluginHost, shot, signIn, startPluginHost } from "./harness.js";

let h: PluginHost;
let slow: TestSshd;
let dir: string;
let gate: string;
let slowId: string;
let browser: Browser;
let page: Page;

interface Body {
  id: string;
  name: string;
  up: boolean | null;
  state: string;
  stale: boolean;
  ageMs: number | null;
  latest: { t: number; memTotal: number } | null;
}

const sample = (id: string) => h.api(`/sample?host=${encodeURIComponent(id)}`, { method: "POST" });
const hosts = async () => ((await (await h.api("/hosts")).json()) as { hosts: Body[] }).hosts;
const closeGate = () => writeFileSync(gate, "");
const openGate = () => rmSync(gate, { force: true });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "archnest-metrics-gate-"));
  gate = join(dir, "closed");
  // Bounded: a session waits at most 60 s for the gate, then runs what was asked anyway.
  writeFileSync(
    join(dir, "gate.sh"),
    `i=0\nwhile [ -e '${gate}' ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done\nexec /bin/sh -c "$SSH_ORIGINAL_COMMAND"\n`,
  );
  h = await startPluginHost({ web: true });
  slow = await startSshd({ extraConfig: [`ForceCommand /bin/sh ${join(dir, "gate.sh")}`] });
  slowId = await addSshHost(h.t, h.admin, slow, "slow-sshd");
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  await signIn(page, h.url);
}, 120_000);

afterAll(async () => {
  openGate();
  await browser?.close();
  await h?.close();
  await slow?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("a slow host's samples", () => {
  it("are fresh while the host answers", async () => {
    for (const id of [h.hostId, slowId]) {
      const res = await sample(id);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ up: true, state: "ok", stale: false });
    }
  });

  it("come back within the deadline as the last good reading marked stale with its age; the other host's arrive", async () => {
    const before = (await hosts()).find((x) => x.id === slowId);
    expect(before?.latest).not.toBeNull();
    closeGate();
    const [fast, slowRes] = await Promise.all([sample(h.hostId), sample(slowId)]);
    expect(fast.status).toBe(200);
    expect(await fast.json()).toMatchObject({ up: true, state: "ok", stale: false });
    // 202: still under way; the reading shown is the previous one, with its age.
    expect(slowRes.status).toBe(202);
    const body = (await slowRes.json()) as Body;
    expect(body).toMatchObject({ id: slowId, state: "stale", stale: true });
    expect(body.latest).toEqual(before?.latest);
    expect(body.ageMs).toBeGreaterThanOrEqual(Date.now() - (before?.latest?.t ?? 0) - 1_000);

    const list = await hosts();
    expect(list.find((x) => x.id === slowId)).toMatchObject({ state: "stale", stale: true });
    expect(list.find((x) => x.id === h.hostId)).toMatchObject({ state: "ok", stale: false });
  });

  it("mark a host without any reading yet as late, not failed", async () => {
    const lateId = await addSshHost(h.t, h.admin, slow, "late-sshd");
    const res = await sample(lateId);
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ id: lateId, state: "late", stale: false, latest: null });
  });

  it("are shown greyed with their age on the Metrics page and in the Glance widget", async () => {
    await page.goto(`${h.url}/`);
    const row = page.locator('[data-testid="metrics-host"][data-host="slow-sshd"]');
    await row.and(page.locator('[data-state="stale"]')).waitFor();
    expect(await row.getByTestId("metrics-host-note").textContent()).toMatch(/^stale · \d+ (s|min) old$/);
    expect(Number(await row.evaluate((el) => getComputedStyle(el).opacity))).toBeLessThan(1);
    const late = page.locator('[data-testid="metrics-host"][data-host="late-sshd"]');
    expect(await late.getAttribute("data-state")).toBe("late");
    expect(await late.getByTestId("metrics-host-note").textContent()).toBe("late · no sample yet");
    const fast = page.locator('[data-testid="metrics-host"][data-host="test-sshd"]');
    expect(await fast.getAttribute("data-state")).toBe("ok");
    expect(Number(await fast.evaluate((el) => getComputedStyle(el).opacity))).toBe(1);
    await shot(page, "metrics-stale-glance");

    await page.goto(`${h.url}/metrics`);
    await page.getByRole("button", { name: "slow-sshd" }).click();
    const note = page.getByTestId("metrics-stale");
    await note.waitFor();
    expect(await note.textContent()).toMatch(/^slow-sshd is slow to answer: these are its last readings, \d+ (s|min) old\.$/);
    expect(await page.locator('.grid[data-state="stale"]').count()).toBe(1);
    await shot(page, "metrics-stale-page");
  });

  it("turn fresh again once the host answers", async () => {
    openGate();
    expect(existsSync(gate)).toBe(false);
    // The sample under way runs as soon as the gate opens; the next one is shared with it or new.
    await expect.poll(async () => (await hosts()).find((x) => x.id === slowId)?.state, { timeout: 20_000 }).toBe("ok");
    const res = await sample(slowId);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ state: "ok", stale: false, up: true });
  });
});
