import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestContext } from "@archnest/sdk/testing";
import { describe, expect, it } from "vitest";
import plugin from "../server.js";
import { fsSftp } from "./fs-sftp.test-helper.js";

const HOST = { id: "h1", name: "local", address: "127.0.0.1", port: 22, user: "me", tags: [], authMethod: "key" as const, fingerprint: null };

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), "archnest-files-"));
  const t = await createTestContext(plugin, {
    id: "files",
    permissions: ["hosts:read", "ssh:sftp"],
    ssh: { hosts: async () => [HOST], sftp: async () => fsSftp() },
  });
  const q = (params: Record<string, string | number>) =>
    new URLSearchParams({ host: "h1", ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) }).toString();
  const post = (path: string, json: unknown) =>
    t.request(path, { method: "POST", body: JSON.stringify({ host: "h1", ...(json as object) }), headers: { "content-type": "application/json" } });
  return { t, dir, q, post };
}

describe("files routes (over a local-disk SFTP stand-in)", () => {
  it("lists folders first with permissions, and answers 404 with a code for a missing folder", async () => {
    const { t, dir, q } = await setup();
    mkdirSync(join(dir, "zdir"));
    writeFileSync(join(dir, "a.txt"), "hello");
    const body = (await (await t.request(`/list?${q({ path: dir })}`)).json()) as { entries: { name: string; type: string; permissions: string }[] };
    expect(body.entries.map((e) => e.name)).toEqual(["zdir", "a.txt"]);
    expect(body.entries[0]?.permissions).toMatch(/^d[rwx-]{9}$/);
    const missing = await t.request(`/list?${q({ path: join(dir, "nope") })}`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: "FILES_ERR_NOT_FOUND", reason: "HOST_ERR_SFTP_NO_SUCH_FILE", sftpStatus: 2 });
  });

  it("uploads in two parts with an offset, refuses a wrong offset with the right one, and downloads a range", async () => {
    const { t, dir, q } = await setup();
    const data = randomBytes(300_000);
    const path = join(dir, "blob.bin");
    const first = await t.request(`/upload?${q({ path, offset: 0, size: data.length })}`, { method: "PUT", body: data.subarray(0, 100_000) });
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ offset: 100_000, done: false });
    expect(await (await t.request(`/upload?${q({ path })}`)).json()).toMatchObject({ offset: 100_000, exists: false });
    const wrong = await t.request(`/upload?${q({ path, offset: 5, size: data.length })}`, { method: "PUT", body: data.subarray(5) });
    expect(wrong.status).toBe(409);
    expect(await wrong.json()).toMatchObject({ error: "FILES_ERR_OFFSET_MISMATCH", offset: 100_000 });
    const rest = await t.request(`/upload?${q({ path, offset: 100_000, size: data.length })}`, { method: "PUT", body: data.subarray(100_000) });
    expect(rest.status).toBe(201);
    expect(createHash("sha256").update(readFileSync(path)).digest("hex")).toBe(createHash("sha256").update(data).digest("hex"));

    const ranged = await t.request(`/download?${q({ path })}`, { headers: { range: "bytes=1000-1999" } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("content-range")).toBe(`bytes 1000-1999/${data.length}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(data.subarray(1000, 2000))).toBe(true);
    const past = await t.request(`/download?${q({ path })}`, { headers: { range: `bytes=${data.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get("content-range")).toBe(`bytes */${data.length}`);
  });

  it("refuses to overwrite without asking, renames, chmods, makes and deletes folders", async () => {
    const { t, dir, q, post } = await setup();
    writeFileSync(join(dir, "x.txt"), "1");
    expect((await t.request(`/upload?${q({ path: join(dir, "x.txt"), offset: 0, size: 1 })}`, { method: "PUT", body: "2" })).status).toBe(409);
    expect((await post("/rename", { from: join(dir, "x.txt"), name: "y.txt" })).status).toBe(200);
    expect((await post("/chmod", { path: join(dir, "y.txt"), mode: "640" })).status).toBe(200);
    expect(statSync(join(dir, "y.txt")).mode & 0o777).toBe(0o640);
    expect((await post("/mkdir", { path: join(dir, "d") })).status).toBe(201);
    writeFileSync(join(dir, "d", "inner"), "x");
    const notEmpty = await post("/delete", { path: join(dir, "d") });
    expect(notEmpty.status).toBe(409);
    expect((await post("/delete", { path: join(dir, "d"), recursive: true })).status).toBe(200);
    expect((await post("/chmod", { path: join(dir, "y.txt"), mode: "9" })).status).toBe(400);
  });

  it("opens small text files, refuses binary ones, and refuses to save over a file changed since it was opened", async () => {
    const { t, dir, q } = await setup();
    writeFileSync(join(dir, "conf"), "a=1\n");
    writeFileSync(join(dir, "bin"), Buffer.from([1, 0, 2]));
    const text = (await (await t.request(`/text?${q({ path: join(dir, "conf") })}`)).json()) as { content: string; mtime: number };
    expect(text.content).toBe("a=1\n");
    expect((await t.request(`/text?${q({ path: join(dir, "bin") })}`)).status).toBe(415);
    const put = (mtime: number) =>
      t.request("/text", {
        method: "PUT",
        body: JSON.stringify({ host: "h1", path: join(dir, "conf"), content: "a=2\n", mtime }),
        headers: { "content-type": "application/json" },
      });
    expect((await put(text.mtime - 10_000)).status).toBe(409);
    expect((await put(text.mtime)).status).toBe(200);
    expect(readFileSync(join(dir, "conf"), "utf8")).toBe("a=2\n");
  });

  it("shows permission denied plainly when the SFTP server refuses", async () => {
    const denied = Object.assign(new Error("Permission denied"), { code: "HOST_ERR_SFTP_PERMISSION_DENIED", sftpStatus: 3 });
    const t = await createTestContext(plugin, {
      id: "files",
      permissions: ["hosts:read", "ssh:sftp"],
      ssh: { hosts: async () => [HOST], sftp: async () => ({ ...fsSftp(), readdir: async () => Promise.reject(denied) }) },
    });
    const res = await t.request("/list?host=h1&path=/root");
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: "FILES_ERR_PERMISSION_DENIED", message: "Permission denied: /root", sftpStatus: 3 });
  });
});
