/**
 * A plugin as a person meets it: the real host (auth, plugin runtime, SSH service) on a loopback port,
 * optionally serving the built web app, with the plugin built by `archnest-plugin build`, packed and
 * signed with the SDK's test harness, installed through the plugin API, and a real OpenSSH sshd
 * registered as an SSH host. The same file sits in each SSH plugin's test folder with its own constants.
 */
import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import { fileURLToPath } from "node:url";
import { attachPlugins, StaticEntitlements, serveHost, serverUrl } from "@archnest/host";
import { createTestHost, type SignedIn, type TestSshd as Sshd, setupAdmin, startSshd, type TestHost } from "@archnest/host/testing";
import { buildPlugin } from "@archnest/plugin-cli";
import { createTestTrust, packAndSign } from "@archnest/sdk/testing";
import { loadWebApp } from "@archnest/web/serve";

export const PLUGIN_DIR = fileURLToPath(new URL("..", import.meta.url));
const PLUGIN_ID = "tunnels";
const PERMISSIONS = ["hosts:read", "ssh:forward", "storage"];

export interface PluginHost {
  url: string;
  t: TestHost;
  admin: SignedIn;
  sshd: Sshd;
  hostId: string;
  /** Calls the plugin's routes over real HTTP with the admin's session. */
  api(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

let built: Promise<unknown> | undefined;

export async function startPluginHost(opts: { web?: boolean; licensed?: string[] } = {}): Promise<PluginHost> {
  const trust = createTestTrust();
  const web = opts.web ? loadWebApp() : undefined;
  const t = await createTestHost({ cspScriptHashes: web?.cspScriptHashes ?? [] });
  const attached = await attachPlugins(t.host, {
    trust: [{ rootKeys: [trust.root], keyring: trust.keyringEnvelope }],
    entitlements: new StaticEntitlements(opts.licensed ?? []),
    setupTimeoutMs: 5000,
  });
  if (web) t.host.app.get("*", async (c, next) => web.handle(c.req.raw) ?? next());
  const server: Server = serveHost(t.host, { port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  attached.ws.attach(server);
  const admin = await setupAdmin(t.host);
  const sshd = await startSshd();
  const close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await t.cleanup();
    await sshd.cleanup();
  };
  try {
    built ??= buildPlugin(PLUGIN_DIR, { quiet: true });
    await built;
    const tarball = await packAndSign(PLUGIN_DIR, trust.release);
    const install = await t.host.app.request(`/api/plugins/install?acceptPermissions=${PERMISSIONS.join(",")}`, {
      method: "POST",
      headers: { ...admin.headers, "content-type": "application/gzip" },
      body: readFileSync(tarball),
    });
    if (install.status !== 201) throw new Error(`installing ${PLUGIN_ID} answered ${install.status}: ${await install.text()}`);
    const hostId = await addSshHost(t, admin, sshd);
    const url = serverUrl(server);
    return {
      url,
      t,
      admin,
      sshd,
      hostId,
      api: (path, init = {}) =>
        fetch(`${url}/api/plugins/${PLUGIN_ID}${path}`, { ...init, headers: { ...admin.headers, ...(init.headers as Record<string, string>) } }),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Registers an sshd as an SSH host through the host's API (key auth) and returns its id. */
export async function addSshHost(t: TestHost, admin: SignedIn, sshd: Sshd, name = "test-sshd"): Promise<string> {
  const res = await t.host.app.request("/api/hosts", {
    method: "POST",
    headers: { ...admin.headers, "content-type": "application/json" },
    body: JSON.stringify({ name, address: "127.0.0.1", port: sshd.port, user: sshd.user, authMethod: "key", privateKey: sshd.privateKey }),
  });
  if (res.status !== 201) throw new Error(`adding the SSH host answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { id?: string; host?: { id: string } };
  const id = body.id ?? body.host?.id;
  if (!id) throw new Error("the SSH host API answered without an id");
  return id;
}
