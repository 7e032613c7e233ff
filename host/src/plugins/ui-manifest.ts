import type { PluginManifest } from "@archnest/sdk";
import type { PluginInstance } from "./plugin-context.js";

/** What `GET /api/ui/manifest` answers. */
export interface UiManifest {
  version: number;
  plugins: {
    id: string;
    name: string;
    displayName: string;
    version: string;
    module: string;
    web: string;
    slots: PluginManifest["contributes"]["slots"];
    pages: PluginManifest["contributes"]["pages"];
    settings: PluginManifest["contributes"]["settings"];
  }[];
}

/**
 * The web app's view of the running plugins and its version: every change to what runs bumps the version
 * and tells the listeners (the UI event stream), so open pages reload their slots.
 */
export class UiManifestState {
  private version = 1;
  private readonly listeners = new Set<(version: number) => void>();

  onChange(listener: (version: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  touch(): void {
    this.version += 1;
    for (const l of this.listeners) l(this.version);
  }

  /** The active plugins' web entries, slot contributions, pages and settings schemas, by id. */
  build(instances: Iterable<PluginInstance>): UiManifest {
    const plugins: UiManifest["plugins"] = [];
    for (const inst of [...instances].sort((a, b) => a.record.id.localeCompare(b.record.id))) {
      const m = inst.manifest;
      if (!m.web) continue;
      plugins.push({
        id: inst.record.id,
        name: inst.record.packageName,
        displayName: m.displayName,
        version: inst.record.version,
        module: inst.record.module,
        web: `/api/ui/assets/${inst.record.id}/${inst.record.version}/${m.web}`,
        slots: m.contributes.slots,
        pages: m.contributes.pages,
        settings: m.contributes.settings,
      });
    }
    return { version: this.version, plugins };
  }
}
