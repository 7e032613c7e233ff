/**
 * Docker over SSH as a person meets it: the real host on a loopback port (the web app when asked), this
 * plugin and the Docker plugin it extends built, packed, signed and installed, a real sshd registered as
 * an SSH host, and a real dockerd on a unix socket that only the SSH server's side can use.
 */

import type { SourceView } from "@archnest/docker/service";
import { type FolderPluginHost, pluginHarness } from "@archnest/host/testing";
import { buildPlugin } from "@archnest/plugin-cli";

export type PluginHost = FolderPluginHost;

export const { startPluginHost, shot } = pluginHarness(new URL("..", import.meta.url), (dir) => buildPlugin(dir, { quiet: true }));

/** Calls the Docker plugin's API as the admin; answers the status and the JSON body. */
export async function docker<T = Record<string, unknown>>(
  h: PluginHost,
  path: string,
  init: { method?: string; json?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const res = await h.request(`/api/plugins/docker${path}`, { method: init.method ?? "GET", ...(init.json !== undefined && { json: init.json }) });
  return { status: res.status, body: (await res.json()) as T };
}

/** Adds an SSH source through the Docker plugin's API; answers the created view or throws with the refusal. */
export async function addSshSource(h: PluginHost, fields: { name: string; hostId: string; socketPath: string; via?: string }): Promise<SourceView> {
  const res = await docker<SourceView>(h, "/sources", { method: "POST", json: { kind: "ssh", ...fields } });
  if (res.status !== 201) throw new Error(`adding ${fields.name} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}
