import type { PluginStorage } from "@archnest/sdk/plugin";

/** One recording in the index, as the list shows it. */
export interface Recording {
  id: string;
  /** The terminal session it recorded. */
  sessionId: string;
  host: { id: string; name: string };
  /** Who opened the session. */
  person: { id: string; username: string };
  /** Milliseconds since the epoch. */
  startedAt: number;
  durationMs: number;
  /** Bytes of the file on disk. */
  bytes: number;
  cols: number;
  rows: number;
  /** True when typed input is in the file ("i" events). */
  input: boolean;
  /** recording: still being written; done: stopped or the session ended; failed: a write error stopped it (what was written is kept). */
  state: "recording" | "done" | "failed";
  /** Why a failed recording stopped. */
  error?: string;
}

const PREFIX = "recording:";

/** The index of recordings in the plugin's storage, one key per recording. */
export class RecordingStore {
  constructor(private readonly storage: PluginStorage) {}

  async all(): Promise<Recording[]> {
    const rows = await this.storage.list<Recording & Record<string, never>>(PREFIX);
    return rows.map((r) => r.value as Recording).sort((a, b) => b.startedAt - a.startedAt);
  }

  async get(id: string): Promise<Recording | undefined> {
    return (await this.storage.get<Recording & Record<string, never>>(PREFIX + id)) as Recording | undefined;
  }

  async put(r: Recording): Promise<void> {
    await this.storage.set(PREFIX + r.id, { ...r });
  }

  async delete(id: string): Promise<boolean> {
    return this.storage.delete(PREFIX + id);
  }
}
