/**
 * A transfer job as it is stored and shown: what goes where, its plan (every file and folder, with how far
 * each got), and its progress. Pure: no IO here.
 */
import { posix } from "node:path";

export type JobKind = "copy" | "move";
export type ConflictAction = "skip" | "overwrite" | "rename";
/** What happens when a destination file exists: asked (the job waits in `conflict`) or decided upfront. */
export type ConflictPolicy = "ask" | ConflictAction;
/**
 * `queued` waits for a free slot; `scanning` lists the source; `conflict` waits for the person to settle
 * existing destinations; `running` copies; `interrupted` stopped early (a dropped connection, a restart of
 * ArchNest, a lapsed license) and can be resumed, as can `cancelled` and `failed`.
 */
export type JobState = "queued" | "scanning" | "conflict" | "running" | "interrupted" | "cancelled" | "done" | "failed";

/** One file or folder of the plan. */
export interface PlanEntry {
  src: string;
  /** Where it goes; a renamed conflict changes it. */
  dst: string;
  type: "file" | "directory";
  size: number;
  mtime: number;
  atime: number;
  mode: number;
  state: "pending" | "done" | "skipped";
  /** Set when the destination existed when the job was planned: undecided (`ask`) or the choice made. */
  conflict?: ConflictPolicy;
  /** Size of what is at the destination, for the conflict dialog. */
  targetSize?: number;
  /** This job created or truncated the destination file, so what is there is its own partial copy. */
  started?: boolean;
  /** Every byte before this offset is known to be at the destination. */
  committed?: number;
}

export interface JobEnd {
  code: string;
  message: string;
}

export interface TransferJob {
  id: string;
  kind: JobKind;
  createdAt: number;
  createdBy: string;
  source: { hostId: string; hostName: string; paths: string[] };
  target: { hostId: string; hostName: string; folder: string };
  policy: ConflictPolicy;
  state: JobState;
  /** Why the job stopped, for `interrupted`, `failed` (and `cancelled`). */
  error: JobEnd | null;
  startedAt: number | null;
  finishedAt: number | null;
  /** True once the source was listed into `entries`. */
  planned: boolean;
  totalFiles: number;
  totalBytes: number;
  doneFiles: number;
  /** Bytes at the destination: finished files plus the landed part of the current one. */
  doneBytes: number;
  /** Bytes sent host to host by this job, over every run. */
  sentBytes: number;
  /** Bytes sent by the latest run only (after a resume, what the resume had left to do). */
  runBytes: number;
  /** Bytes per second, smoothed; 0 when not running. */
  rate: number;
  /** Time left at the current rate, or null when unknown. */
  etaMs: number | null;
  /** The source path being copied now. */
  current: string | null;
  /** Files skipped: conflicts settled by skip, symlinks and special files. */
  skipped: number;
  /** Automatic resumes after dropped connections since the last file finished. */
  retries: number;
  /** When the next automatic resume starts (ms since the epoch), or null. */
  retryAt: number | null;
  /** After a cancel: whether the partial file was kept for a resume or removed, and which. */
  partial: { kept: boolean; path: string } | null;
  entries: PlanEntry[];
}

/** A job as the API answers it: the plan is summed up, conflicts listed (the first 50). */
export interface TransferJobView extends Omit<TransferJob, "entries"> {
  conflicts: { source: string; target: string; size: number; targetSize: number }[];
  conflictCount: number;
}

export const MAX_CONFLICTS_SHOWN = 50;

export function viewOf(job: TransferJob): TransferJobView {
  const { entries, ...rest } = job;
  const asked = entries.filter((e) => e.conflict === "ask" && e.state === "pending");
  return {
    ...rest,
    conflicts: asked.slice(0, MAX_CONFLICTS_SHOWN).map((e) => ({ source: e.src, target: e.dst, size: e.size, targetSize: e.targetSize ?? 0 })),
    conflictCount: asked.length,
  };
}

/**
 * The n-th free name beside an existing one, as file managers number copies: `report (1).pdf`,
 * `archive (2).tar.gz`, `notes (1)`. A leading dot is part of the name (`.bashrc (1)`).
 */
export function numberedName(path: string, n: number): string {
  const dir = posix.dirname(path);
  const base = posix.basename(path);
  const m = /^(.+?)((?:\.tar)?\.[^./]+)?$/.exec(base.startsWith(".") ? base.slice(1) : base);
  const stem = `${base.startsWith(".") ? "." : ""}${m?.[1] ?? base}`;
  const ext = m?.[2] ?? "";
  return posix.join(dir, `${stem} (${n})${ext}`);
}

/** True when `path` is `folder` or lies inside it (both absolute, normalized). */
export function isWithin(path: string, folder: string): boolean {
  const f = folder.endsWith("/") ? folder : `${folder}/`;
  return path === folder || path.startsWith(f);
}

/** Smooths the rate over about the last few seconds, so the time left does not jump with every block. */
export function nextRate(previous: number, bytes: number, ms: number): number {
  if (ms <= 0) return previous;
  const sample = (bytes * 1000) / ms;
  return previous === 0 ? sample : previous * 0.7 + sample * 0.3;
}
