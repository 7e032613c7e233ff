import { createEffect, createResource, onCleanup } from "solid-js";
import { hostsApi } from "../api/index.js";
import { hostStatus, PROBE_INTERVAL_MS } from "../status/index.js";

/**
 * The host list for the status views, with each host's status kept fresh: the probes start after the list
 * arrives (never before the page renders) and repeat once a minute while the view is open.
 */
export function createWatchedHosts() {
  const [data, { refetch }] = createResource(() => hostsApi.list());
  createEffect(() => {
    const d = data();
    if (d) hostStatus.refresh(d.hosts.map((h) => h.id));
  });
  const timer = setInterval(() => void refetch(), PROBE_INTERVAL_MS);
  onCleanup(() => clearInterval(timer));
  return data;
}
