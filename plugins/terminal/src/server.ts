import { definePlugin, errorResponse, isCodedError } from "@archnest/sdk/plugin";
import { Hono } from "hono";
import { describeSshError, TerminalErrors } from "./errors/index.js";
import { TERMINAL_SESSIONS_SERVICE, type TerminalSessionsService } from "./service/api.js";
import { PANES_LIMIT, TerminalSessions } from "./session/index.js";

/** What `GET /hosts` answers: the SSH hosts a terminal can open, without credentials. */
export interface TerminalHost {
  id: string;
  name: string;
  address: string;
  port: number;
  user: string;
  tags: string[];
}

/** What `GET /sessions` answers besides the sessions: the free limit and how many sessions count against it. */
export interface TerminalLimit {
  limit: string;
  /** null when a licensed module lifts the cap. */
  cap: number | null;
  module: string;
  count: number;
}

export default definePlugin({
  setup(ctx) {
    const sessions = new TerminalSessions({ ssh: ctx.ssh, limits: ctx.limits, log: ctx.log });
    ctx.ws.handle("session", (socket, request) => sessions.handle(socket, request));
    // Consumers get the service's methods only, not the socket handling behind them.
    const service: TerminalSessionsService = {
      observe: (observer) => sessions.observe(observer),
      tap: (id, tap) => sessions.tap(id, tap),
      setPersistence: (policy) => sessions.setPersistence(policy),
      list: (filter) => sessions.list(filter),
      get: (id) => sessions.get(id),
      end: (id, reason) => sessions.end(id, reason),
      registerShellSource: (source) => sessions.registerShellSource(source),
    };
    ctx.services.provide(TERMINAL_SESSIONS_SERVICE, service);

    const app = new Hono<{ Bindings: { user: { id: string }; requestId?: string } }>()
      .onError((err, c) => {
        if (!isCodedError(err)) ctx.log.error("terminal request failed", { error: String(err) });
        return errorResponse(err, c.env?.requestId ?? "", TerminalErrors.create("TERMINAL_ERR_INTERNAL"));
      })
      .get("/hosts", async (c) => {
        try {
          const hosts: TerminalHost[] = (await ctx.ssh.hosts()).map(({ id, name, address, port, user, tags }) => ({ id, name, address, port, user, tags }));
          return c.json({ hosts });
        } catch (err) {
          const { code, message } = describeSshError(err);
          return c.json({ error: code, message }, 502);
        }
      })
      // The free limit with this user's count, so the page shows the lock before it tries to connect.
      .get("/sessions", (c) =>
        c.json({ sessions: sessions.sessionsOf(c.env.user.id), limit: { ...ctx.limits.get(PANES_LIMIT), count: sessions.usage(c.env.user.id) } }),
      )
      // A pane closed by its person ends its session, a persistent one too (closing its socket only detaches it).
      .delete("/sessions/:id", (c) => {
        const id = c.req.param("id");
        if (sessions.get(id)?.user.id !== c.env.user.id) throw TerminalErrors.create("TERMINAL_ERR_SESSION_NOT_FOUND");
        sessions.end(id, "The session was closed.");
        return c.body(null, 204);
      });
    ctx.routes.mount(app);
    ctx.onDispose(() => sessions.closeAll("The terminal plugin is stopping."));
  },
});
