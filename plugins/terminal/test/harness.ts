/**
 * The terminal as a person meets it: the real host (auth, plugin runtime, WebSocket gateway, SSH
 * service) on a loopback port, serving the built web app, with this plugin built by `archnest-plugin
 * build`, packed and signed with the SDK's test harness and installed through the plugin API, and a real
 * OpenSSH sshd registered as an SSH host.
 */
import { readdirSync, readFileSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { attachPlugins, StaticEntitlements, serveHost, serverUrl } from "@archnest/host";
import { addSshHost, createTestHost, installPlugins, type SignedIn, setupAdmin, startSshd, type TestHost, type TestSshd } from "@archnest/host/testing";
import { buildPlugin } from "@archnest/plugin-cli";
import { createTestTrust } from "@archnest/sdk/testing";
import { loadWebApp } from "@archnest/web/serve";

export const PLUGIN_DIR = fileURLToPath(new URL("..", import.meta.url));

export interface TerminalHost {
  url: string;
  t: TestHost;
  admin: SignedIn;
  sshd: TestSshd;
  /** The id of the sshd as an SSH host of ArchNest. */
  hostId: string;
  /** Builds, signs and installs a fixture plugin from test/fixtures/<name>. */
  installFixture(name: string): Promise<void>;
  close(): Promise<void>;
}

let built: Promise<unknown> | undefined;

/** Builds the plugin's entries once per test file (the same build `npm run build` runs). */
export function buildTerminalPlugin(): Promise<unknown> {
  built ??= buildPlugin(PLUGIN_DIR, { quiet: true });
  return built;
}

export async function startTerminalHost(opts: { web?: boolean; licensed?: string[] } = {}): Promise<TerminalHost> {
  const trust = createTestTrust();
  const web = opts.web === false ? undefined : loadWebApp();
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

  await buildTerminalPlugin();
  await installPlugins(t, admin, trust, [{ dir: PLUGIN_DIR, id: "terminal", permissions: ["hosts:read", "ssh:shell"] }]);

  const sshd = await startSshd();
  const hostId = await addSshHost(t, admin, sshd);
  return {
    url: serverUrl(server),
    t,
    admin,
    sshd,
    hostId,
    async installFixture(name) {
      const dir = fileURLToPath(new URL(`./fixtures/${name}/`, import.meta.url));
      await installPlugins(t, admin, trust, [{ dir, id: name }], (d) => buildPlugin(d, { quiet: true }));
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.cleanup();
      await sshd.cleanup();
    },
  };
}

/** The processes below `pid`, parents before their children. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/**
 * Stops the test sshd the way a crashed server or a cut network looks to a client: the sshd processes of
 * each connection die before the shells they serve, so no exit status reaches the client, only a dropped
 * connection. (Killing the shells first lets sshd report their exit, which a client rightly shows as an
 * ended session.)
 */
export async function crashSshd(sshd: TestSshd): Promise<void> {
  const pid = Number(readFileSync(join(sshd.dir, "sshd.pid"), "utf8").trim());
  for (const child of descendants(pid)) {
    try {
      process.kill(child, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  await sshd.stop();
}
