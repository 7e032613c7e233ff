import type { Json } from "@archnest/sdk/plugin";
import type { PersistencePolicy } from "@archnest/terminal/service";

/** The admin's settings as the policy applies them (the manifest declares the same defaults and ranges). */
export interface PersistSettings {
  idleMinutes: number;
  scrollbackKiB: number;
}

export const DEFAULTS: PersistSettings = { idleMinutes: 30, scrollbackKiB: 1024 };
const RANGES: Record<keyof PersistSettings, [number, number]> = { idleMinutes: [1, 10080], scrollbackKiB: [64, 16384] };

/**
 * Reads the settings the host hands over. The host validates them against the manifest when they are
 * saved; this clamps again, so a value stored before a range changed can never keep a session for a year
 * or a gigabyte of output.
 */
export function readSettings(values: Record<string, Json>): PersistSettings {
  const read = (key: keyof PersistSettings) => {
    const v = values[key];
    const [min, max] = RANGES[key];
    return typeof v === "number" && Number.isFinite(v) ? Math.min(max, Math.max(min, Math.round(v))) : DEFAULTS[key];
  };
  return { idleMinutes: read("idleMinutes"), scrollbackKiB: read("scrollbackKiB") };
}

/** Every session is kept, with the settings current when it opens. */
export function persistencePolicy(settings: () => PersistSettings): PersistencePolicy {
  return {
    keep: () => {
      const s = settings();
      return { idleMs: s.idleMinutes * 60_000, scrollbackBytes: s.scrollbackKiB * 1024 };
    },
  };
}
