/**
 * The transfer queue: jobs are stored in the plugin's storage (so the list survives a restart), at most
 * {@link MAX_RUNNING} run at once, and each streams its files host to host with {@link copyFileRange}
 * (many SFTP requests in flight on both sides, memory bounded by the window, nothing on ArchNest's disk).
 */
import { randomUUID } from "node:crypto";
import { posix } from "node:path";
import {
  type CopyFileRangeError,
  copyFileRange,
  isCodedError,
  isSshError,
  type Json,
  type PluginContext,
  type SshFileStat,
  type SshSftp,
} from "@archnest/sdk/plugin";
import { TransferErrors } from "../errors/index.js";
import {
  type ConflictAction,
  type ConflictPolicy,
  isWithin,
  type JobKind,
  nextRate,
  numberedName,
  type PlanEntry,
  type TransferJob,
  type TransferJobView,
  viewOf,
} from "./job.js";

export const MODULE = "host-transfer";
/** Jobs copying at once; more wait in the queue. Two keep a slow pair of hosts from holding up the rest. */
export const MAX_RUNNING = 2;
const MAX_ENTRIES = 100_000;
/** A running job's progress is written to storage at most this often (and at every file's end). */
const SAVE_EVERY_MS = 2000;
const RATE_EVERY_MS = 500;
const KEY = "job:";
/** Errors after which the same job can go on once the host answers again. */
/**
 * A job stopped by a dropped connection resumes by itself after these delays (one per try), then waits
 * for Resume; a finished file starts the count again.
 */
export const RETRY_DELAYS_MS = [5_000, 15_000, 45_000];
const CONNECTION_CODES = new Set(["HOST_ERR_SSH_DISCONNECTED", "HOST_ERR_SSH_UNREACHABLE", "HOST_ERR_SSH_TIMEOUT", "HOST_ERR_SSH_CHANNEL_FAILED"]);

export interface NewJob {
  kind: JobKind;
  sourceHostId: string;
  paths: string[];
  targetHostId: string;
  folder: string;
  policy: ConflictPolicy;
}

type Ctx = Pick<PluginContext, "ssh" | "storage" | "log" | "license">;

/** Why a run was stopped from outside: the person cancelled, the license lapsed, or the plugin is unloading. */
class Stop extends Error {
  constructor(readonly why: "cancel" | "license" | "dispose") {
    super(why);
  }
}

export class Transfers {
  private readonly jobs = new Map<string, TransferJob>();
  private readonly running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private readonly savedAt = new Map<string, number>();
  private readonly retryTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private disposed = false;

  constructor(private readonly ctx: Ctx) {}

  /** Loads the stored jobs; those that were running when ArchNest stopped become `interrupted`. */
  async start(): Promise<void> {
    for (const { value } of await this.ctx.storage.list<Json>(KEY)) {
      const job = value as unknown as TransferJob;
      job.retries ??= 0;
      job.retryAt = null;
      if (job.state === "running" || job.state === "scanning") {
        job.state = "interrupted";
        job.error = end("TRANSFER_ERR_INTERRUPTED", "ArchNest stopped while the transfer ran.");
        job.rate = 0;
        job.etaMs = null;
        await this.save(job);
      }
      this.jobs.set(job.id, job);
    }
    this.pump();
  }

  licensed(): boolean {
    return this.ctx.license.licensed(MODULE);
  }

  list(): TransferJobView[] {
    return [...this.jobs.values()].sort((a, b) => b.createdAt - a.createdAt).map(viewOf);
  }

  get(id: string): TransferJob {
    const job = this.jobs.get(id);
    if (!job) throw TransferErrors.create("TRANSFER_ERR_JOB_NOT_FOUND");
    return job;
  }

