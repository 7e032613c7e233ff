// The store sells only what it can deliver, seen over HTTP as hosts and browsers see the registry: which
// modules are available now, what a bundle holds now and later, the checkout refusal, and the favicon.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { HOST_LIMITS } from "@archnest/host";
import { createClient } from "@libsql/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADMIN_TOKEN,
  call,
  createAuthor,
  type Install,
  makePlugin,
  publish,
  registerInstall,
  type ServedRegistry,
  serveRegistry,
  signed,
  startRegistry,
  type TestRegistry,
} from "./helpers.js";

interface ModuleEntry {
  slug: string;
  delivery: "package" | "entitlement";
  lifts?: string;
  available: boolean;
}
interface BundleEntry {
  slug: string;
  modules: string[];
  available: boolean;
  availableNow: string[];
  comingLater: string[];
}
interface CatalogBody {
  modules: ModuleEntry[];
  bundles: BundleEntry[];
}

let reg: TestRegistry;
let http: ServedRegistry;
let token: string;
let buyer: Install;

beforeAll(async () => {
  reg = await startRegistry({ devCheckout: true });
  http = await serveRegistry(reg);
  token = await createAuthor(http, ["@archnest/*"]);
  buyer = await registerInstall(http);
});
afterAll(async () => {
  await http?.close();
  await reg?.cleanup();
});

async function catalog(): Promise<{ modules: Map<string, ModuleEntry>; bundles: Map<string, BundleEntry> }> {
  const res = await fetch(`${http.url}/v1/catalog`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as CatalogBody;
  return { modules: new Map(body.modules.map((m) => [m.slug, m])), bundles: new Map(body.bundles.map((b) => [b.slug, b])) };
}

async function checkout(slug: string): Promise<Response> {
  return call(http, signed(buyer, "POST", "/v1/checkout", { slug }));
}

async function checkoutRows(): Promise<number> {
  const db = createClient({ url: `file:${join(reg.dir, "registry.db")}` });
  try {
    return Number((await db.execute("select count(*) as n from checkout_sessions")).rows[0]?.n);
  } finally {
    db.close();
  }
}

async function publishModule(module: string, version = "1.0.0"): Promise<void> {
  const file = await makePlugin(reg.dir, { name: `@archnest/${module}`, version, module, key: reg.keys.release });
  expect((await publish(http, token, readFileSync(file))).status).toBe(201);
}

describe("catalog availability", () => {
  it("says how each module is delivered; a package module is available only while a package delivers it", async () => {
    const before = await catalog();
    expect(before.modules.size).toBe(30);
    expect(before.modules.get("tmux")).toMatchObject({ delivery: "package", available: false });
    expect(before.modules.get("tmux")).not.toHaveProperty("lifts");
    expect(before.modules.get("unlimited-hosts")).toMatchObject({ delivery: "entitlement", lifts: "hosts", available: true });
    expect(before.modules.get("unlimited-bookmarks")).toMatchObject({ delivery: "entitlement", lifts: "bookmarks", available: true });
    expect([...before.modules.values()].filter((m) => m.available).map((m) => m.slug)).toEqual(["unlimited-hosts", "unlimited-bookmarks"]);

    await publishModule("tmux");
    expect((await catalog()).modules.get("tmux")).toMatchObject({ available: true });
    const info = await fetch(`${http.url}/v1/modules/tmux`);
    expect(await info.json()).toMatchObject({ slug: "tmux", kind: "module", delivery: "package", available: true });

    // A revoked version delivers nothing: with no other version, the module is off sale again.
    const revoke = await fetch(`${http.url}/v1/admin/revoke`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "@archnest/tmux", version: "1.0.0", reason: "broken" }),
    });
    expect(revoke.status).toBe(200);
    expect((await catalog()).modules.get("tmux")).toMatchObject({ available: false });
    await publishModule("tmux", "1.0.1");
    expect((await catalog()).modules.get("tmux")).toMatchObject({ available: true });
  });

  it("lifts, for every entitlement module, a cap the host enforces for that module", async () => {
    const entitlements = [...(await catalog()).modules.values()].filter((m) => m.delivery === "entitlement");
    expect(entitlements.length).toBeGreaterThan(0);
    // The caps enforced: the host's own, and those the first-party plugins declare in their manifests.
    const plugins = new URL("../../plugins/", import.meta.url).pathname;
    const declared: Record<string, { module: string }> = { ...HOST_LIMITS };
    for (const dir of readdirSync(plugins)) {
      const pkg = JSON.parse(readFileSync(join(plugins, dir, "package.json"), "utf8")) as { archnest?: { limits?: Record<string, { module: string }> } };
      Object.assign(declared, pkg.archnest?.limits);
    }
    for (const m of entitlements) expect(declared[m.lifts ?? ""]?.module, m.slug).toBe(m.slug);
  });

  it("lists for each bundle the modules available now and those that come later", async () => {
    const { bundles } = await catalog();
    const sshPro = bundles.get("ssh-pro");
    expect(sshPro).toMatchObject({ available: true, availableNow: ["tmux"] });
    expect(sshPro?.comingLater).toEqual(sshPro?.modules.filter((s) => s !== "tmux"));
    expect(bundles.get("docker-pro")).toMatchObject({
      available: false,
      availableNow: [],
      comingLater: ["docker-over-ssh", "docker-push-agent", "container-exec", "container-detail"],
    });
    expect(bundles.get("everything")?.availableNow).toEqual(["tmux", "unlimited-hosts", "unlimited-bookmarks"]);
    expect(bundles.get("everything")?.comingLater).toHaveLength(27);
  });
});

