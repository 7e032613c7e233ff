/**
 * The files plugin as a person meets it: the real host on a loopback port (the web app when asked), the
 * plugin built, packed, signed and installed through the plugin API, and a real sshd registered as an
 * SSH host. The shared work is the host's test harness; this file reads the plugin's id and permissions
 * from its package.json and keeps screenshots in its test-artifacts folder.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type PluginHost as HostHarness, screenshot, startPluginHost as startHost, type TestSshd } from "@archnest/host/testing";
import { buildPlugin } from "@archnest/plugin-cli";
import type { Page } from "playwright-core";

export { addSshHost, launchChromium, signIn } from "@archnest/host/testing";

export const PLUGIN_DIR = fileURLToPath(new URL("..", import.meta.url));
/** The plugin's id and the permissions the admin accepts, as its package.json declares them. */
const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { archnest: { id: string; permissions: string[] } };
const PLUGIN_ID = manifest.archnest.id;
const PERMISSIONS = manifest.archnest.permissions;
const ARTIFACTS = fileURLToPath(new URL("../test-artifacts/", import.meta.url));

/** Saves a screenshot of the page into this plugin's test-artifacts folder. */
export async function shot(page: Page, name: string): Promise<void> {
  await screenshot(page, ARTIFACTS, name);
}

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
