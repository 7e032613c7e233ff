/**
 * The recorder against a small fake of the terminal's `terminal-sessions` service (plugins/terminal/src/
 * service/api.ts) and a real data folder: what lands in the file, the index, the marker, write errors,
 * the license and who sees what.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Disposable, Json, PluginContext, RequestUser } from "@archnest/sdk/plugin";
import type { SessionMeta, SessionObserver, SessionSummary, SessionTap, TerminalSessionsService } from "@archnest/terminal/service";
import { afterEach, describe, expect, it } from "vitest";
import { parseAsciicast } from "../asciicast/index.js";
import { MODULE, Recordings } from "./recordings.js";

const ana: RequestUser = { id: "u-ana", username: "ana", role: "member" };
const bob: RequestUser = { id: "u-bob", username: "bob", role: "member" };
const admin: RequestUser = { id: "u-admin", username: "admin", role: "admin" };
const utf8 = (s: string) => new TextEncoder().encode(s);

/** The terminal's service as a consumer sees it: sessions that open, carry traffic and close. */
class FakeSessions implements TerminalSessionsService {
  readonly observers = new Set<SessionObserver>();
  readonly sessions = new Map<string, { meta: SessionMeta; taps: Set<SessionTap>; state: "open" | "closed" }>();

  open(id: string, user: RequestUser, hostId = "h-web"): SessionMeta {
    const meta: SessionMeta = { id, hostId, hostName: "web-1", user, cols: 80, rows: 24, openedAt: Date.now() };
    const s = { meta, taps: new Set<SessionTap>(), state: "open" as const };
    this.sessions.set(id, s);
    for (const o of this.observers) {
      const tap = o.opened(meta);
      if (tap) s.taps.add(tap);
    }
    return meta;
  }
  output(id: string, text: string | Uint8Array): void {
    for (const t of this.taps(id)) t.output?.(typeof text === "string" ? utf8(text) : text);
  }
  input(id: string, text: string): void {
    for (const t of this.taps(id)) t.input?.(utf8(text));
  }
  resize(id: string, cols: number, rows: number): void {
    for (const t of this.taps(id)) t.resize?.(cols, rows);
  }
  close(id: string): void {
    const s = this.sessions.get(id);
    if (!s) return;
    s.state = "closed";
    for (const t of [...s.taps]) t.closed?.({ reason: "exit", exitCode: 0 });
    s.taps.clear();
  }
  /** True while a tap with the recording marker is attached (what the terminal shows as the dot). */
  marked(id: string): boolean {
    return [...this.taps(id)].some((t) => t.marker === "recording");
  }
  private taps(id: string): Set<SessionTap> {
    return this.sessions.get(id)?.taps ?? new Set();
  }

  observe(observer: SessionObserver): Disposable {
    this.observers.add(observer);
    return { dispose: () => void this.observers.delete(observer) };
  }
  tap(sessionId: string, tap: SessionTap): Disposable | undefined {
    const s = this.sessions.get(sessionId);
    if (!s || s.state === "closed") return undefined;
    s.taps.add(tap);
    return { dispose: () => void s.taps.delete(tap) };
  }
  setPersistence(): Disposable {
    return { dispose() {} };
  }
  list(): SessionSummary[] {
    return [...this.sessions.keys()].map((id) => this.get(id) as SessionSummary);
  }
  get(sessionId: string): SessionSummary | undefined {
    const s = this.sessions.get(sessionId);
    return s && { ...s.meta, state: s.state, viewers: 1, persistent: false, recording: this.marked(sessionId), scrollbackBytes: 0 };
  }
  end(): boolean {
    return false;
  }
  registerShellSource(): Disposable {
    return { dispose() {} };
  }
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function setup(opts: { settings?: Record<string, Json>; licensed?: boolean } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), "recording-test-"));
  dirs.push(dataDir);
  const storage = new Map<string, Json>();
  const logs: { level: string; message: string }[] = [];
  let licensed = opts.licensed ?? true;
  const settings: Record<string, Json> = { ...opts.settings };
  const log = (level: string) => (message: string) => void logs.push({ level, message });
  const ctx = {
    plugin: { id: "session-recording", name: "@archnest/session-recording", version: "1.0.0", module: MODULE, permissions: ["storage"], dataDir },
    storage: {
      get: async (k: string) => storage.get(k),
      set: async (k: string, v: Json) => void storage.set(k, structuredClone(v)),
      delete: async (k: string) => storage.delete(k),
      list: async (prefix = "") => [...storage].filter(([k]) => k.startsWith(prefix)).map(([key, value]) => ({ key, value })),
    },
    settings: { get: async () => settings, onChange: () => ({ dispose() {} }) },
    license: { licensed: (m: string) => m === MODULE && licensed, refusal: () => undefined, require: () => undefined },
    log: { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") },
  } as unknown as Pick<PluginContext, "storage" | "settings" | "license" | "log" | "plugin" | "services">;
  const fake = new FakeSessions();
  const recordings = new Recordings(ctx, () => fake);
  await recordings.start();
  return { recordings, fake, logs, dataDir, ctx, lapse: () => (licensed = false) };
}

