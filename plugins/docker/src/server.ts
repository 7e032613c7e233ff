import { definePlugin } from "@archnest/sdk/plugin";
import { createDockerApi } from "./api/index.js";
import { DOCKER_ENGINES_SERVICE, DOCKER_TRANSPORTS_SERVICE, type DockerEngines, type DockerTransports } from "./service/api.js";

/**
 * The Docker core plugin: sources (Engine API over a unix socket or TCP, with TLS client certificates),
 * containers with their usage and logs, images, volumes and networks.
 */
export default definePlugin({
  setup(ctx) {
    const { app, engines, registerTransport, enginesService } = createDockerApi(ctx);
    ctx.services.provide<DockerTransports>(DOCKER_TRANSPORTS_SERVICE, { register: registerTransport });
    ctx.services.provide<DockerEngines>(DOCKER_ENGINES_SERVICE, enginesService);
    ctx.routes.mount(app);
    ctx.onDispose(() => engines.clear());
    ctx.log.info("docker ready");
  },
});

export type { SourceOverview, SourceView, SshSourcesState, TransportSourcesState } from "./api/index.js";
export type { ContainerView } from "./engine/index.js";
export type {
  DockerAgentTarget,
  DockerAgentTransport,
  DockerSshTarget,
  DockerSshTransport,
  DockerSshVia,
  DockerTransport,
  DockerTransportKind,
  DockerTransports,
} from "./service/api.js";
