/**
 * The tunnels plugin as a person meets it: the real host on a loopback port (the web app when asked), the
 * plugin built, packed, signed and installed through the plugin API, and a real sshd registered as an
 * SSH host. The shared work is the host's test harness; this file only names the plugin.
 */
import { fileURLToPath } from "node:url";
import { type PluginHost as HostHarness, startPluginHost as startHost, type TestSshd } from "@archnest/host/testing";
import { buildPlugin } from "@archnest/plugin-cli";

export { addSshHost } from "@archnest/host/testing";

export const PLUGIN_DIR = fileURLToPath(new URL("..", import.meta.url));
const PLUGIN_ID = "tunnels";
const PERMISSIONS = ["hosts:read", "ssh:forward", "storage"];

export interface PluginHost extends Omit<HostHarness, "api" | "sshd" | "hostId"> {
  sshd: TestSshd;
  hostId: string;
  /** Calls the plugin's routes over real HTTP with the admin's session. */
  api(path: string, init?: RequestInit): Promise<Response>;
}

let built: Promise<unknown> | undefined;

export async function startPluginHost(opts: { web?: boolean; licensed?: string[] } = {}): Promise<PluginHost> {
  const h = await startHost({
    plugins: [{ dir: PLUGIN_DIR, id: PLUGIN_ID, permissions: PERMISSIONS }],
    sshd: true,
    build: (dir) => (built ??= buildPlugin(dir, { quiet: true })),
    ...(opts.web !== undefined && { web: opts.web }),
    ...(opts.licensed !== undefined && { licensed: opts.licensed }),
  });
  return { ...h, sshd: h.sshd as TestSshd, hostId: h.hostId as string, api: (path, init) => h.api(PLUGIN_ID, path, init) };
}