  /** Checks the request against both hosts, then queues it. */
  async create(input: NewJob, by: string): Promise<TransferJobView> {
    const hosts = await this.ctx.ssh.hosts();
    const source = hosts.find((h) => h.id === input.sourceHostId);
    const target = hosts.find((h) => h.id === input.targetHostId);
    if (!source || !target)
      throw TransferErrors.create("TRANSFER_ERR_HOST_NOT_FOUND", `No SSH host has the id ${source ? input.targetHostId : input.sourceHostId}.`);
    const paths = input.paths.map((p) => posix.normalize(p));
    const folder = posix.normalize(input.folder);
    const dst = await this.ctx.ssh.sftp(target.id);
    try {
      const st = await dst.stat(folder).catch(() => undefined);
      if (st?.type !== "directory") throw TransferErrors.create("TRANSFER_ERR_TARGET_NOT_FOLDER", `${folder} is not a folder on ${target.name}.`);
    } finally {
      await dst.close();
    }
    if (source.id === target.id)
      for (const p of paths)
        if (isWithin(folder, p) || posix.dirname(p) === folder)
          throw TransferErrors.create("TRANSFER_ERR_INTO_ITSELF", `${p} would land on itself or inside itself in ${folder}.`);
    const job: TransferJob = {
      id: randomUUID(),
      kind: input.kind,
      createdAt: Date.now(),
      createdBy: by,
      source: { hostId: source.id, hostName: source.name, paths },
      target: { hostId: target.id, hostName: target.name, folder },
      policy: input.policy,
      state: "queued",
      error: null,
      startedAt: null,
      finishedAt: null,
      planned: false,
      totalFiles: 0,
      totalBytes: 0,
      doneFiles: 0,
      doneBytes: 0,
      sentBytes: 0,
      runBytes: 0,
      rate: 0,
      etaMs: null,
      current: null,
      skipped: 0,
      retries: 0,
      retryAt: null,
      partial: null,
      entries: [],
    };
    this.jobs.set(job.id, job);
    await this.save(job);
    this.pump();
    return viewOf(job);
  }

  /** Settles conflicts: one (by its destination path) or every one still asked, and for all, the job's policy. */
  async resolve(id: string, action: ConflictAction, target?: string): Promise<TransferJobView> {
    const job = this.get(id);
    if (job.state !== "conflict") throw TransferErrors.create("TRANSFER_ERR_NO_CONFLICT");
    const asked = job.entries.filter((e) => e.conflict === "ask" && e.state === "pending");
    const chosen = target === undefined ? asked : asked.filter((e) => e.dst === target);
    if (chosen.length === 0) throw TransferErrors.create("TRANSFER_ERR_VALIDATION", `No conflict waits at ${target}.`);
    for (const e of chosen) e.conflict = action;
    if (target === undefined) job.policy = action;
    if (chosen.length === asked.length) job.state = "queued";
    await this.save(job);
    this.pump();
    return viewOf(job);
  }

  /** Stops a job; its partial file stays for a resume unless `removePartial`. */
  async cancel(id: string, removePartial: boolean): Promise<TransferJobView> {
    const job = this.get(id);
    if (!["queued", "scanning", "conflict", "running", "interrupted"].includes(job.state)) throw TransferErrors.create("TRANSFER_ERR_STATE");
    this.clearRetry(job);
    const run = this.running.get(id);
    if (run) {
      run.abort.abort(new Stop("cancel"));
      await run.done;
    }
    job.state = "cancelled";
    job.finishedAt = Date.now();
    job.rate = 0;
    job.etaMs = null;
    job.current = null;
    const partial = job.entries.find((e) => e.type === "file" && e.state === "pending" && e.started);
    if (partial) {
      job.partial = { kept: !removePartial, path: partial.dst };
      if (removePartial) {
        const dst = await this.ctx.ssh.sftp(job.target.hostId);
        try {
          await dst.unlink(partial.dst).catch(() => undefined);
        } finally {
          await dst.close();
        }
        partial.started = false;
        partial.committed = 0;
        job.doneBytes = sumDone(job);
      }
    } else job.partial = null;
    await this.save(job);
    return viewOf(job);
  }

