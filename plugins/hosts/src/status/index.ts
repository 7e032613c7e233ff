/**
 * Host status shared by every view of this plugin: the web entry is loaded once, so Infrastructure, Glance
 * and Integrations read one cache and one scheduler, and a host is checked at most once per interval overall.
 */
import { createRoot, createSignal } from "solid-js";
import { hostsApi } from "../api/index.js";
import { createProbeScheduler, type HostStatus } from "./probe-scheduler.js";

export { createProbeScheduler, type HostStatus, PROBE_INTERVAL_MS, type ProbeScheduler, type StatusAnswer } from "./probe-scheduler.js";

const [statuses, setStatuses] = createRoot(() => createSignal<ReadonlyMap<string, HostStatus>>(new Map()));

export const hostStatus = createProbeScheduler({
  fetchStatuses: (ids) => hostsApi.statuses(ids),
  onChange: (id, status) => setStatuses((prev) => new Map(prev).set(id, status)),
});

/** The last known status of a host; undefined before any check. */
export function statusOf(hostId: string): HostStatus | undefined {
  return statuses().get(hostId);
}
