import { definePlugin } from "@archnest/sdk/plugin";
import { Hono } from "hono";
import { parseTunnelInput } from "./definition/index.js";
import { TunnelsError } from "./errors/index.js";
import { TunnelManager } from "./manager/index.js";
import { TUNNELS_SERVICE, type TunnelsService } from "./service/api.js";

export type { TunnelDefinition, TunnelKind } from "./definition/index.js";
export type { TunnelState, TunnelView } from "./manager/index.js";
export type { TunnelRetry, TunnelSupervisor, TunnelsService } from "./service/api.js";

const AUTOSTART = "tunnel-autostart";

export default definePlugin({
  async setup(ctx) {
    const manager = new TunnelManager({
      ssh: ctx.ssh,
      storage: ctx.storage,
      log: ctx.log,
      onChange: () => ctx.events.emit("changed", {}),
    });
    ctx.onDispose(() => manager.dispose());
    const service: TunnelsService = {
      list: () => manager.list(),
      start: (id) => manager.start(id),
      registerSupervisor: (supervisor) => manager.registerSupervisor(supervisor),
      setRetry: (id, retry) => manager.setRetry(id, retry),
    };
    ctx.services.provide(TUNNELS_SERVICE, service);

    const answer = (err: unknown) => {
      if (err instanceof TunnelsError) return Response.json(err.toJSON(), { status: err.status });
      throw err;
    };
    const body = async (req: Request) => req.json().catch(() => undefined) as Promise<unknown>;

    const app = new Hono()
      .get("/tunnels", async (c) => {
        const hosts = (await ctx.ssh.hosts().catch(() => [])).map((h) => ({ id: h.id, name: h.name, address: h.address }));
        return c.json({ tunnels: await manager.list(), hosts, autostart: { available: manager.supervised(), module: AUTOSTART } });
      })
      .post("/tunnels", async (c) => {
        try {
          return c.json(await manager.create(parseTunnelInput(await body(c.req.raw))), 201);
        } catch (err) {
          return answer(err);
        }
      })
      .get("/tunnels/:id", async (c) => manager.get(c.req.param("id")).then((v) => c.json(v), answer))
      .put("/tunnels/:id", async (c) => {
        try {
          return c.json(await manager.update(c.req.param("id"), parseTunnelInput(await body(c.req.raw))));
        } catch (err) {
          return answer(err);
        }
      })
      .delete("/tunnels/:id", async (c) => manager.remove(c.req.param("id")).then(() => c.json({ ok: true }), answer))
      .post("/tunnels/:id/start", async (c) => manager.start(c.req.param("id")).then((v) => c.json(v), answer))
      .post("/tunnels/:id/stop", async (c) =>
        manager.stop(c.req.param("id")).then((v) => (v ? c.json(v) : answer(new TunnelsError("TUNNELS_ERR_NOT_FOUND", "No such tunnel."))), answer),
      )
      .put("/tunnels/:id/autostart", async (c) => {
        const b = (await body(c.req.raw)) as { enabled?: unknown } | undefined;
        if (typeof b?.enabled !== "boolean") return c.json({ error: "TUNNELS_ERR_VALIDATION", message: "enabled: true or false." }, 400);
        // Turning it off is always allowed, so a lapsed license never traps a tunnel in auto-start.
        if (b.enabled && !manager.supervised()) {
          // The host's own 402, with the catalog's price and the store link; licensed but not running, a 409.
          const locked = ctx.license.require(AUTOSTART);
          if (locked) return locked;
          return answer(new TunnelsError("TUNNELS_ERR_AUTOSTART_UNAVAILABLE", "Install and enable the Tunnel Auto-Start plugin to start tunnels on boot."));
        }
        return manager.setAutoStart(c.req.param("id"), b.enabled).then((v) => c.json(v), answer);
      });
    ctx.routes.mount(app);
  },
});
