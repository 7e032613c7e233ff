import { createDockerLender } from "@archnest/sdk/node";
import { DOCKER_PERMISSIONS, type PluginDocker } from "@archnest/sdk/plugin";
import type { PluginSshScope } from "../ssh/plugin-ssh.js";

/**
 * `ctx.docker` for one plugin: checks the `docker` permission, then the host opens the connection itself
 * (the plugin never dials the engine) and tracks every socket and agent, so disposing the plugin closes
 * them, including connections an agent keeps alive between requests.
 */
export function createPluginDocker(scope: PluginSshScope): PluginDocker {
  const lender = createDockerLender((d) => scope.track(d));
  return {
    connect: async (endpoint, options) => {
      scope.need(DOCKER_PERMISSIONS.connect);
      return lender.connect(endpoint, options);
    },
    agent: (endpoint, options) => {
      scope.need(DOCKER_PERMISSIONS.agent);
      return lender.agent(endpoint, options);
    },
  };
}
