/**
 * Session Recording against the real host, a real OpenSSH sshd and chromium: record a session from the
 * terminal's toolbar, find it listed with its host, person and size, replay it (play, seek, speed),
 * download a file that passes the asciicast v2 rules, delete it; retention deleting the oldest; typed
 * input recorded only when the admin turns it on; a member kept from another's recordings; and a lapsed
 * license leaving recordings readable while recording and deleting answer 402. Screenshots at 1366x768
 * and 390 px land in plugins/session-recording/test-artifacts/.
 */
import { addMember, launchChromium, type SignedIn, signedInContext } from "@archnest/host/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAsciicast } from "../src/asciicast/index.js";
import type { Recording } from "../src/store/index.js";
import { type PluginHost, shot, startPluginHost } from "./harness.js";

/** A page with the terminal's test hook (plugins/terminal/src/ui/TerminalPane.tsx), the part used here. */
type TerminalWindow = Window & { __archnestTerminal?: { lines(): string[]; phase(): string } };

const MODULE = "session-recording";
const MIB = 1024 * 1024;

let h: PluginHost;
let browser: Browser;
let context: BrowserContext;
let terminal: Page;
let member: SignedIn;

async function recordings(as: SignedIn = h.admin): Promise<Recording[]> {
  const res = await h.api("/recordings", { headers: { cookie: as.cookie } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { recordings: Recording[] }).recordings;
}

/** The id of the terminal page's session, as the terminal lists it. */
async function sessionId(): Promise<string> {
  const res = await h.request("/api/plugins/terminal/sessions");
  const open = ((await res.json()) as { sessions: { id: string; state: string }[] }).sessions.filter((s) => s.state === "open");
  expect(open).toHaveLength(1);
  return (open[0] as { id: string }).id;
}

async function lines(p: Page): Promise<string[]> {
  return p.evaluate(() => (window as TerminalWindow).__archnestTerminal?.lines() ?? []);
}

async function run(command: string, marker: string): Promise<void> {
  await terminal.getByTestId("terminal-screen").click();
  await terminal.keyboard.type(command);
  await terminal.keyboard.press("Enter");
  await expect.poll(async () => (await lines(terminal)).some((l) => l.includes(marker)), { timeout: 15_000 }).toBe(true);
}

async function openTerminal(ctx: BrowserContext): Promise<Page> {
  const p = await ctx.newPage();
  await p.goto(`${h.url}/terminal?host=${encodeURIComponent(h.hostId)}`);
  await p.waitForFunction(() => (window as TerminalWindow).__archnestTerminal?.phase() === "connected", undefined, { timeout: 30_000 });
  return p;
}

async function putSettings(values: Record<string, unknown>): Promise<void> {
  const current = ((await (await h.request(`/api/plugins/${MODULE}/settings`)).json()) as { values: Record<string, unknown> }).values;
  const res = await h.request(`/api/plugins/${MODULE}/settings`, { method: "PUT", json: { values: { ...current, ...values } } });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  h = await startPluginHost({ web: true, licensed: [MODULE] });
  member = await addMember(h.t.host, "mia", "correct horse battery staple");
  browser = await launchChromium();
  context = await signedInContext(browser, h.url, h.admin, { viewport: { width: 1366, height: 768 } });
  context.setDefaultTimeout(20_000);
  terminal = await openTerminal(context);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe("recording a terminal session", () => {
  let recorded: Recording;

  it("records from the toolbar's Record toggle until it is stopped, and lists it with host, person and size", async () => {
    const toggle = terminal.locator('[data-slot-name="terminal.toolbar@1"]').getByTestId("record-toggle");
    await expect.poll(() => toggle.isEnabled()).toBe(true);
    await toggle.click();
    await expect.poll(() => toggle.getAttribute("aria-pressed")).toBe("true");
    const live = (await (await h.api(`/sessions/${await sessionId()}/recording`)).json()) as { recording: Recording | null };
    expect(live.recording).toMatchObject({ state: "recording", host: { name: "test-sshd" } });
    // The terminal's own recording dot, from the session status the service sends every viewer.
    await terminal.getByTestId("terminal-recording").waitFor();
    await shot(terminal, "terminal-recording-1366");

    await run("echo REC_$((6*7))_OUT; printf 'caf\\303\\251 \\342\\202\\254\\n'", "REC_42_OUT");
    await toggle.click();
    await expect.poll(() => toggle.getAttribute("aria-pressed")).toBe("false");
    await terminal.getByTestId("terminal-recording").waitFor({ state: "detached" });

    const list = await recordings();
    expect(list).toHaveLength(1);
    recorded = list[0] as Recording;
    expect(recorded).toMatchObject({ state: "done", host: { id: h.hostId, name: "test-sshd" }, person: { username: "admin" }, input: false });
    expect(recorded.durationMs).toBeGreaterThan(0);
    expect(recorded.bytes).toBeGreaterThan(100);
  });

  it("downloads a file that follows the asciicast v2 rules and holds the commands' output, byte for byte the listed size", async () => {
    const res = await h.api(`/recordings/${recorded.id}/download`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-asciicast");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="test-sshd-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}\.cast"$/);
    const body = new Uint8Array(await res.arrayBuffer());
    expect(body.byteLength).toBe(recorded.bytes);
    const cast = parseAsciicast(new TextDecoder().decode(body));
    expect(cast.header).toMatchObject({ version: 2, env: { TERM: "xterm-256color" } });
    const output = cast.events
      .filter((e) => e[1] === "o")
      .map((e) => e[2])
      .join("");
    expect(output).toContain("REC_42_OUT");
    expect(output).toContain("café €");
    expect(cast.events.some((e) => e[1] === "i")).toBe(false);
  });

  it("replays it in the browser to the commands' output, seeks with the scrubber and changes speed", async () => {
    const page = await context.newPage();
    await page.goto(`${h.url}/recordings`);
    const row = page.locator(`[data-recording="${recorded.id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain("test-sshd");
    expect(await row.textContent()).toContain("admin");
    await row.getByRole("button", { name: /^Play/ }).click();
    await page.getByTestId("player-screen").waitFor();
    await page.getByTestId("player-speed").selectOption("4");
    await page.waitForFunction(() => window.__archnestPlayer?.speed() === 4);
    await page.waitForFunction(
      () => {
        const p = window.__archnestPlayer;
        return p !== undefined && !p.playing() && p.time() === p.duration() && p.lines().some((l) => l.includes("REC_42_OUT"));
      },
      undefined,
      { timeout: 30_000 },
    );
    await shot(page, "recordings-player-1366");

    const seek = (to: number) =>
      page.getByTestId("player-scrubber").evaluate((el, t) => {
        const input = el as HTMLInputElement;
        input.value = String(t);
        input.dispatchEvent(new Event("input", { bubbles: true }));
      }, to);
    await seek(0);
    expect(await page.evaluate(() => window.__archnestPlayer?.time())).toBe(0);
    expect((await page.evaluate(() => window.__archnestPlayer?.lines() ?? [])).some((l) => l.includes("REC_42_OUT"))).toBe(false);
    const duration = (await page.evaluate(() => window.__archnestPlayer?.duration())) as number;
    await seek(duration);
    // xterm.js parses what it is given asynchronously: the screen catches up a moment later.
    await page.waitForFunction(() => (window.__archnestPlayer?.lines() ?? []).some((l) => l.includes("REC_42_OUT")));
    expect(await page.evaluate(() => window.__archnestPlayer?.time())).toBe(duration);

    await page.getByTestId("player-speed").selectOption("0.5");
    await page.getByTestId("player-toggle").click();
    await page.waitForFunction(() => window.__archnestPlayer?.playing() === true && window.__archnestPlayer.speed() === 0.5);
    await page.getByTestId("player-toggle").click();
    expect(await page.evaluate(() => window.__archnestPlayer?.playing())).toBe(false);
    await page.close();
  });

  it("works at 390 px: the list, the player and the settings fit the phone's width", async () => {
    const phone = await signedInContext(browser, h.url, h.admin, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      const page = await phone.newPage();
      await page.goto(`${h.url}/recordings`);
      const row = page.locator(`[data-recording="${recorded.id}"]`);
      await row.waitFor();
      await row.getByRole("button", { name: /^Play/ }).click();
      await page.getByTestId("player-screen").waitFor();
      await page.waitForFunction(() => (window.__archnestPlayer?.lines() ?? []).some((l) => l.includes("REC_42_OUT")), undefined, { timeout: 30_000 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await shot(page, "recordings-player-390");
      await page.getByTestId("recording-settings").scrollIntoViewIfNeeded();
      await shot(page, "recordings-settings-390");
    } finally {
      await phone.close();
    }
    // The terminal's toolbar at phone width: the same page, narrowed (the free core runs one session at a time).
    await terminal.setViewportSize({ width: 390, height: 844 });
    try {
      await terminal.locator('[data-slot-name="terminal.toolbar@1"]').getByTestId("record-toggle").waitFor();
      await shot(terminal, "terminal-toolbar-390");
    } finally {
      await terminal.setViewportSize({ width: 1366, height: 768 });
    }
  });

  it("keeps a member from another's recordings: listed for no one else, and 404 with a code to read or delete", async () => {
    expect(await recordings(member)).toEqual([]);
    for (const [path, method] of [
      [`/recordings/${recorded.id}`, "GET"],
      [`/recordings/${recorded.id}/download`, "GET"],
      [`/recordings/${recorded.id}/cast`, "GET"],
      [`/recordings/${recorded.id}`, "DELETE"],
    ] as const) {
      const res = await h.api(path, { method, headers: { cookie: member.cookie, "x-archnest-csrf": member.csrfToken } });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(await res.json()).toMatchObject({ error: "RECORDING_ERR_NOT_FOUND" });
    }
    const foreign = await h.api(`/sessions/${await sessionId()}/recording`, {
      method: "POST",
      headers: { cookie: member.cookie, "x-archnest-csrf": member.csrfToken },
    });
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toMatchObject({ error: "RECORDING_ERR_SESSION_NOT_FOUND" });
  });

  it("deletes a recording after the confirm dialog: gone from the list, the API and the disk", async () => {
    const page = await context.newPage();
    await page.goto(`${h.url}/recordings`);
    const row = page.locator(`[data-recording="${recorded.id}"]`);
    await row.getByRole("button", { name: /^Delete/ }).click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    await shot(page, "recordings-delete-dialog-1366");
    await dialog.getByRole("button", { name: "Delete" }).click();
    await row.waitFor({ state: "detached" });
    await page.getByText("No recordings yet").waitFor();
    const gone = await h.api(`/recordings/${recorded.id}/download`);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ error: "RECORDING_ERR_NOT_FOUND" });
    expect(await recordings()).toEqual([]);
    await page.close();
  });
});

describe("retention", () => {
  it("deletes the oldest recording once the total passes the size limit, and keeps the newest", async () => {
    const record = async (marker: string) => {
      const sid = await sessionId();
      expect((await h.api(`/sessions/${sid}/recording`, { method: "POST" })).status).toBe(201);
      await run(`seq 1 300; echo ${marker}_$((1+1))`, `${marker}_2`);
      const stopped = await h.api(`/sessions/${sid}/recording`, { method: "DELETE" });
      expect(stopped.status).toBe(200);
      return ((await stopped.json()) as { recording: Recording }).recording;
    };
    const first = await record("FIRST");
    // Room for one such recording and a half: the second one pushes the oldest out.
    await putSettings({ maxTotalMiB: (first.bytes * 1.5) / MIB });
    expect((await recordings()).map((r) => r.id)).toEqual([first.id]);
    const second = await record("SECOND");
    await expect.poll(async () => (await recordings()).map((r) => r.id)).toEqual([second.id]);
    expect((await h.api(`/recordings/${first.id}/download`)).status).toBe(404);
    await putSettings({ maxTotalMiB: 2048 });
  });
});

describe("typed input", () => {
  it("is recorded as 'i' events only while the admin's setting is on", async () => {
    await putSettings({ recordInput: true });
    const sid = await sessionId();
    expect((await h.api(`/sessions/${sid}/recording`, { method: "POST" })).status).toBe(201);
    await run("echo TYPED_$((4*4))", "TYPED_16");
    const stopped = (await (await h.api(`/sessions/${sid}/recording`, { method: "DELETE" })).json()) as { recording: Recording };
    await putSettings({ recordInput: false });
    expect(stopped.recording.input).toBe(true);
    const cast = parseAsciicast(await (await h.api(`/recordings/${stopped.recording.id}/download`)).text());
    const typed = cast.events
      .filter((e) => e[1] === "i")
      .map((e) => e[2])
      .join("");
    expect(typed).toBe("echo TYPED_$((4*4))\r");
  });
});

describe("when the license lapses", () => {
  it("stops the running recording, keeps every recording listed and downloadable, and answers 402 to recording and deleting", async () => {
    const sid = await sessionId();
    expect((await h.api(`/sessions/${sid}/recording`, { method: "POST" })).status).toBe(201);
    await run("echo LAPSE_$((2+3))", "LAPSE_5");
    h.entitlements.set([]);
    await expect.poll(async () => ((await (await h.api("/status")).json()) as { licensed: boolean }).licensed).toBe(false);
    await expect.poll(async () => (await recordings()).every((r) => r.state === "done")).toBe(true);

    const kept = await recordings();
    expect(kept.length).toBeGreaterThanOrEqual(2);
    for (const r of kept) {
      const file = await h.api(`/recordings/${r.id}/download`);
      expect(file.status).toBe(200);
      parseAsciicast(await file.text());
    }
    for (const [path, method] of [
      [`/sessions/${sid}/recording`, "POST"],
      [`/sessions/${sid}/recording`, "DELETE"],
      [`/recordings/${kept[0]?.id}`, "DELETE"],
    ] as const) {
      const res = await h.api(path, { method });
      expect(res.status, `${method} ${path}`).toBe(402);
      expect(await res.json()).toMatchObject({ error: "module_required", module: MODULE });
    }

    const lock = terminal.locator('[data-slot-name="terminal.toolbar@1"]').locator(`[data-lock-module="${MODULE}"]`);
    await lock.waitFor();
    await shot(terminal, "terminal-lapsed-lock-1366");
    const page = await context.newPage();
    await page.goto(`${h.url}/recordings`);
    const row = page.locator(`[data-recording="${kept[0]?.id}"]`);
    await row.waitFor();
    expect(await row.getByRole("button", { name: /^Delete/ }).count()).toBe(0);
    expect(await row.getByRole("link", { name: /^Download/ }).count()).toBe(1);
    await page.locator(`.lock-card[data-lock-module="${MODULE}"]`).waitFor();
    await shot(page, "recordings-lapsed-1366");
    await page.close();

    h.entitlements.set([MODULE]);
    await terminal.locator('[data-slot-name="terminal.toolbar@1"]').getByTestId("record-toggle").waitFor();
    expect((await recordings()).map((r) => r.id)).toEqual(kept.map((r) => r.id));
  });
});
