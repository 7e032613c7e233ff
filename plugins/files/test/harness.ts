/**
 * The files plugin as a person meets it: the real host on a loopback port (the web app when asked), the
 * plugin built, packed, signed and installed through the plugin API, and a real sshd registered as an
 * SSH host. The shared work is the host's test harness; this file only names the plugin.
 */
import { fileURLToPath } from "node:url";
import { type PluginHost as HostHarness, startPluginHost as startHost, type TestSshd } from "@archnest/host/testing";
import { buildPlugin } from "@archnest/plugin-cli";

export { addSshHost } from "@archnest/host/testing";

export const PLUGIN_DIR = fileURLToPath(new URL("..", import.meta.url));
const PLUGIN_ID = "files";
const PERMISSIONS = ["hosts:read", "ssh:sftp"];

export interface PluginHost extends Omit<HostHarness, "api" | "sshd" | "hostId"> {
  sshd: TestSshd;
  /** The sshd as an SSH host signed in as root (the test runner) with the key. */
  hostId: string;
  /**
   * With `passwordUser: true`: the same sshd as a second SSH host, signed in with a password as a non-root
   * user (uid 65534), for whom the machine's file permissions apply.
   */
  userHostId: string | undefined;
  /** Calls the plugin's routes over real HTTP with the admin's session. */
  api(path: string, init?: RequestInit): Promise<Response>;
}

let built: Promise<unknown> | undefined;

export async function startPluginHost(opts: { web?: boolean; licensed?: string[]; passwordUser?: boolean } = {}): Promise<PluginHost> {
  const h = await startHost({
    plugins: [{ dir: PLUGIN_DIR, id: PLUGIN_ID, permissions: PERMISSIONS }],
    sshd: opts.passwordUser ? { passwordUser: true } : true,
    build: (dir) => (built ??= buildPlugin(dir, { quiet: true })),
    ...(opts.web !== undefined && { web: opts.web }),
    ...(opts.licensed !== undefined && { licensed: opts.licensed }),
  });
  const sshd = h.sshd as TestSshd;
  let userHostId: string | undefined;
  if (opts.passwordUser) {
    const res = await h.t.host.app.request("/api/hosts", {
      method: "POST",
      headers: { ...h.admin.headers, "content-type": "application/json" },
      body: JSON.stringify({
        name: "test-sshd-user",
        address: sshd.host,
        port: sshd.port,
        user: sshd.passwordUser,
        authMethod: "password",
        password: sshd.password,
      }),
    });
    if (res.status !== 201) {
      await h.close();
      throw new Error(`adding the password SSH host answered ${res.status}: ${await res.text()}`);
    }
    userHostId = ((await res.json()) as { id: string }).id;
  }
  return { ...h, sshd, hostId: h.hostId as string, userHostId, api: (path, init) => h.api(PLUGIN_ID, path, init) };
}
