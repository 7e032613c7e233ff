import { readFileSync } from "node:fs";
import { createTestTrust } from "@archnest/sdk/testing";
import { attachPlugins } from "../src/plugins/attach.js";
import { StaticEntitlements } from "../src/plugins/entitlements.js";
import { type FixturePlugin, fixtureTarball } from "../src/plugins/test-fixtures.js";
import {
  addSshHost,
  createTestHost,
  type SignedIn,
  type StartSshdOptions,
  setupAdmin,
  startSshd,
  type TestHost,
  type TestSshd,
  trustHostKey,
} from "../src/testing/index.js";

const trust = createTestTrust();

/** A booted host with plugins and SSH attached, a signed-in admin and a real sshd. */
export interface SshWorld {
  t: TestHost;
  sshd: TestSshd;
  admin: SignedIn;
  entitlements: StaticEntitlements;
  attached: Awaited<ReturnType<typeof attachPlugins>>;
  /** Calls the host API as the admin. */
  api(method: string, path: string, body?: unknown): Promise<Response>;
  /** Adds the test sshd as an SSH host with key sign-in and trusts its host key; returns its id. */
  addSshdHost(name?: string): Promise<string>;
  /** Trusts the test sshd's host key for a host added by hand, through the API as an admin does. */
  trust(hostId: string): Promise<void>;
  /** Installs a fixture plugin, accepting the permissions it declares. */
  install(p: FixturePlugin): Promise<void>;
  cleanup(): Promise<void>;
}

export async function startSshWorld(sshdOptions: StartSshdOptions = {}): Promise<SshWorld> {
  const sshd = await startSshd(sshdOptions);
  const t = await createTestHost();
  const entitlements = new StaticEntitlements();
  const attached = await attachPlugins(t.host, {
    trust: [{ rootKeys: [trust.root], keyring: trust.keyringEnvelope }],
    entitlements,
    ssh: { readyTimeoutMs: 5000, keepaliveIntervalMs: 2000 },
  });
  const admin = await setupAdmin(t.host);
  const api = (method: string, path: string, body?: unknown) =>
    Promise.resolve(
      t.host.app.request(path, {
        method,
        headers: { ...admin.headers, ...(body !== undefined && { "content-type": "application/json" }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      }),
    );
  return {
    t,
    sshd,
    admin,
    entitlements,
    attached,
    api,
    addSshdHost: (name) => addSshHost(t, admin, sshd, name),
    trust: (hostId) => trustHostKey(t, admin, hostId, sshd.hostKeyFingerprint),
    async install(p) {
      const file = await fixtureTarball(p, trust.release);
      const accept = encodeURIComponent((p.permissions ?? []).join(","));
      const res = await t.host.app.request(`/api/plugins/install?acceptPermissions=${accept}`, {
        method: "POST",
        headers: { ...admin.headers, "content-type": "application/gzip" },
        body: readFileSync(file),
      });
      if (res.status !== 201) throw new Error(`install answered ${res.status}: ${await res.text()}`);
    },
    async cleanup() {
      await t.cleanup();
      await sshd.cleanup();
    },
  };
}
