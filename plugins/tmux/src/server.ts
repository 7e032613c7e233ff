import { definePlugin, errorResponse, isCodedError, type PluginRequestEnv } from "@archnest/sdk/plugin";
import { Hono } from "hono";
import { TmuxError, TmuxErrors } from "./errors/index.js";
import { TmuxOnHost } from "./tmux/index.js";

export type { TmuxClient, TmuxListing, TmuxSession, TmuxWindow } from "./tmux/index.js";

/** Reads a JSON object body, or fails with the plugin's code instead of a parse error. */
async function body(req: Request): Promise<Record<string, unknown>> {
  const value: unknown = await req.json().catch(() => undefined);
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new TmuxError("TMUX_ERR_BAD_REQUEST", "Send a JSON object.");
  return value as Record<string, unknown>;
}

export default definePlugin({
  setup(ctx) {
    const tmux = new TmuxOnHost(ctx.ssh);
    const host = (url: string) => new URL(url).searchParams.get("host") ?? "";

    const app = new Hono<{ Bindings: PluginRequestEnv }>()
      .onError((err, c) => {
        const requestId = c.env?.requestId ?? "";
        if (!isCodedError(err)) ctx.log.error("tmux request failed", { error: String(err), requestId });
        return errorResponse(err, requestId, TmuxErrors.create("TMUX_ERR_INTERNAL"));
      })
      .get("/sessions", async (c) => c.json(await tmux.list(host(c.req.url))))
      .post("/sessions", async (c) => {
        const { name } = await body(c.req.raw);
        if (typeof name !== "string") throw new TmuxError("TMUX_ERR_BAD_NAME");
        return c.json(await tmux.create(host(c.req.url), name), 201);
      })
      .post("/sessions/:target/detach", async (c) => {
        const { tty } = await body(c.req.raw);
        if (tty !== undefined && typeof tty !== "string") throw new TmuxError("TMUX_ERR_BAD_CLIENT");
        return c.json(await tmux.detach(host(c.req.url), c.req.param("target"), tty));
      })
      .delete("/sessions/:target", async (c) => c.json(await tmux.kill(host(c.req.url), c.req.param("target"))));
    ctx.routes.mount(app);
  },
});
