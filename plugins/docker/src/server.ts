import { definePlugin } from "@archnest/sdk/plugin";
import { createDockerApi } from "./api/index.js";

/**
 * The Docker core plugin: sources (Engine API over a unix socket or TCP, with TLS client certificates),
 * containers with their usage and logs, images, volumes and networks.
 */
export default definePlugin({
  setup(ctx) {
    const { app, engines } = createDockerApi(ctx);
    ctx.routes.mount(app);
    ctx.onDispose(() => engines.clear());
    ctx.log.info("docker ready");
  },
});

export type { SourceOverview, SourceView } from "./api/index.js";
export type { ContainerView } from "./engine/index.js";
