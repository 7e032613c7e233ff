// What gated delivery keeps in memory (what an install owns, the bytes of hot tarballs) never outlives the
// change that should end it: downloads over HTTP against a registry on 127.0.0.1.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalTarballStorage } from "../src/storage/index.js";
import {
  ADMIN_TOKEN,
  call,
  createAuthor,
  devBuy,
  makePlugin,
  publish,
  registerInstall,
  type ServedRegistry,
  serveRegistry,
  signed,
  startRegistry,
  type TestRegistry,
} from "./helpers.js";

/** Local storage that counts the reads delivery makes of it. */
class CountingStorage extends LocalTarballStorage {
  reads = 0;
  override async get(key: string): Promise<Readable | undefined> {
    this.reads += 1;
    return super.get(key);
  }
}

interface Fixture {
  reg: TestRegistry;
  served: ServedRegistry;
  storage: CountingStorage;
  tarballs: Record<string, Buffer>;
}

const VNC = "/v1/tarballs/%40archnest%2Fvnc/1.0.0";
const VNC2 = "/v1/tarballs/%40archnest%2Fvnc/2.0.0";

async function fixture(tarballCacheBytes?: number): Promise<Fixture> {
  const storage = new CountingStorage(mkdtempSync(join(tmpdir(), "archnest-delivery-")));
  const reg = await startRegistry({ devCheckout: true, storage, ...(tarballCacheBytes !== undefined && { tarballCacheBytes }) });
  const token = await createAuthor(reg.app, ["@archnest/*"]);
  const tarballs: Record<string, Buffer> = {};
  for (const [path, version] of [
    [VNC, "1.0.0"],
    [VNC2, "2.0.0"],
  ] as const) {
    const file = await makePlugin(reg.dir, { name: "@archnest/vnc", version, module: "vnc", key: reg.keys.release, padBytes: 64 * 1024 });
    tarballs[path] = readFileSync(file);
    expect((await publish(reg.app, token, tarballs[path])).status).toBe(201);
  }
  return { reg, storage, tarballs, served: await serveRegistry(reg) };
}

async function close(f: Fixture): Promise<void> {
  await f.served.close();
  await f.reg.cleanup();
  rmSync(f.storage.root, { recursive: true, force: true });
}

describe("what an install owns", () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture();
  });
  afterAll(() => close(f));

  it("follows a transfer at once: the old install is refused and the new one served on their next download", async () => {
    const from = await registerInstall(f.served);
    const to = await registerInstall(f.served);
    await devBuy(f.served, from, "vnc");
    expect((await call(f.served, signed(from, "GET", VNC))).status).toBe(200);
    expect((await call(f.served, signed(to, "GET", VNC))).status).toBe(402);

    const moved = await f.served.request(`/v1/admin/installs/${from.id}/transfer`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ to: to.id }),
    });
    expect(await moved.json()).toMatchObject({ moved: 1 });

    const refused = await call(f.served, signed(from, "GET", VNC));
    expect(refused.status).toBe(402);
    expect(await refused.json()).toMatchObject({ error: "module_required", module: "vnc" });
    const served = await call(f.served, signed(to, "GET", VNC));
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(f.tarballs[VNC] as Buffer)).toBe(true);
  });

  it("serves a purchase at once to an install refused a moment before", async () => {
    const install = await registerInstall(f.served);
    expect((await call(f.served, signed(install, "GET", VNC))).status).toBe(402);
    await devBuy(f.served, install, "remote-desktop");
    expect((await call(f.served, signed(install, "GET", VNC))).status).toBe(200);
  });
});

describe("tarball bytes in memory", () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture();
  });
  afterAll(() => close(f));

  it("reads a release from storage once, for concurrent first downloads and every later one, and serves the same bytes", async () => {
    const install = await registerInstall(f.served);
    await devBuy(f.served, install, "vnc");
    const first = await Promise.all(Array.from({ length: 8 }, () => call(f.served, signed(install, "GET", VNC))));
    const later = [];
    for (let i = 0; i < 4; i++) later.push(await call(f.served, signed(install, "GET", VNC)));
    for (const res of [...first, ...later]) {
      expect(res.status).toBe(200);
      expect(res.headers.get("content-length")).toBe(String(f.tarballs[VNC]?.length));
      expect(Buffer.from(await res.arrayBuffer()).equals(f.tarballs[VNC] as Buffer)).toBe(true);
    }
    expect(f.storage.reads).toBe(1);
  });

  it("refuses a revoked release whose bytes it holds", async () => {
    const install = await registerInstall(f.served);
    await devBuy(f.served, install, "vnc");
    expect((await call(f.served, signed(install, "GET", VNC2))).status).toBe(200);
    const revoked = await f.served.request("/v1/admin/revoke", {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "@archnest/vnc", version: "2.0.0", reason: "broken" }),
    });
    expect(revoked.status).toBe(200);
    const res = await call(f.served, signed(install, "GET", VNC2));
    expect(await res.json()).toMatchObject({ error: "REG_ERR_VERSION_REVOKED" });
  });
});

describe("tarball bytes in a cache with room for one release", () => {
  it("reads again the release used least recently, and serves the one it kept from memory", async () => {
    const f = await fixture(100 * 1024);
    try {
      const install = await registerInstall(f.served);
      await devBuy(f.served, install, "vnc");
      const download = async (path: string) => {
        const res = await call(f.served, signed(install, "GET", path));
        expect(res.status).toBe(200);
        expect(Buffer.from(await res.arrayBuffer()).equals(f.tarballs[path] as Buffer)).toBe(true);
      };
      await download(VNC);
      await download(VNC2);
      await download(VNC2);
      expect(f.storage.reads).toBe(2);
      await download(VNC);
      expect(f.storage.reads).toBe(3);
    } finally {
      await close(f);
    }
  });
});

describe("tarball bytes that are not those published", () => {
  it("keeps nothing in memory when the stored object's SHA-256 differs from the published one", async () => {
    const f = await fixture();
    try {
      const install = await registerInstall(f.served);
      await devBuy(f.served, install, "vnc");
      const dir = join(f.storage.root, "@archnest", "vnc");
      const stored = readdirSync(dir).find((n) => n.startsWith("vnc-1.0.0-"));
      const path = join(dir, stored as string);
      const bytes = readFileSync(path);
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff;
      writeFileSync(path, bytes);
      for (let i = 0; i < 3; i++) await (await call(f.served, signed(install, "GET", VNC))).arrayBuffer();
      // Every download goes back to storage (a kept copy would have been read once).
      expect(f.storage.reads).toBeGreaterThanOrEqual(3);
    } finally {
      await close(f);
    }
  });
});

describe("tarball bytes with the memory cache off or too small", () => {
  for (const bytes of [0, 32 * 1024]) {
    it(`streams every download from storage with ${bytes} bytes of cache`, async () => {
      const f = await fixture(bytes);
      try {
        const install = await registerInstall(f.served);
        await devBuy(f.served, install, "vnc");
        for (let i = 0; i < 3; i++) {
          const res = await call(f.served, signed(install, "GET", VNC));
          expect(res.status).toBe(200);
          expect(Buffer.from(await res.arrayBuffer()).equals(f.tarballs[VNC] as Buffer)).toBe(true);
        }
        expect(f.storage.reads).toBe(3);
      } finally {
        await close(f);
      }
    });
  }
});
