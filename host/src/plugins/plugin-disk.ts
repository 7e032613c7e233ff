import { mkdir, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { PluginRecord } from "./plugin-repo.js";

/**
 * The plugins folder: `<id>/<version>/` per kept version and `.staging/` for installs in progress. The
 * database is the commit point; this folder follows it.
 */
export class PluginDisk {
  readonly stagingDir: string;

  constructor(readonly pluginsDir: string) {
    this.stagingDir = join(pluginsDir, ".staging");
  }

  versionDir(id: string, version: string): string {
    return join(this.pluginsDir, id, version);
  }

  /** Whatever the disk holds beyond what the records reference is removed (an install cut short). */
  async recover(records: ReadonlyMap<string, Pick<PluginRecord, "version" | "previousVersions">>): Promise<void> {
    await rm(this.stagingDir, { recursive: true, force: true });
    await mkdir(this.stagingDir, { recursive: true });
    for (const id of await readdir(this.pluginsDir)) {
      if (id === ".staging") continue;
      const rec = records.get(id);
      if (!rec) {
        await rm(join(this.pluginsDir, id), { recursive: true, force: true });
        continue;
      }
      for (const version of await readdir(join(this.pluginsDir, id))) {
        if (version !== rec.version && !rec.previousVersions.includes(version)) await rm(join(this.pluginsDir, id, version), { recursive: true, force: true });
      }
    }
  }

  /** Moves a verified staging folder into place as `<id>/<version>/`. */
  async place(stage: string, id: string, version: string): Promise<void> {
    const target = this.versionDir(id, version);
    await mkdir(join(this.pluginsDir, id), { recursive: true });
    await rm(target, { recursive: true, force: true });
    await rename(stage, target);
  }

  /** Removes the versions of a plugin its record no longer keeps. */
  async prune(rec: Pick<PluginRecord, "id" | "version" | "previousVersions">): Promise<void> {
    for (const v of await readdir(join(this.pluginsDir, rec.id)).catch(() => [] as string[])) {
      if (v !== rec.version && !rec.previousVersions.includes(v)) await rm(join(this.pluginsDir, rec.id, v), { recursive: true, force: true });
    }
  }

  /** Removes every version of a plugin. */
  async remove(id: string): Promise<void> {
    await rm(join(this.pluginsDir, id), { recursive: true, force: true });
  }
}
