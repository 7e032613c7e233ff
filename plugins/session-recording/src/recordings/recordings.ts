import { randomUUID } from "node:crypto";
import { mkdirSync, statSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { Disposable, Json, PluginContext, RequestUser } from "@archnest/sdk/plugin";
import type { SessionMeta, TerminalSessionsService } from "@archnest/terminal/service";
import { RecordingErrors } from "../errors/index.js";
import { type RecordingResult, SessionRecorder } from "../recorder/index.js";
import { type RetentionPolicy, selectExpired } from "../retention/index.js";
import { type Recording, RecordingStore } from "../store/index.js";

/** The license module this plugin is sold as. */
export const MODULE = "session-recording";

/** The admin's settings (`contributes.settings` in package.json). */
export interface RecordingSettings extends RetentionPolicy {
  /** SSH host ids whose every session is recorded. */
  recordHosts: string[];
  recordInput: boolean;
}

const MIB = 1024 * 1024;

export function readSettings(values: Record<string, Json>): RecordingSettings {
  const num = (v: Json | undefined, fallback: number) => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : fallback);
  return {
    recordHosts: String(values.recordHosts ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    recordInput: values.recordInput === true,
    maxAgeDays: num(values.maxAgeDays, 90),
    maxTotalBytes: num(values.maxTotalMiB, 2048) * MIB,
  };
}

interface Active {
  recording: Recording;
  recorder: SessionRecorder;
  /** Detaches the tap, so the terminal's recording marker goes off. */
  detach: Disposable;
  /** The index entry is written. */
  stored: Promise<void>;
  ended: Promise<void>;
}

type Ctx = Pick<PluginContext, "storage" | "settings" | "license" | "log" | "plugin" | "services">;

/**
 * The recordings of one host: starts them (a host's every session, or one session on request), keeps
 * the index, enforces retention, and stops every recording when the license lapses.
 */
export class Recordings {
  readonly store: RecordingStore;
  readonly dir: string;
  private readonly active = new Map<string, Active>();
  private observer: Disposable | undefined;
  private retention: Promise<void> = Promise.resolve();
  /** Read once and on every change, so a session opening is decided without waiting. */
  private settings: RecordingSettings = readSettings({});

  constructor(
    private readonly ctx: Ctx,
    private readonly sessions: () => TerminalSessionsService | undefined,
  ) {
    this.store = new RecordingStore(ctx.storage);
    this.dir = join(ctx.plugin.dataDir, "recordings");
  }

  /** Prepares the folder, closes the books on recordings a stopped host left open, and starts watching sessions. */
  async start(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    this.settings = readSettings(await this.ctx.settings.get());
    // The host stopped while these were written: what reached the disk is the recording.
    for (const r of await this.store.all()) {
      if (r.state !== "recording") continue;
      const file = statSync(this.file(r), { throwIfNoEntry: false });
      await this.store.put({ ...r, state: "done", bytes: file?.size ?? 0, durationMs: file ? Math.max(0, file.mtimeMs - r.startedAt) : 0 });
    }
    this.watch();
  }

  /** (Re)registers the observer that records every session on the chosen hosts. */
  watch(): void {
    this.observer?.dispose();
    const service = this.sessions();
    this.observer = service?.observe({
      opened: (meta) => {
        // Checked as each session opens: a lapsed license records nothing new, whatever the settings say.
        if (!this.licensed() || !this.settings.recordHosts.includes(meta.hostId) || this.active.has(meta.id)) return undefined;
        try {
          this.begin(service, meta);
        } catch (err) {
          this.ctx.log.warn("a host recording did not start", { session: meta.id, error: String(err) });
        }
        return undefined;
      },
    });
  }

  /** Takes new settings: recordings started from now on follow them, and retention runs again. */
  configure(values: Record<string, Json>): void {
    this.settings = readSettings(values);
    void this.applyRetention();
  }

  licensed(): boolean {
    return this.ctx.license.licensed(MODULE);
  }

  /** Starts recording one open session for `by` (its owner or an admin). */
  async record(sessionId: string, by: RequestUser): Promise<Recording> {
    const service = this.sessions();
    if (!service) throw RecordingErrors.create("RECORDING_ERR_TERMINAL_UNAVAILABLE");
    const session = service.get(sessionId);
    if (!session || session.state === "closed" || (session.user.id !== by.id && by.role !== "admin")) {
      throw RecordingErrors.create("RECORDING_ERR_SESSION_NOT_FOUND");
    }
    if (this.active.has(sessionId)) throw RecordingErrors.create("RECORDING_ERR_ALREADY_RECORDING");
    const recording = this.begin(service, session);
    await this.active.get(sessionId)?.stored;
    return recording;
  }

  /** Stops the recording of a session; the entry is returned once the file is closed. */
  async stop(sessionId: string, by: RequestUser): Promise<Recording> {
    const a = this.active.get(sessionId);
    if (!a || (a.recording.person.id !== by.id && by.role !== "admin")) throw RecordingErrors.create("RECORDING_ERR_NOT_RECORDING");
    a.recorder.stop();
    await a.ended;
    return (await this.store.get(a.recording.id)) ?? a.recording;
  }

  /** The recording of a session now being written, if any. */
  current(sessionId: string): Recording | undefined {
    const a = this.active.get(sessionId);
    return a ? this.live(a) : undefined;
  }

  /** What `by` may see: their own recordings, or everyone's for an admin; the ones being written with live sizes. */
  async list(by: RequestUser): Promise<Recording[]> {
    const all = await this.store.all();
    const live = new Map([...this.active.values()].map((a) => [a.recording.id, this.live(a)]));
    return all.filter((r) => by.role === "admin" || r.person.id === by.id).map((r) => live.get(r.id) ?? r);
  }

  /** One recording `by` may see; others' answer as if they did not exist. */
  async visible(id: string, by: RequestUser): Promise<Recording> {
    const r = /^[a-f0-9-]{36}$/.test(id) ? await this.store.get(id) : undefined;
    if (!r || (r.person.id !== by.id && by.role !== "admin")) throw RecordingErrors.create("RECORDING_ERR_NOT_FOUND");
    const a = this.active.get(r.sessionId);
    return a && a.recording.id === r.id ? this.live(a) : r;
  }

  file(r: Pick<Recording, "id">): string {
    return join(this.dir, `${r.id}.cast`);
  }

  /** Deletes a recording (stopping it first if it is being written): the file, then its index entry. */
  async delete(id: string, by: RequestUser): Promise<void> {
    const r = await this.visible(id, by);
    const a = this.active.get(r.sessionId);
    if (a && a.recording.id === r.id) {
      a.recorder.stop();
      await a.ended;
    }
    await this.remove(r);
  }

  /** Stops every recording (the license lapsed, or the plugin is stopping); files are kept. */
  async stopAll(): Promise<void> {
    const all = [...this.active.values()];
    for (const a of all) a.recorder.stop();
    await Promise.all(all.map((a) => a.ended));
  }

  /** Deletes what the retention settings no longer keep, oldest first; runs one pass at a time. */
  applyRetention(): Promise<void> {
    this.retention = this.retention
      .then(async () => {
        // Without the license nothing stored is lost, retention included.
        if (!this.licensed()) return;
        const expired = selectExpired(await this.list({ id: "", username: "", role: "admin" }), this.settings, Date.now());
        for (const r of expired) await this.remove(r);
        if (expired.length > 0) this.ctx.log.info("recordings deleted by retention", { count: expired.length, ids: expired.map((r) => r.id) });
      })
      .catch((err) => this.ctx.log.error("retention failed", { error: String(err) }));
    return this.retention;
  }

  dispose(): Promise<void> {
    this.observer?.dispose();
    this.observer = undefined;
    return this.stopAll();
  }

  /**
   * Attaches a recorder to an open session at once (no await before the tap, so no output is missed),
   * then writes its index entry.
   */
  private begin(service: TerminalSessionsService, meta: SessionMeta): Recording {
    const { recordInput } = this.settings;
    const recording: Recording = {
      id: randomUUID(),
      sessionId: meta.id,
      host: { id: meta.hostId, name: meta.hostName },
      person: { id: meta.user.id, username: meta.user.username },
      startedAt: Date.now(),
      durationMs: 0,
      bytes: 0,
      cols: meta.cols,
      rows: meta.rows,
      input: recordInput,
      state: "recording",
    };
    let settle: () => void = () => undefined;
    const ended = new Promise<void>((resolve) => (settle = resolve));
    // The entry is written before the recording can finish, so `finished` always finds it.
    const stored = this.store.put(recording);
    const recorder = new SessionRecorder({
      file: this.file(recording),
      meta,
      input: recordInput,
      log: this.ctx.log,
      onEnd: (result) => void stored.then(() => this.finished(meta.id, recording, result)).finally(settle),
    });
    const detach = service.tap(
      meta.id,
      recorder.tap(() => recorder.stop()),
    );
    if (!detach) {
      recorder.stop();
      void ended.then(() => this.remove(recording));
      throw RecordingErrors.create("RECORDING_ERR_SESSION_NOT_FOUND");
    }
    this.active.set(meta.id, { recording, recorder, ended, detach, stored });
    this.ctx.log.info("recording started", { recording: recording.id, session: meta.id, host: meta.hostName, input: recordInput });
    return recording;
  }

  private async finished(sessionId: string, recording: Recording, result: RecordingResult): Promise<void> {
    const a = this.active.get(sessionId);
    if (a?.recording.id === recording.id) {
      // The marker goes off as soon as nothing more is written, whatever stopped it.
      a.detach.dispose();
      this.active.delete(sessionId);
    }
    const done: Recording = {
      ...recording,
      durationMs: result.durationMs,
      bytes: result.bytes,
      state: result.error ? "failed" : "done",
      ...(result.error && { error: result.error }),
    };
    // Deleted while it was being written: nothing to keep.
    if (await this.store.get(recording.id)) await this.store.put(done);
    this.ctx.log.info("recording stopped", { recording: recording.id, bytes: result.bytes, ...(result.error && { error: result.error }) });
    void this.applyRetention();
  }

  private live(a: Active): Recording {
    return { ...a.recording, durationMs: Date.now() - a.recording.startedAt, bytes: a.recorder.bytes };
  }

  private async remove(r: Recording): Promise<void> {
    await rm(this.file(r), { force: true });
    await this.store.delete(r.id);
  }
}
