import { existsSync, readFileSync, watch } from "node:fs";
import { join } from "node:path";

/**
 * What the install is licensed for. The runtime asks through this interface only; the license client
 * implements it against the registry, and {@link FileEntitlements} serves development and tests.
 */
export interface Entitlements {
  licensed(module: string): boolean;
  modules(): readonly string[];
  /** Called whenever the licensed set may have changed. */
  onChange(listener: () => void): () => void;
}

/** Static entitlements for tests and tools. */
export class StaticEntitlements implements Entitlements {
  private readonly listeners = new Set<() => void>();

  constructor(private current: readonly string[] = []) {}

  /** Replaces the licensed modules and tells the listeners. */
  set(modules: readonly string[]): void {
    this.current = modules;
    for (const l of this.listeners) l();
  }

  licensed(module: string): boolean {
    return module === "free" || this.current.includes(module);
  }

  modules(): readonly string[] {
    return this.current;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Module slugs licensed by a JSON file (`{"modules": ["theme-light"]}`), re-read when it changes. */
export class FileEntitlements extends StaticEntitlements {
  constructor(private readonly path: string) {
    super();
    this.reload();
  }

  static inDataDir(dataDir: string): FileEntitlements {
    return new FileEntitlements(join(dataDir, "entitlements.json"));
  }

  /** Reads the file again; listeners hear only when the licensed set changed. */
  reload(): void {
    let modules: readonly string[] = [];
    if (existsSync(this.path)) {
      try {
        const parsed = JSON.parse(readFileSync(this.path, "utf8")) as { modules?: unknown };
        if (Array.isArray(parsed.modules)) modules = parsed.modules.filter((m): m is string => typeof m === "string");
      } catch {
        modules = [];
      }
    }
    if (JSON.stringify(modules) !== JSON.stringify(this.modules())) this.set(modules);
  }

  /** Watches the file so edits apply without a restart (development). */
  watch(): () => void {
    const w = watch(join(this.path, ".."), (_e, name) => {
      if (name === "entitlements.json") this.reload();
    });
    return () => w.close();
  }
}
