import { definePlugin } from "@archnest/sdk/plugin";
import { TERMINAL_SESSIONS_SERVICE, type TerminalSessionsService } from "@archnest/terminal/service";
import { Hono } from "hono";
import { PersistErrors } from "./errors/index.js";
import { DEFAULTS, type PersistSettings, persistencePolicy, readSettings } from "./policy/index.js";

/** One of the caller's sessions, as `GET /sessions` lists it. */
export interface KeptSession {
  id: string;
  hostId: string;
  hostName: string;
  command?: string;
  /** `detached` while nobody watches it. */
  state: "attached" | "detached" | "connecting";
  openedAt: number;
  /** Milliseconds since it opened. */
  ageMs: number;
  /** When its last viewer left, and how long ago; absent while watched. */
  detachedAt?: number;
  detachedMs?: number;
  /** When it ends unless someone reattaches (ms since the epoch); absent while watched. */
  endsAt?: number;
  viewers: number;
  persistent: boolean;
  recording: boolean;
  /** Bytes of output kept for a reattach. */
  scrollbackBytes: number;
}

/** What `GET /sessions` answers. */
export interface SessionsBody {
  sessions: KeptSession[];
  settings: PersistSettings;
}

export default definePlugin({
  async setup(ctx) {
    let settings = readSettings(await ctx.settings.get());
    ctx.settings.onChange((values) => {
      settings = readSettings(values);
    });
    const terminal = ctx.services.consume<TerminalSessionsService>(TERMINAL_SESSIONS_SERVICE);
    if (terminal) {
      // Disposed on unload, and so when the license lapses: sessions opened from then on are not kept.
      const policy = terminal.setPersistence(persistencePolicy(() => settings));
      ctx.onDispose(() => policy.dispose());
    } else ctx.log.warn("the terminal's session service is not running; no session is kept");

    const unavailable = () =>
      Response.json({ error: "PERSIST_ERR_TERMINAL_UNAVAILABLE", message: PersistErrors.table.PERSIST_ERR_TERMINAL_UNAVAILABLE.message }, { status: 503 });
    const notFound = () =>
      Response.json({ error: "PERSIST_ERR_SESSION_NOT_FOUND", message: PersistErrors.table.PERSIST_ERR_SESSION_NOT_FOUND.message }, { status: 404 });

    const app = new Hono<{ Bindings: { user: { id: string } } }>()
      // The caller's sessions on every host (or one, with ?hostId=), detached ones first, newest first.
      .get("/sessions", (c) => {
        if (!terminal) return unavailable();
        const now = Date.now();
        const hostId = c.req.query("hostId");
        const sessions: KeptSession[] = terminal
          .list({ userId: c.env.user.id, ...(hostId && { hostId }) })
          .filter((s) => s.state !== "closed")
          .map(
            (s): KeptSession => ({
              id: s.id,
              hostId: s.hostId,
              hostName: s.hostName,
              ...(s.command !== undefined && { command: s.command }),
              state: s.state === "connecting" ? "connecting" : s.viewers === 0 ? "detached" : "attached",
              openedAt: s.openedAt,
              ageMs: Math.max(0, now - s.openedAt),
              ...(s.detachedAt !== undefined && {
                detachedAt: s.detachedAt,
                detachedMs: Math.max(0, now - s.detachedAt),
                endsAt: s.detachedAt + settings.idleMinutes * 60_000,
              }),
              viewers: s.viewers,
              persistent: s.persistent,
              recording: s.recording,
              scrollbackBytes: s.scrollbackBytes,
            }),
          )
          .sort((a, b) => Number(b.state === "detached") - Number(a.state === "detached") || b.openedAt - a.openedAt);
        const body: SessionsBody = { sessions, settings };
        return c.json(body);
      })
      // Ends one of the caller's sessions, detached or watched (its viewers see why).
      .delete("/sessions/:id", (c) => {
        if (!terminal) return unavailable();
        const s = terminal.get(c.req.param("id"));
        // Another person's session answers as an unknown one: ids are not confirmed to strangers.
        if (!s || s.user.id !== c.env.user.id || !terminal.end(s.id, "The session was ended from the session list.")) return notFound();
        return c.json({ ended: s.id });
      });
    ctx.routes.mount(app);
  },
});

export { DEFAULTS };
