/**
 * A real ArchNest for the Docker plugin's tests: the host's shared harness with the given first-party plugins
 * built by `archnest-plugin build`, signed, and installed as core plugins at first boot, as a release ships them.
 */
import { type PluginHost, startPluginHost } from "@archnest/host/testing";
import { buildPlugin } from "@archnest/plugin-cli";

/**
 * Boots ArchNest serving the web app with these plugins (folders under plugins/, or URLs of plugin folders)
 * as signed core plugins, and `licensed` modules.
 */
export function startArchNest(opts: { plugins: (string | URL)[]; licensed?: string[] }): Promise<PluginHost> {
  const plugins = opts.plugins.map((p) => (p instanceof URL ? p : new URL(`../../${p}/`, import.meta.url)));
  return startPluginHost({
    core: true,
    web: true,
    plugins: plugins.map((folder) => ({ dir: folder.pathname })),
    build: (dir) => buildPlugin(dir, { quiet: true }),
    ...(opts.licensed && { licensed: opts.licensed }),
  });
}
