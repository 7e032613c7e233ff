/**
 * The Docker Pro bundle as it is sold: every first-party plugin of a module in the bundle is published to a
 * real registry and waits there, not installed; an admin buys the bundle once in the Module Store (chromium,
 * the registry's development checkout), and the store installs every one of them from the catalog and the
 * host starts them.
 */
import { fileURLToPath } from "node:url";
import { type BundlePurchase, buyBundleInStore } from "@archnest/host/testing";
import { buildPlugin } from "@archnest/plugin-cli";
import { beforeAll, describe, expect, it } from "vitest";

/** The bundle as docs/modules.md sells it; checked against the registry's catalog below. */
const DOCKER_PRO = ["docker-over-ssh", "docker-push-agent", "container-exec", "container-detail"];

let bought: BundlePurchase;

beforeAll(async () => {
  bought = await buyBundleInStore({
    slug: "docker-pro",
    modules: DOCKER_PRO,
    pluginsDir: fileURLToPath(new URL("../../", import.meta.url)),
    build: (dir) => buildPlugin(dir, { quiet: true }),
  });
}, 400_000);

describe("the Docker Pro bundle", () => {
  it("is bought once in the store, which installs every plugin of its modules from the catalog and starts them", () => {
    expect(bought.catalogModules).toEqual(DOCKER_PRO);
    // Every module of the bundle has its plugin: buying it delivers all four.
    expect([...new Set(bought.paid.map((p) => p.module))].sort()).toEqual([...DOCKER_PRO].sort());
    for (const p of bought.paid) expect([p.id, bought.before.has(p.id)]).toEqual([p.id, false]);
    expect(bought.licensedBefore).toEqual([]);
    // Before the purchase the registry refuses a paid package to this install.
    expect(bought.refusedStatus).toBe(402);
    for (const p of bought.paid) expect([p.id, bought.after.get(p.id)]).toEqual([p.id, "active"]);
    expect(bought.licensedAfter).toEqual(expect.arrayContaining(DOCKER_PRO));
  });
});