  /** Queues an interrupted, cancelled or failed job again; each file continues where its copy got to. */
  async resume(id: string): Promise<TransferJobView> {
    const job = this.get(id);
    if (!["interrupted", "cancelled", "failed"].includes(job.state)) throw TransferErrors.create("TRANSFER_ERR_STATE");
    this.clearRetry(job);
    job.retries = 0;
    job.state = "queued";
    job.error = null;
    job.finishedAt = null;
    job.partial = null;
    await this.save(job);
    this.pump();
    return viewOf(job);
  }

  /** Removes a job that is not running from the list (files are not touched). */
  async remove(id: string): Promise<void> {
    const job = this.get(id);
    if (this.running.has(id) || job.state === "scanning" || job.state === "running") throw TransferErrors.create("TRANSFER_ERR_STATE");
    this.clearRetry(job);
    this.jobs.delete(id);
    await this.ctx.storage.delete(KEY + id);
  }

  /** Stops every run (license lapse or unload): the jobs become `interrupted`, resumable later. */
  async stopAll(why: "license" | "dispose"): Promise<void> {
    const runs = [...this.running.values()];
    for (const r of runs) r.abort.abort(new Stop(why));
    await Promise.all(runs.map((r) => r.done));
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const t of this.retryTimers.values()) clearTimeout(t);
    this.retryTimers.clear();
    await this.stopAll("dispose");
  }

  /** Starts queued jobs, oldest first, while a slot is free and the module is licensed. */
  pump(): void {
    if (this.disposed || !this.licensed()) return;
    const queued = [...this.jobs.values()].filter((j) => j.state === "queued" && !this.running.has(j.id)).sort((a, b) => a.createdAt - b.createdAt);
    for (const job of queued) {
      if (this.running.size >= MAX_RUNNING) return;
      const abort = new AbortController();
      const done = this.run(job, abort.signal).finally(() => {
        this.running.delete(job.id);
        this.pump();
      });
      this.running.set(job.id, { abort, done });
    }
  }

  private clearRetry(job: TransferJob): void {
    const timer = this.retryTimers.get(job.id);
    if (timer) clearTimeout(timer);
    this.retryTimers.delete(job.id);
    job.retryAt = null;
  }

  /** Schedules the next automatic resume of a job a dropped connection stopped, while tries are left. */
  private scheduleRetry(job: TransferJob): void {
    const delay = RETRY_DELAYS_MS[job.retries];
    if (delay === undefined || this.disposed) return;
    job.retryAt = Date.now() + delay;
    const timer = setTimeout(() => {
      this.retryTimers.delete(job.id);
      if (job.state !== "interrupted" || job.retryAt === null || !this.jobs.has(job.id)) return;
      job.retries++;
      job.retryAt = null;
      job.state = "queued";
      job.error = null;
      job.finishedAt = null;
      void this.save(job).then(() => this.pump());
    }, delay);
    timer.unref?.();
    this.retryTimers.set(job.id, timer);
  }

  private save(job: TransferJob): Promise<void> {
    return this.ctx.storage.set(KEY + job.id, job as unknown as Json);
  }

  private async run(job: TransferJob, signal: AbortSignal): Promise<void> {
    let src: SshSftp | undefined;
    let dst: SshSftp | undefined;
    job.startedAt ??= Date.now();
    job.runBytes = 0;
    try {
      src = await this.ctx.ssh.sftp(job.source.hostId);
      dst = await this.ctx.ssh.sftp(job.target.hostId);
      if (!job.planned) {
        job.state = "scanning";
        await this.save(job);
        job.entries = await plan(src, job.source.paths, job.target.folder, signal);
        await markConflicts(dst, job.entries, signal);
        job.planned = true;
        const files = job.entries.filter((e) => e.type === "file");
        job.totalFiles = files.length;
        job.totalBytes = files.reduce((n, e) => n + e.size, 0);
        job.skipped = job.entries.filter((e) => e.state === "skipped").length;
      }
      for (const e of job.entries) if (e.conflict === "ask" && job.policy !== "ask") e.conflict = job.policy;
      if (job.entries.some((e) => e.conflict === "ask" && e.state === "pending")) {
        job.state = "conflict";
        await this.save(job);
        return;
      }
      job.state = "running";
      await this.save(job);
      await this.copyAll(job, src, dst, signal);
      if (job.kind === "move") await removeSources(job, src, dst, signal);
      job.state = "done";
      job.error = null;
      job.finishedAt = Date.now();
    } catch (err) {
      const stop = signal.aborted && signal.reason instanceof Stop ? signal.reason.why : undefined;
      if (stop === "cancel") {
        // cancel() sets the final state once the run settled.
      } else if (stop !== undefined) {
        job.state = "interrupted";
        job.error = end(
          "TRANSFER_ERR_INTERRUPTED",
          stop === "license" ? "The Host-to-Host Transfer license lapsed; resume once it is back." : "ArchNest stopped the plugin while the transfer ran.",
        );
      } else if (isSshError(err) && CONNECTION_CODES.has(err.code)) {
        job.state = "interrupted";
        job.error = end(err.code, err.message);
        this.scheduleRetry(job);
      } else if (isCodedError(err) && err.code === "SDK_ERR_SOURCE_CHANGED") {
        job.state = "failed";
        job.error = end("TRANSFER_ERR_SOURCE_CHANGED", err.message);
      } else {
        job.state = "failed";
        job.error = isCodedError(err) || isSshError(err) ? end(err.code, err.message) : end("TRANSFER_ERR_INTERNAL", "The transfer failed unexpectedly.");
        if (!isCodedError(err) && !isSshError(err)) this.ctx.log.error("a transfer failed", { job: job.id, error: String(err) });
      }
      if (job.state !== "running" && job.state !== "scanning") job.finishedAt = Date.now();
    } finally {
      job.rate = 0;
      job.etaMs = null;
      if (job.state !== "running") job.current = null;
      await Promise.allSettled([src?.close(), dst?.close()]);
      await this.save(job).catch((err: unknown) => this.ctx.log.warn("a transfer's state could not be stored", { job: job.id, error: String(err) }));
    }
  }

  private async copyAll(job: TransferJob, src: SshSftp, dst: SshSftp, signal: AbortSignal): Promise<void> {
    // Folders first, parents before children (the plan lists them so); existing ones are merged into.
    for (const e of job.entries) {
      if (e.type !== "directory" || e.state !== "pending") continue;
      check(signal);
      const there = await dst.stat(e.dst).catch(() => undefined);
      if (!there) await dst.mkdir(e.dst, (e.mode & 0o7777) | 0o700);
      else if (there.type !== "directory")
        throw TransferErrors.create("TRANSFER_ERR_TARGET_NOT_FOLDER", `${e.dst} exists on ${job.target.hostName} and is not a folder.`);
    }
    for (const e of job.entries) {
      if (e.type !== "file" || e.state !== "pending") continue;
      check(signal);
      if (e.conflict === "skip") {
        e.state = "skipped";
        job.skipped++;
        job.totalBytes -= e.size;
        job.totalFiles--;
        continue;
      }
      if (e.conflict === "rename" && !e.started) e.dst = await freeName(dst, e.dst);
      await this.copyFile(job, e, src, dst, signal);
    }
    // Folder times last: adding files changed them. Children before parents.
    for (const e of [...job.entries].reverse()) {
      if (e.type !== "directory" || e.state !== "pending") continue;
      check(signal);
      await dst.chmod(e.dst, e.mode & 0o7777);
      await dst.utimes(e.dst, e.atime, e.mtime);
      e.state = "done";
    }
  }

  private async copyFile(job: TransferJob, e: PlanEntry, src: SshSftp, dst: SshSftp, signal: AbortSignal): Promise<void> {
    job.current = e.src;
    const now = await src.stat(e.src);
    let offset = 0;
    if (now.size !== e.size || now.mtime !== e.mtime) {
      // Changed since planned: copied again from its start, with its new size.
      job.totalBytes += now.size - e.size;
      Object.assign(e, { size: now.size, mtime: now.mtime, atime: now.atime, mode: now.mode, started: false, committed: 0 });
    } else if (e.started) {
      const there = await dst.stat(e.dst).catch(() => undefined);
      // What is there is this job's own partial copy; only its unbroken landed run counts.
      if (there && there.size <= e.size) offset = Math.min(there.size, e.committed ?? 0);
    }
    e.started = true;
    e.committed = offset;
    job.doneBytes = sumDone(job);
    await this.saveProgress(job);

    const reader = await src.open(e.src, "r");
    let writer: Awaited<ReturnType<SshSftp["open"]>> | undefined;
    let sample = { at: Date.now(), bytes: job.runBytes };
    let reported = 0;
    try {
      writer = await dst.open(e.dst, offset > 0 ? "r+" : "w", { mode: (e.mode & 0o7777) | 0o600 });
      await copyFileRange(reader, writer, {
        start: offset,
        end: e.size,
        signal,
        onProgress: (written, committed) => {
          const delta = written - reported;
          reported = written;
          job.sentBytes += delta;
          job.runBytes += delta;
          job.doneBytes += delta;
          const t = Date.now();
          if (t - sample.at >= RATE_EVERY_MS) {
            job.rate = nextRate(job.rate, job.runBytes - sample.bytes, t - sample.at);
            job.etaMs = job.rate > 0 ? Math.round(((job.totalBytes - job.doneBytes) * 1000) / job.rate) : null;
            sample = { at: t, bytes: job.runBytes };
          }
          e.committed = committed;
          void this.saveProgress(job).catch(() => undefined);
        },
      });
    } catch (err) {
      const committed = (err as Partial<CopyFileRangeError>).committed;
      e.committed = typeof committed === "number" ? committed : offset;
      throw err;
    } finally {
      await Promise.allSettled([reader.close(), writer?.close()]);
    }
    e.committed = e.size;
    await dst.chmod(e.dst, e.mode & 0o7777);
    await dst.utimes(e.dst, e.atime, e.mtime);
    const landed = await dst.stat(e.dst);
    if (landed.size !== e.size)
      throw TransferErrors.create("TRANSFER_ERR_VERIFY_FAILED", `${e.dst} has ${landed.size} bytes on ${job.target.hostName}, the source ${e.size}.`);
    e.state = "done";
    job.retries = 0;
    job.doneFiles++;
    job.doneBytes = sumDone(job);
    await this.saveProgress(job);
  }

  /**
   * Stores a running job's progress at most every SAVE_EVERY_MS, so a plan of many small files is not
   * rewritten per file. What is stored only ever lags behind (a file not yet marked started or done is
   * copied again from its start on resume), so a resume never trusts bytes that did not land.
   */
  private async saveProgress(job: TransferJob): Promise<void> {
    const now = Date.now();
    if (now - (this.savedAt.get(job.id) ?? 0) < SAVE_EVERY_MS) return;
    this.savedAt.set(job.id, now);
    await this.save(job);
  }
}

