/**
 * Jump hosts as a person meets them: the real host on a loopback port, this plugin (and the SSH plugins a
 * test names) built, packed, signed and installed, and real sshd on loopback where the last of a chain
 * is reachable only through the one before it (the host's shared plugin harness).
 */
import { fileURLToPath } from "node:url";
import { addSshHost, type PluginHost, type PluginHostOptions, type SignedIn, startPluginHost, type TestSshd, trustHostKey } from "@archnest/host/testing";
import { buildPlugin } from "@archnest/plugin-cli";

export const PLUGIN_DIR = fileURLToPath(new URL("..", import.meta.url));
export const ARTIFACTS = fileURLToPath(new URL("../test-artifacts/", import.meta.url));
export const JUMP_PERMISSIONS = ["hosts:read", "ssh:route", "ssh:forward", "ssh:exec", "storage"];

const builds = new Map<string, Promise<unknown>>();
const build = (dir: string) => {
  const done = builds.get(dir) ?? buildPlugin(dir, { quiet: true });
  builds.set(dir, done);
  return done;
};

/** A first-party plugin folder beside this one, with the permissions its manifest declares accepted. */
export function sibling(id: string, permissions: string[]): { dir: string; id: string; permissions: string[] } {
  return { dir: fileURLToPath(new URL(`../../${id}/`, import.meta.url)), id, permissions };
}

/** Starts the host with this plugin first, then `others`. */
export function startJumpHost(opts: Omit<PluginHostOptions, "plugins" | "build"> & { others?: PluginHostOptions["plugins"] }): Promise<PluginHost> {
  const { others = [], ...rest } = opts;
  return startPluginHost({ ...rest, plugins: [{ dir: PLUGIN_DIR, id: "jump-host", permissions: JUMP_PERMISSIONS }, ...others], build });
}

/**
 * Registers an SSH host at an address the machine may not resolve (reached through a jump host once one
 * is set): its host key is not trusted yet, as any host added by hand.
 */
export async function addHostAt(h: PluginHost, name: string, sshd: TestSshd, address: string): Promise<string> {
  const res = await h.request("/api/hosts", {
    method: "POST",
    json: { name, address, port: sshd.port, user: sshd.user, authMethod: "key", privateKey: sshd.privateKey },
  });
  if (res.status !== 201) throw new Error(`adding ${name} answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

export type { PluginHost, SignedIn };
export { addSshHost, trustHostKey };
