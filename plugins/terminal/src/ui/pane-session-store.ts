/**
 * The persistent session a pane shows, remembered in the browser per signed-in person and pane key, so a
 * reload (or the same layout restored) reattaches each pane to its own session.
 */

/** What a pane keeps about its session. */
export interface PaneSession {
  sessionId: string;
  hostId: string;
  /** The command the session runs instead of the login shell, if any. */
  command?: string;
}

/** One pane's entry. */
export interface PaneSessionStore {
  load(): PaneSession | undefined;
  save(session: PaneSession): void;
  forget(): void;
}

const PREFIX = "archnest.terminal.pane";

function parse(raw: string | null): PaneSession | undefined {
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as Partial<PaneSession>;
    if (typeof v.sessionId !== "string" || typeof v.hostId !== "string") return undefined;
    return { sessionId: v.sessionId, hostId: v.hostId, ...(typeof v.command === "string" && { command: v.command }) };
  } catch {
    return undefined;
  }
}

/**
 * The entry of `paneKey` for `userId`. Storage failures (private mode, quota) leave the pane without
 * memory rather than without a terminal.
 */
export function paneSessionStore(userId: string, paneKey: string, storage: Storage = window.localStorage): PaneSessionStore {
  const key = `${PREFIX}:${userId}:${paneKey}`;
  return {
    load: () => {
      try {
        return parse(storage.getItem(key));
      } catch {
        return undefined;
      }
    },
    save(session) {
      try {
        storage.setItem(key, JSON.stringify(session));
      } catch {
        // Not remembered: a reload opens a new session instead of reattaching.
      }
    },
    forget() {
      try {
        storage.removeItem(key);
      } catch {
        // Nothing kept to forget.
      }
    },
  };
}