function end(code: string, message: string) {
  return { code, message };
}

function check(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason;
}

/** Bytes at the destination: finished files whole, started ones up to their landed run. */
function sumDone(job: TransferJob): number {
  let n = 0;
  for (const e of job.entries) if (e.type === "file") n += e.state === "done" ? e.size : e.state === "pending" ? (e.committed ?? 0) : 0;
  return n;
}

function entryOf(src: string, dst: string, st: SshFileStat): PlanEntry {
  const type = st.type === "directory" ? "directory" : "file";
  const entry: PlanEntry = { src, dst, type, size: type === "file" ? st.size : 0, mtime: st.mtime, atime: st.atime, mode: st.mode, state: "pending" };
  // Symlinks and special files are not copied (SFTP v3 offers no way to recreate them faithfully).
  if (st.type === "symlink" || st.type === "other") entry.state = "skipped";
  return entry;
}

/** Lists every file and folder under the chosen paths, folders before their contents. */
async function plan(src: SshSftp, paths: string[], folder: string, signal: AbortSignal): Promise<PlanEntry[]> {
  const out: PlanEntry[] = [];
  const add = (e: PlanEntry) => {
    if (out.length >= MAX_ENTRIES) throw TransferErrors.create("TRANSFER_ERR_TOO_MANY_FILES");
    out.push(e);
  };
  for (const path of paths) {
    check(signal);
    const st = await src.lstat(path).catch((err: unknown) => {
      if (isSshError(err) && err.code === "HOST_ERR_SFTP_NO_SUCH_FILE") throw TransferErrors.create("TRANSFER_ERR_SOURCE_NOT_FOUND", `${path} does not exist.`);
      throw err;
    });
    const root = entryOf(path, posix.join(folder, posix.basename(path)), st);
    add(root);
    if (root.type !== "directory") continue;
    const stack = [root];
    while (stack.length > 0) {
      const dir = stack.shift() as PlanEntry;
      check(signal);
      const children = (await src.readdir(dir.src)).sort((a, b) => (a.name < b.name ? -1 : 1));
      for (const c of children) {
        const e = entryOf(posix.join(dir.src, c.name), posix.join(dir.dst, c.name), c);
        add(e);
        if (e.type === "directory" && e.state === "pending") stack.push(e);
      }
    }
  }
  return out;
}