describe("checkout", () => {
  it("refuses an unavailable module with REG_ERR_MODULE_UNAVAILABLE and records nothing", async () => {
    const rows = await checkoutRows();
    const res = await checkout("multi-pane-terminal");
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: "REG_ERR_MODULE_UNAVAILABLE", code: "REG_ERR_MODULE_UNAVAILABLE", slug: "multi-pane-terminal" });
    expect(await checkoutRows()).toBe(rows);
  });

  it("refuses a bundle none of whose modules is available, and sells one with at least one", async () => {
    const none = await checkout("docker-pro");
    expect(none.status).toBe(409);
    expect(await none.json()).toMatchObject({ error: "REG_ERR_MODULE_UNAVAILABLE", slug: "docker-pro" });
    const some = await checkout("ssh-pro");
    expect(some.status).toBe(201);
    const body = (await some.json()) as { sessionId: string };
    expect(body).toMatchObject({ slug: "ssh-pro", price: "$25", provider: "dev" });
    // Its checkout page says what the bundle brings now and what later.
    const page = await (await fetch(`${http.url}/dev/checkout/${body.sessionId}`)).text();
    expect(page).toContain("<p>Available now: tmux Integration</p>");
    expect(page).toContain("<p>Coming later (included when released): Multi-Pane Terminal, Jump-Host Chaining,");
  });

  it("sells an entitlement module and a published package module", async () => {
    expect((await checkout("unlimited-hosts")).status).toBe(201);
    expect((await checkout("tmux")).status).toBe(201);
  });
});

describe("the registry's pages", () => {
  it("serve an SVG favicon at /favicon.svg and /favicon.ico and link it from every page", async () => {
    for (const path of ["/favicon.svg", "/favicon.ico"]) {
      const res = await fetch(`${http.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/svg+xml");
      expect(await res.text()).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    }
    const { sessionId } = (await (await checkout("unlimited-bookmarks")).json()) as { sessionId: string };
    const pages = [`/dev/checkout/${sessionId}`, `/v1/checkout/success?session_id=${sessionId}`, "/v1/checkout/cancel", "/v1/checkout/success?session_id=nope"];
    for (const path of pages) {
      const res = await fetch(`${http.url}${path}`);
      expect(res.headers.get("content-type"), path).toContain("text/html");
      expect(await res.text(), path).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
    }
  });
});
