import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestTrust } from "@archnest/sdk/testing";
import { afterAll, describe, expect, it } from "vitest";
import { PUBLIC_API_ROUTES } from "../src/auth/index.js";
import { bootHost } from "../src/boot.js";
import { loadEnv } from "../src/env.js";
import { createLogger } from "../src/log/index.js";
import { fixtureTarball, HELLO_ROUTES } from "../src/plugins/test-fixtures.js";

const trust = createTestTrust();
const dir = mkdtempSync(join(tmpdir(), "archnest-boot-"));
const files = trust.writeFiles(dir);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(name: string, core: string, masterKey = randomBytes(32).toString("base64")) {
  return loadEnv({
    ARCHNEST_DATA_DIR: join(dir, name),
    ARCHNEST_MASTER_KEY: masterKey,
    ARCHNEST_TRUST_ROOT: files.rootPub,
    ARCHNEST_TRUST_KEYRING: files.keyring,
    ARCHNEST_CORE_PLUGINS_DIR: core,
  });
}

const quiet = createLogger({ level: "error", write: () => {} });

describe("the booted host", () => {
  it("answers 401 on every registered /api route without a session, plugin and web routes included", async () => {
    const core = join(dir, "core-walk");
    mkdirSync(core);
    copyFileSync(await fixtureTarball({ id: "walker", setup: HELLO_ROUTES }, trust.release), join(core, "walker.tgz"));
    const { host } = await bootHost(config("walk", core), { log: quiet });
    try {
      const seen: string[] = [];
      for (const r of host.app.routes) {
        if (r.method === "ALL" && r.path === "/*") continue;
        if (!r.path.startsWith("/api")) continue;
        const method = r.method === "ALL" ? "GET" : r.method;
        const path = r.path.replace(/:[a-zA-Z]+(\{[^}]*\})?/g, "walker").replace(/\*/g, "x");
        if (PUBLIC_API_ROUTES.has(`${method} ${path}`)) continue;
        const res = await host.app.request(path, { method });
        expect(res.status, `${method} ${path}`).toBe(401);
        seen.push(`${method} ${r.path}`);
      }
      // The walk covered the plugin runtime's routes, not just the kernel's.
      expect(seen).toEqual(expect.arrayContaining(["GET /api/plugins", "POST /api/plugins/install", "GET /api/plugins/:id/*", "GET /api/ui/manifest"]));
      // The web app is public (it shows the login page); the API behind it is not.
      expect((await host.app.request("/api/plugins/walker/hello")).status).toBe(401);
    } finally {
      await host.close();
    }
  });

  it("marks plugins that depend on each other in a cycle as failed at boot, naming the cycle, and starts the rest", async () => {
    const core = join(dir, "core-cycle");
    mkdirSync(core);
    // Each install is valid when it happens (its dependencies are active), yet together they form a cycle
    // that the next boot has to refuse.
    const a1 = await fixtureTarball({ id: "alpha", version: "1.0.0" }, trust.release);
    const b1 = await fixtureTarball({ id: "beta", version: "1.0.0", dependencies: { alpha: "^1.0.0" } }, trust.release);
    const a2 = await fixtureTarball({ id: "alpha", version: "1.1.0", dependencies: { beta: "^1.0.0" } }, trust.release);
    const ok = await fixtureTarball({ id: "solo", setup: HELLO_ROUTES }, trust.release);
    const key = randomBytes(32).toString("base64");
    const cfg = config("cycle", join(dir, "none"), key);
    const again = config("cycle", join(dir, "none"), key);
    const first = await bootHost(cfg, { log: quiet });
    for (const f of [a1, b1, a2, ok]) await first.plugins.runtime.install(f, { source: "file" });
    await first.host.close();

    const { host, plugins } = await bootHost(again, { log: quiet });
    try {
      const byId = Object.fromEntries((await plugins.runtime.list()).map((p) => [p.id, p]));
      expect(byId.alpha).toMatchObject({ state: "failed", errorCode: "HOST_ERR_DEPENDENCY_CYCLE" });
      expect(byId.beta).toMatchObject({ state: "failed", errorCode: "HOST_ERR_DEPENDENCY_CYCLE" });
      expect(byId.alpha?.error).toContain("alpha → beta → alpha");
      expect(byId.solo?.state).toBe("active");
    } finally {
      await host.close();
    }
  });
});
