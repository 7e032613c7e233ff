/**
 * The live UI manifest: what the active plugins contribute. It is fetched once, then refetched whenever
 * the host's event stream says it changed, so installing, updating or removing a plugin updates open
 * pages without a reload. Entries keep their identity across refetches (keyed by plugin version and
 * contribution), so a widget that did not change is not remounted when another plugin installs.
 */
import { parseSlotName } from "@archnest/sdk/web";
import { type Component, createMemo, createRoot, createSignal, lazy } from "solid-js";
import { createStore, reconcile } from "solid-js/store";
import { api, type InstallEvent, type ManifestEvent, type PageContribution, type SlotContribution, type UiManifest, type UiPlugin } from "../api/index.js";
import { loadWebEntry } from "./load-web-entry.js";

export interface PluginRef {
  id: string;
  name: string;
  version: string;
  module: string;
}

export interface SlotEntry {
  /** `<pluginId>:<contributionId>`: stable across versions, used for saved layouts. */
  key: string;
  plugin: PluginRef;
  contribution: SlotContribution;
  /** The contributed component, loaded on first render. */
  Component: Component<Record<string, unknown>>;
  /** Loads the raw export (themes export data, not components). */
  load: () => Promise<unknown>;
}

export interface PageEntry {
  key: string;
  plugin: PluginRef;
  page: PageContribution;
  Component: Component<Record<string, unknown>>;
}

const [manifest, setManifest] = createSignal<UiManifest>({ version: -1, plugins: [] });
const [loaded, setLoaded] = createSignal(false);
const [installs, setInstalls] = createStore<Record<string, InstallEvent>>({});

function exportOf(plugin: UiPlugin, name: string): () => Promise<unknown> {
  return async () => {
    if (!plugin.web) throw new Error(`${plugin.name} has no web entry`);
    const mod = await loadWebEntry(plugin.web);
    if (!(name in mod)) throw new Error(`${plugin.name} ${plugin.version} has no export "${name}"`);
    return mod[name];
  };
}

function componentOf(plugin: UiPlugin, name: string): Component<Record<string, unknown>> {
  const load = exportOf(plugin, name);
  return lazy(async () => {
    const value = await load();
    if (typeof value !== "function") throw new Error(`${plugin.name}: export "${name}" is not a component`);
    return { default: value as Component<Record<string, unknown>> };
  });
}

const slotCache = new Map<string, SlotEntry>();
const pageCache = new Map<string, PageEntry>();

const ref = (p: UiPlugin): PluginRef => ({ id: p.id, name: p.displayName ?? p.name, version: p.version, module: p.module });

const index = createRoot(() =>
  createMemo(() => {
    const slots = new Map<string, SlotEntry[]>();
    const pages: PageEntry[] = [];
    const seen = new Set<string>();
    for (const plugin of manifest().plugins) {
      for (const c of plugin.slots) {
        const cacheKey = `${plugin.id}@${plugin.version}:${plugin.web}:${c.slot}:${c.id}:${c.component}:${c.title ?? ""}`;
        seen.add(cacheKey);
        let entry = slotCache.get(cacheKey);
        if (!entry) {
          entry = {
            key: `${plugin.id}:${c.id}`,
            plugin: ref(plugin),
            contribution: c,
            Component: componentOf(plugin, c.component),
            load: exportOf(plugin, c.component),
          };
          slotCache.set(cacheKey, entry);
        }
        const list = slots.get(c.slot) ?? [];
        list.push(entry);
        slots.set(c.slot, list);
      }
      for (const p of plugin.pages) {
        const cacheKey = `${plugin.id}@${plugin.version}:${plugin.web}:page:${p.path}:${p.component}:${p.title}`;
        seen.add(cacheKey);
        let entry = pageCache.get(cacheKey);
        if (!entry) {
          entry = { key: `${plugin.id}:${p.path}`, plugin: ref(plugin), page: p, Component: componentOf(plugin, p.component) };
          pageCache.set(cacheKey, entry);
        }
        pages.push(entry);
      }
    }
    for (const k of [...slotCache.keys()]) if (!seen.has(k)) slotCache.delete(k);
    for (const k of [...pageCache.keys()]) if (!seen.has(k)) pageCache.delete(k);
    return { slots, pages };
  }),
);

/** The contributions to one slot, in manifest order (reactive). */
export function useSlot(name: string | readonly string[]): () => SlotEntry[] {
  const names = typeof name === "string" ? [name] : name;
  return () => names.flatMap((n) => index().slots.get(n) ?? []);
}

/** The contributions to every version of a slot but `name`'s own (reactive): written for another major. */
export function useOtherVersions(name: string): () => SlotEntry[] {
  const own = parseSlotName(name);
  return () => {
    if (!own) return [];
    const out: SlotEntry[] = [];
    for (const [other, entries] of index().slots) {
      const parsed = parseSlotName(other);
      if (parsed && parsed.id === own.id && parsed.major !== own.major) out.push(...entries);
    }
    return out;
  };
}

/** The pages plugins contribute (reactive). */
export function usePluginPages(): () => PageEntry[] {
  return () => index().pages;
}

/** The active plugins of the UI manifest (reactive). */
export function useUiPlugins(): () => UiPlugin[] {
  return () => manifest().plugins;
}

/** True once the first manifest has arrived. */
export const manifestLoaded = loaded;

/** Install progress from the host's event stream, by plugin id (reactive store). */
export const installProgress = installs;

let refetching: Promise<void> | undefined;

/** Fetches the manifest now (coalescing concurrent calls). */
export function refreshManifest(): Promise<void> {
  refetching ??= api
    .manifest()
    .then((m) => {
      setManifest(m);
      setLoaded(true);
    })
    .finally(() => {
      refetching = undefined;
    });
  return refetching;
}

let source: EventSource | undefined;
const licenseListeners = new Set<() => void>();

/** Called when the host says the license changed. */
export function onLicenseChange(listener: () => void): () => void {
  licenseListeners.add(listener);
  return () => licenseListeners.delete(listener);
}

/** The manifest's version (reactive): changes whenever a plugin is installed, updated or removed. */
export const manifestVersion = (): number => manifest().version;

/** Loads the manifest and follows `/api/ui/events` until {@link stopManifest}. */
export function startManifest(): void {
  void refreshManifest().catch(() => setLoaded(true));
  if (source) return;
  source = new EventSource("/api/ui/events");
  // A reconnect may have missed events: catch up on every (re)open.
  source.addEventListener("open", () => {
    if (loaded()) void refreshManifest().catch(() => undefined);
  });
  source.addEventListener("manifest", (e) => {
    const data = parse<ManifestEvent>((e as MessageEvent<string>).data);
    if (data && data.version === manifest().version) return;
    void refreshManifest().catch(() => undefined);
  });
  source.addEventListener("license", () => {
    for (const l of licenseListeners) l();
  });
  source.addEventListener("install", (e) => {
    const data = parse<InstallEvent>((e as MessageEvent<string>).data);
    if (data && typeof data.id === "string") setInstalls(data.id, reconcile(data));
  });
}

/** Closes the event stream and forgets the manifest (on sign-out). */
export function stopManifest(): void {
  source?.close();
  source = undefined;
  setManifest({ version: -1, plugins: [] });
  setLoaded(false);
}

/** Forgets a finished install's progress. */
export function clearInstall(id: string): void {
  setInstalls(id, undefined as unknown as InstallEvent);
}

function parse<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