/** Marks each file whose destination exists already (folders that exist are merged into). */
async function markConflicts(dst: SshSftp, entries: PlanEntry[], signal: AbortSignal): Promise<void> {
  const missing = new Set<string>();
  for (const e of entries) {
    if (e.state !== "pending") continue;
    check(signal);
    // Below a folder missing at the destination nothing exists: no need to ask.
    if (missing.has(posix.dirname(e.dst))) {
      if (e.type === "directory") missing.add(e.dst);
      continue;
    }
    const there = await dst.lstat(e.dst).catch(() => undefined);
    if (!there) {
      if (e.type === "directory") missing.add(e.dst);
      continue;
    }
    if (e.type === "directory" && there.type === "directory") continue;
    if (e.type === "file") {
      e.conflict = "ask";
      e.targetSize = there.size;
    }
  }
}

/** The first `name (n).ext` free at the destination. */
async function freeName(dst: SshSftp, path: string): Promise<string> {
  for (let n = 1; ; n++) {
    const candidate = numberedName(path, n);
    if (!(await dst.lstat(candidate).catch(() => undefined))) return candidate;
  }
}

/** A move's second half: every copied file verified by size, then the sources removed, folders bottom-up. */
async function removeSources(job: TransferJob, src: SshSftp, dst: SshSftp, signal: AbortSignal): Promise<void> {
  for (const e of job.entries) {
    if (e.type !== "file" || e.state !== "done") continue;
    check(signal);
    const landed = await dst.stat(e.dst);
    if (landed.size !== e.size) throw TransferErrors.create("TRANSFER_ERR_VERIFY_FAILED", `${e.dst} has ${landed.size} bytes, the source ${e.size}.`);
  }
  // A folder that still holds something kept (a skipped file or symlink) stays with it.
  const kept = job.entries.filter((e) => e.state === "skipped").map((e) => e.src);
  for (const e of job.entries) if (e.type === "file" && e.state === "done") await src.unlink(e.src);
  const dirs = job.entries.filter((e) => e.type === "directory" && e.state === "done").reverse();
  for (const d of dirs) {
    if (kept.some((k) => isWithin(k, d.src))) continue;
    await src.rmdir(d.src);
  }
}
