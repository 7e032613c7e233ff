/** The Docker plugin's API as the UI calls it, and small formatting helpers. */
import { formatDuration, pluginApi } from "@archnest/sdk/web";
import type { SourceOverview, SourceView, SshSourcesState, TransportSourcesState } from "../api/index.js";
import type { ContainerView } from "../engine/index.js";
import { isTransportKind, moduleOfKind, TRANSPORT_KINDS } from "../sources/kinds.js";

export type { ContainerView, SourceOverview, SourceView, SshSourcesState, TransportSourcesState };

export const api = pluginApi("docker");

/** The free core's reason, written out wherever the Docker source cap shows. */
export const CAP_REASON = "Free core: 1 Docker source.";

export interface SourcesAnswer {
  sources: SourceView[];
  limit: { limit: string; cap: number | null; module: string };
  suggested: { kind: "unix"; socketPath: string } | null;
  ssh: TransportSourcesState;
  agent: TransportSourcesState;
}

/** The module that unlocks a read-only source: its kind's (SSH, agent), or the one lifting the free cap. */
export function lockedModule(source: SourceView, capModule: string): string {
  return (source.lockedBy === "module" && moduleOfKind(source.kind)) || capModule;
}

/** The reason written beside a read-only source's lock. */
export function lockedReason(source: SourceView): string {
  if (source.lockedBy !== "module" || !isTransportKind(source.kind)) return `${CAP_REASON} This source stays visible, read-only, until you unlock more.`;
  const kind = TRANSPORT_KINDS[source.kind];
  return `${kind.reason} This ${kind.source} stays visible, read-only, until it is unlocked again.`;
}

export interface Usage {
  id: string;
  cpuPercent?: number | null;
  memoryBytes?: number | null;
  memoryLimit?: number | null;
  startedAt?: number | null;
  error?: { error: string; message: string };
}

export function formatPercent(n: number | null | undefined): string {
  return n === null || n === undefined ? "–" : `${n < 10 ? n.toFixed(1) : Math.round(n)}%`;
}

/** How long a container has been up ("3 h 12 min"), or `undefined` when it has not started. */
export function formatUptime(startedAt: number | null | undefined, now = Date.now()): string | undefined {
  return startedAt ? formatDuration(now - startedAt) : undefined;
}

export function portsText(c: ContainerView): string {
  return c.ports
    .map((p) => (p.publicPort ? `${p.ip && p.ip !== "0.0.0.0" ? `${p.ip}:` : ""}${p.publicPort}→${p.privatePort}/${p.type}` : `${p.privatePort}/${p.type}`))
    .join(", ");
}

export function stateTone(state: string): "success" | "warning" | "danger" | "muted" {
  if (state === "running") return "success";
  if (state === "paused" || state === "restarting") return "warning";
  if (state === "dead") return "danger";
  return "muted";
}
