/**
 * The metrics plugin as a person meets it: the real host on a loopback port (the web app when asked), the
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
