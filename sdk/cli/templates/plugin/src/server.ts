import { definePlugin } from "@archnest/sdk/plugin";

/** What `GET /api/plugins/my-plugin/hello` answers. */
export interface Hello {
  message: string;
  visits: number;
}

export default definePlugin({
  setup(ctx) {
    ctx.routes.mount({
      async fetch(req) {
        const url = new URL(req.url);
        if (req.method !== "GET" || url.pathname !== "/hello")
          return Response.json({ error: "MY_PLUGIN_ERR_NOT_FOUND", message: "No such route." }, { status: 404 });
        const settings = await ctx.settings.get();
        const visits = Number((await ctx.storage.get("visits")) ?? 0) + 1;
        await ctx.storage.set("visits", visits);
        const body: Hello = { message: `${String(settings.greeting ?? "Hello")} from my-plugin`, visits };
        return Response.json(body);
      },
    });
  },
});
