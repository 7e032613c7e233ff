// The running registry caps every request body while it is read (declared or chunked) and answers 413
// REG_ERR_TOO_LARGE with its memory flat; malformed paths answer 400; its data files are private.
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { peakMemoryGrowth, sendOversizedBody } from "@archnest/sdk/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, makeKeys, makePlugin, type RegistryProcess, startRegistryProcess } from "./helpers.js";

const MiB = 1024 * 1024;
// Well past every cap; the client stops as soon as the registry answers.
const OFFERED = 200 * MiB;
// What a refused request may add to the registry's resident memory beyond its cap.
const MARGIN = 32 * MiB;

const keys = makeKeys();
const dir = mkdtempSync(join(tmpdir(), "archnest-registry-limits-"));
const dataDir = join(dir, "data");
let registry: RegistryProcess;
let authorToken = "";

beforeAll(async () => {
  registry = await startRegistryProcess(dataDir, keys, {
    ARCHNEST_REGISTRY_ADMIN_TOKEN: ADMIN_TOKEN,
    // The webhook route exists only with Stripe configured; nothing here reaches Stripe.
    STRIPE_SECRET_KEY: "sk_test_limits",
    STRIPE_WEBHOOK_SECRET: "whsec_limits",
    STRIPE_API_BASE: "http://127.0.0.1:9",
  });
  const res = await fetch(`${registry.url}/v1/admin/authors`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "archnest", scopes: ["@archnest/*"] }),
  });
  expect(res.status).toBe(201);
  authorToken = ((await res.json()) as { token: string }).token;
}, 90_000);

afterAll(async () => {
  await registry?.kill();
  rmSync(dir, { recursive: true, force: true });
});

const json = { "content-type": "application/json" };
const TARGETS = [
  { name: "install registration (public)", method: "POST", path: "/v1/installs", cap: 64 * 1024, headers: () => json, prefix: '{"publicKey":"' },
  {
    name: "the Stripe webhook (public)",
    method: "POST",
    path: "/v1/stripe/webhook",
    cap: MiB,
    headers: () => ({ ...json, "stripe-signature": "t=1,v1=00" }),
    prefix: '{"id":"evt_',
  },
  {
    name: "publish",
    method: "PUT",
    path: "/v1/packages",
    cap: 64 * MiB,
    headers: () => ({ authorization: `Bearer ${authorToken}`, "content-type": "application/octet-stream" }),
    prefix: "",
  },
  {
    name: "an admin route",
    method: "POST",
    path: "/v1/admin/authors",
    cap: 64 * 1024,
    headers: () => ({ authorization: `Bearer ${ADMIN_TOKEN}`, ...json }),
    prefix: '{"name":"',
  },
] as const;

describe("request body limits in the running registry", () => {
  for (const t of TARGETS) {
    for (const declared of [true, false]) {
      it(`${t.name}: a ${declared ? "declared" : "chunked"} 200 MiB body answers 413 REG_ERR_TOO_LARGE, and memory stays within the cap`, async () => {
        let result: Awaited<ReturnType<typeof sendOversizedBody>> | undefined;
        const growth = await peakMemoryGrowth(registry.pid, async () => {
          result = await sendOversizedBody(`${registry.url}${t.path}`, { method: t.method, headers: t.headers(), bytes: OFFERED, declared, prefix: t.prefix });
        });
        expect(result?.status, result?.error ?? result?.body).toBe(413);
        expect(JSON.parse(result?.body ?? "{}")).toMatchObject({ error: "REG_ERR_TOO_LARGE", code: "REG_ERR_TOO_LARGE" });
        expect(growth).toBeLessThan(t.cap + MARGIN);
        expect((await fetch(`${registry.url}/healthz`)).status).toBe(200);
      }, 30_000);
    }
  }

  it("still takes a body within its cap: an install registers", async () => {
    const res = await fetch(`${registry.url}/v1/installs`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ publicKey: Buffer.alloc(32, 7).toString("base64") }),
    });
    expect(res.status).toBe(201);
  });
});

describe("malformed percent-encoding", () => {
  it("answers 400 REG_ERR_BAD_PATH instead of a 500", async () => {
    for (const path of ["/%ff/x", "/%E0%A4%A", "/v1/tarballs/%zz/1.0.0", "/v1/modules/%E0%A4%A"]) {
      const res = await fetch(`${registry.url}${path}`);
      expect(res.status, path).toBe(400);
      expect(await res.json(), path).toMatchObject({ error: "REG_ERR_BAD_PATH" });
    }
  });
});

describe("data files", () => {
  function walk(path: string): { path: string; mode: number; dir: boolean }[] {
    const st = lstatSync(path);
    const here = { path, mode: st.mode & 0o777, dir: st.isDirectory() };
    return st.isDirectory() ? [here, ...readdirSync(path).flatMap((name) => walk(join(path, name)))] : [here];
  }

  it("are readable by the registry's user only after start and publish: folders 0700, files 0600", async () => {
    const tarball = await makePlugin(dir, { name: "@archnest/private", version: "1.0.0", module: "free", key: keys.release });
    const res = await fetch(`${registry.url}/v1/packages`, {
      method: "PUT",
      headers: { authorization: `Bearer ${authorToken}`, "content-type": "application/octet-stream" },
      body: readFileSync(tarball),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const entries = walk(dataDir);
    // The database, its write-ahead log, the published tarball and the keys are all there.
    const names = entries.map((e) => e.path.slice(dataDir.length));
    expect(names).toEqual(expect.arrayContaining(["/registry.db", "/registry.db-wal", "/keys/license.key", "/keys"]));
    expect(names.some((n) => n.startsWith("/tarballs/") && n.endsWith(".tgz"))).toBe(true);
    for (const e of entries) expect(e.mode.toString(8), e.path).toBe(e.dir ? "700" : "600");
  });
});
