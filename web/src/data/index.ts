/**
 * Shared server data the top bar, the lock and several settings tabs read: the license, the store's
 * catalog and the installed plugins. Each is fetched on first use and refetched after anything that
 * changes it (a purchase, an install, a manifest change).
 */
import { createResource, createRoot, createSignal, type Resource } from "solid-js";
import { api, type Catalog, type InstalledPlugin, type LicenseStatus } from "../api/index.js";
import { newerVersion, withinPolicy } from "./versions.js";

const [active, setActive] = createSignal(false);

function sharedResource<T>(fetcher: () => Promise<T>): { read: Resource<T | undefined>; refetch: () => void } {
  return createRoot(() => {
    const [read, { refetch }] = createResource(active, async () => {
      try {
        return await fetcher();
      } catch {
        return undefined;
      }
    });
    return { read, refetch: () => void (active() && refetch()) };
  });
}

/** Starts fetching once signed in; stops on sign-out. */
export function setDataActive(on: boolean): void {
  setActive(on);
}

export const license = sharedResource<LicenseStatus>(() => api.license());
export const catalog = sharedResource<Catalog>(() => api.catalog());
export const installed = sharedResource<InstalledPlugin[]>(() => api.plugins());

/** Refetches everything a purchase or an install can change. */
export function refreshAll(): void {
  license.refetch();
  catalog.refetch();
  installed.refetch();
}

/**
 * The display name and price of a module or bundle slug, and whether it is on sale, from the catalog when
 * it has arrived (until then it is taken to be on sale, so a lock does not flicker).
 */
export function moduleInfo(slug: string): { name: string; price: string | undefined; available: boolean } {
  const c = catalog.read.latest;
  const m = c?.modules.find((x) => x.slug === slug) ?? c?.bundles.find((x) => x.slug === slug);
  return { name: m?.name ?? humanize(slug), price: m?.price, available: m?.available ?? true };
}

export function humanize(slug: string): string {
  return slug
    .split("-")
    .map((w) => (w ? w[0]?.toUpperCase() + w.slice(1) : w))
    .join(" ");
}

/**
 * Installed plugins with a newer version available, from the catalog, within each plugin's update policy:
 * a pinned plugin is never offered one, nor a release built for another SDK. The host has the last word,
 * and its answer says when nothing changed.
 */
export function availableUpdates(): { plugin: InstalledPlugin; version: string }[] {
  const list = installed.read.latest ?? [];
  const c = catalog.read.latest;
  const out: { plugin: InstalledPlugin; version: string }[] = [];
  for (const p of list) {
    const latest = c?.plugins.find((x) => x.name === p.name || x.name === p.id)?.latestForHost;
    if (latest && newerVersion(latest, p.version) && withinPolicy(p.policy, p.version, latest)) out.push({ plugin: p, version: latest });
  }
  return out;
}