describe("recording a session", () => {
  it("records a session on request from then on, with the marker on until it stops, into a valid file the index describes", async () => {
    const { recordings, fake } = await setup();
    fake.open("s1", ana);
    fake.output("s1", "before\r\n");
    const started = await recordings.record("s1", ana);
    expect(fake.marked("s1")).toBe(true);
    fake.output("s1", "$ ls\r\nREADME.md\r\n");
    fake.resize("s1", 120, 40);
    fake.input("s1", "secret\r");
    const done = await recordings.stop("s1", ana);
    expect(fake.marked("s1")).toBe(false);

    const text = readFileSync(recordings.file(started), "utf8");
    const cast = parseAsciicast(text);
    expect(cast.header).toMatchObject({ version: 2, width: 80, height: 24, title: "web-1 — ana" });
    expect(cast.events.map((e) => [e[1], e[2]])).toEqual([
      ["o", "$ ls\r\nREADME.md\r\n"],
      ["r", "120x40"],
    ]);
    expect(done).toMatchObject({ id: started.id, state: "done", input: false, host: { id: "h-web", name: "web-1" }, person: { id: ana.id, username: "ana" } });
    expect(done.bytes).toBe(statSync(recordings.file(started)).size);
    expect(await recordings.list(ana)).toEqual([done]);
  });

  it("records every session on the chosen hosts from its first byte, typed input only when the admin turned it on", async () => {
    const { recordings, fake } = await setup({ settings: { recordHosts: "h-db, h-web", recordInput: true } });
    fake.open("s1", ana, "h-web");
    fake.open("s2", ana, "h-other");
    expect(fake.marked("s1")).toBe(true);
    expect(fake.marked("s2")).toBe(false);
    fake.output("s1", "motd\r\n");
    fake.input("s1", "whoami\r");
    fake.close("s1");
    await expect.poll(async () => (await recordings.list(admin))[0]?.state).toBe("done");
    const [r] = await recordings.list(admin);
    expect(r?.input).toBe(true);
    const events = parseAsciicast(readFileSync(recordings.file(r as { id: string }), "utf8")).events;
    expect(events.map((e) => [e[1], e[2]])).toEqual([
      ["o", "motd\r\n"],
      ["i", "whoami\r"],
    ]);
  });

  it("stops a recording whose file cannot be written with a log line and the marker off, and the session goes on", async () => {
    const { recordings, fake, logs, dataDir } = await setup();
    fake.open("s1", ana);
    // The recordings folder is replaced by a file: opening the recording's file fails (ENOTDIR).
    rmSync(join(dataDir, "recordings"), { recursive: true });
    writeFileSync(join(dataDir, "recordings"), "");
    const started = await recordings.record("s1", ana);
    fake.output("s1", "still here\r\n");
    await expect.poll(async () => (await recordings.visible(started.id, ana)).state).toBe("failed");
    expect(fake.marked("s1")).toBe(false);
    expect(fake.sessions.get("s1")?.state).toBe("open");
    expect(logs.some((l) => l.level === "error" && l.message.startsWith("recording stopped"))).toBe(true);
    expect((await recordings.visible(started.id, ana)).error).toBe("ENOTDIR");
  });

  it("stops recording when the license lapses and starts nothing new, keeping every file", async () => {
    const { recordings, fake, lapse } = await setup({ settings: { recordHosts: "h-web" } });
    fake.open("s1", ana);
    fake.output("s1", "kept\r\n");
    lapse();
    await recordings.stopAll();
    expect(fake.marked("s1")).toBe(false);
    fake.open("s2", ana);
    expect(fake.marked("s2")).toBe(false);
    const [r] = await recordings.list(ana);
    expect(r?.state).toBe("done");
    expect(readFileSync(recordings.file(r as { id: string }), "utf8")).toContain("kept");
  });

  it("shows members their own recordings only; another's answers RECORDING_ERR_NOT_FOUND, also to delete", async () => {
    const { recordings, fake } = await setup();
    fake.open("s1", ana);
    const r = await recordings.record("s1", ana);
    await recordings.stop("s1", ana);
    expect(await recordings.list(bob)).toEqual([]);
    expect((await recordings.list(admin)).map((x) => x.id)).toEqual([r.id]);
    await expect(recordings.visible(r.id, bob)).rejects.toMatchObject({ code: "RECORDING_ERR_NOT_FOUND" });
    await expect(recordings.delete(r.id, bob)).rejects.toMatchObject({ code: "RECORDING_ERR_NOT_FOUND" });
    await expect(recordings.record("s1", bob)).rejects.toMatchObject({ code: "RECORDING_ERR_SESSION_NOT_FOUND" });
    await recordings.delete(r.id, ana);
    expect(existsSync(recordings.file(r))).toBe(false);
    expect(await recordings.list(admin)).toEqual([]);
  });

  it("closes the books on a recording a stopped host left open: done, with the size that reached the disk", async () => {
    const first = await setup();
    first.fake.open("s1", ana);
    const r = await first.recordings.record("s1", ana);
    first.fake.output("s1", "written before the crash\r\n");
    await expect.poll(() => statSync(first.recordings.file(r)).size).toBeGreaterThan(100);
    // A second plugin instance on the same data, as after a host restart (the first one never stopped).
    const restarted = new Recordings(first.ctx, () => new FakeSessions());
    await restarted.start();
    const [after] = await restarted.list(ana);
    expect(after).toMatchObject({ id: r.id, state: "done", bytes: statSync(first.recordings.file(r)).size });
  });

  it("refuses a second recording of one session and a stop of a session not being recorded", async () => {
    const { recordings, fake } = await setup();
    fake.open("s1", ana);
    await recordings.record("s1", ana);
    await expect(recordings.record("s1", ana)).rejects.toMatchObject({ code: "RECORDING_ERR_ALREADY_RECORDING" });
    await recordings.stop("s1", ana);
    await expect(recordings.stop("s1", ana)).rejects.toMatchObject({ code: "RECORDING_ERR_NOT_RECORDING" });
    await expect(recordings.record("nope", ana)).rejects.toMatchObject({ code: "RECORDING_ERR_SESSION_NOT_FOUND" });
  });
});
