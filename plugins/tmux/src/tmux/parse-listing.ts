import { FIELD } from "./tmux-commands.js";

/** One window of a session, as `list-windows` shows it. */
export interface TmuxWindow {
  index: number;
  name: string;
  active: boolean;
  panes: number;
}

/** A terminal attached to a session. */
export interface TmuxClient {
  tty: string;
  cols: number;
  rows: number;
  /** When it attached, in ms since the epoch. */
  since: number;
  /** Its TERM. */
  term: string;
}

/** One session with its windows and attached clients. */
export interface TmuxSession {
  /** tmux's id (`$3`), stable while the tmux server runs. */
  id: string;
  name: string;
  /** In ms since the epoch. */
  created: number;
  /** How many clients are attached: always `clients.length`. */
  attached: number;
  /** The last input or output, in ms since the epoch. */
  activity: number;
  windows: TmuxWindow[];
  clients: TmuxClient[];
}

const int = (s: string | undefined) => {
  const n = Number(s);
  return Number.isFinite(n) ? n : 0;
};

/** tmux prints times in seconds. */
const ms = (s: string | undefined) => int(s) * 1000;

/**
 * Reads the output of {@link listCommand}: lines of `S`, `W` and `C` records. Windows and clients are
 * joined to their session by id, not by name, so two names that differ only in escaped bytes never mix.
 * Lines that are not records (a shell's greeting) are skipped.
 */
export function parseListing(stdout: string): TmuxSession[] {
  const sessions = new Map<string, TmuxSession>();
  const rest: string[][] = [];
  for (const line of stdout.split("\n")) {
    const f = line.split(FIELD);
    if (f[0] === "S" && f.length === 7) {
      const [, id = "", name = "", created, attached, activity] = f;
      sessions.set(id, { id, name, created: ms(created), attached: int(attached), activity: ms(activity), windows: [], clients: [] });
    } else if ((f[0] === "W" && f.length === 6) || (f[0] === "C" && f.length === 7)) rest.push(f);
  }
  for (const f of rest) {
    const session = sessions.get(f[1] ?? "");
    if (!session) continue;
    if (f[0] === "W") session.windows.push({ index: int(f[2]), name: f[3] ?? "", active: f[4] === "1", panes: int(f[5]) });
    else session.clients.push({ tty: f[2] ?? "", cols: int(f[3]), rows: int(f[4]), since: ms(f[5]), term: f[6] ?? "" });
  }
  for (const s of sessions.values()) {
    s.windows.sort((a, b) => a.index - b.index);
    // The three lists are three tmux commands: a client attaching between them shows in the clients but
    // not in list-sessions' count. The count follows the clients shown, so the two never disagree.
    s.attached = s.clients.length;
  }
  return [...sessions.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** stderr of a tmux client that found no server: not an error, there are just no sessions. */
export function isNoServer(stderr: string): boolean {
  return /no server running|error connecting to|server exited unexpectedly/.test(stderr);
}
