import { pluginApi } from "@archnest/sdk/web";
import type { BrowseEntry, ConflictAction, ConflictPolicy, JobState, TransferJobView, TransferStatus } from "../server.js";

export type { BrowseEntry, ConflictAction, ConflictPolicy, JobState, TransferJobView, TransferStatus };

export const PLUGIN_ID = "host-transfer";
export const api = pluginApi(PLUGIN_ID);

export interface HostChoice {
  id: string;
  name: string;
  address: string;
  user: string;
}

export const listHosts = async () => (await api<{ hosts: HostChoice[] }>("/hosts")).hosts;

export const browse = (host: string, path: string) =>
  api<{ path: string; entries: BrowseEntry[] }>(`/browse?host=${encodeURIComponent(host)}&path=${encodeURIComponent(path)}`);

export const listJobs = async () => (await api<{ jobs: TransferJobView[] }>("/jobs")).jobs;

export const jobAction = (id: string, action: "resolve" | "cancel" | "resume", json: Record<string, unknown> = {}) =>
  api<{ job: TransferJobView }>(`/jobs/${encodeURIComponent(id)}/${action}`, { method: "POST", json });

/** States in which a job still moves on its own (the list refreshes faster then). */
export const ACTIVE: ReadonlySet<JobState> = new Set(["queued", "scanning", "running"]);
