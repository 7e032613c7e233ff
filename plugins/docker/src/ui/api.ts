/** The Docker plugin's API as the UI calls it, and small formatting helpers. */
import { pluginApi } from "@archnest/sdk/web";
import type { SourceOverview, SourceView } from "../api/index.js";
import type { ContainerView } from "../engine/index.js";

export type { ContainerView, SourceOverview, SourceView };

export const api = pluginApi("docker");

/** The free core's reason, written out wherever the Docker source cap shows. */
export const CAP_REASON = "Free core: 1 Docker source.";

export interface SourcesAnswer {
  sources: SourceView[];
  limit: { limit: string; cap: number | null; module: string };
  suggested: { kind: "unix"; socketPath: string } | null;
}

export interface Usage {
  id: string;
  cpuPercent?: number | null;
  memoryBytes?: number | null;
  memoryLimit?: number | null;
  startedAt?: number | null;
  error?: { error: string; message: string };
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 && i > 0 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export function formatPercent(n: number | null | undefined): string {
  return n === null || n === undefined ? "–" : `${n < 10 ? n.toFixed(1) : Math.round(n)}%`;
}

export function formatUptime(startedAt: number | null | undefined, now = Date.now()): string | undefined {
  if (!startedAt) return undefined;
  const s = Math.max(0, Math.floor((now - startedAt) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
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
