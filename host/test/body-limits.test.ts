// Request bodies are capped while they are read, in the real host process: an oversized body, declared or
// chunked, is answered 413 with a code and the process's memory stays flat; uploads are streamed into the
// data folder's tmp/ and a crash leaves none behind; malformed paths answer 400.
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestTrust, packAndSign, peakMemoryGrowth, sendOversizedBody } from "@archnest/sdk/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HostProcess, readSetupCode, startHostProcess } from "../src/testing/index.js";

const NOTES = new URL("../../plugins/notes", import.meta.url).pathname;
const MiB = 1024 * 1024;
const UPLOAD_CAP = 16 * MiB;
// Well past every cap; the client stops as soon as the host answers.
const OFFERED = 200 * MiB;
// What a refused request may add to the host's resident memory beyond its cap: stream buffers, GC slack.
const MARGIN = 32 * MiB;

const trust = createTestTrust();
const dir = mkdtempSync(join(tmpdir(), "archnest-limits-"));
const dataDir = join(dir, "data");
const osTmp = join(dir, "os-tmp");
let host: HostProcess;
let admin: Record<string, string> = {};
let tarball = "";

function env(): Record<string, string> {
  mkdirSync(join(dir, "trust"), { recursive: true });
  const files = trust.writeFiles(join(dir, "trust"));
  const core = join(dir, "no-core-plugins");
  mkdirSync(core, { recursive: true });
  mkdirSync(osTmp, { recursive: true });
  return {
    HOME: dir,
    TMPDIR: osTmp,
    XDG_CONFIG_HOME: join(dir, "config"),
    ARCHNEST_DATA_DIR: dataDir,
    ARCHNEST_PORT: "0",
    ARCHNEST_LOG_LEVEL: "info",
    ARCHNEST_DEV: "1",
    ARCHNEST_DEV_TRUST_ROOT: files.rootPub,
    ARCHNEST_DEV_TRUST_KEYRING: files.keyring,
    ARCHNEST_CORE_PLUGINS_DIR: core,
    ARCHNEST_MAX_UPLOAD_BYTES: String(UPLOAD_CAP),
  };
}

async function install(url: string, headers: Record<string, string>): Promise<Response> {
  const form = new FormData();
  form.set("file", new Blob([readFileSync(tarball)]), "notes.tgz");
  form.append("acceptPermissions", "storage");
  return fetch(`${url}/api/plugins/install`, { method: "POST", headers, body: form });
}

beforeAll(async () => {
  tarball = await packAndSign(NOTES, trust.release, join(dir, "notes.tgz"));
  host = await startHostProcess(env());
  const setup = await fetch(`${host.url}/api/setup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password: "correct horse battery", setupCode: readSetupCode(dataDir) }),
  });
  expect(setup.status).toBe(201);
  const { csrfToken } = (await setup.json()) as { csrfToken: string };
  admin = { cookie: (setup.headers.get("set-cookie") ?? "").split(";")[0] ?? "", "x-archnest-csrf": csrfToken, origin: host.url };
  // A multipart upload, as the web app sends it, streamed through the form parser.
  const installed = await install(host.url, admin);
  expect(installed.status, await installed.clone().text()).toBe(201);
}, 120_000);

afterAll(async () => {
  await host?.kill();
  rmSync(dir, { recursive: true, force: true });
});

interface Target {
  name: string;
  method: string;
  path: string;
  cap: number;
  code: string;
  headers: () => Record<string, string>;
  prefix: string;
}

const json = { "content-type": "application/json" };
const TARGETS: Target[] = [
  {
    name: "sign-in (public)",
    method: "POST",
    path: "/api/auth/login",
    cap: 16 * 1024,
    code: "HOST_ERR_PAYLOAD_TOO_LARGE",
    headers: () => json,
    prefix: '{"username":"admin","password":"',
  },
  {
    name: "an SSH host (JSON)",
    method: "POST",
    path: "/api/hosts",
    cap: MiB,
    code: "HOST_ERR_PAYLOAD_TOO_LARGE",
    headers: () => ({ ...admin, ...json }),
    prefix: '{"name":"',
  },
  {
    name: "a plugin upload (raw)",
    method: "POST",
    path: "/api/plugins/install?acceptPermissions=storage",
    cap: UPLOAD_CAP,
    code: "HOST_ERR_UPLOAD_TOO_LARGE",
    headers: () => ({ ...admin, "content-type": "application/gzip" }),
    prefix: "",
  },
  {
    name: "a plugin upload (multipart)",
    method: "POST",
    path: "/api/plugins/install",
    cap: UPLOAD_CAP,
    code: "HOST_ERR_UPLOAD_TOO_LARGE",
    headers: () => ({ ...admin, "content-type": "multipart/form-data; boundary=x" }),
    prefix: '--x\r\nContent-Disposition: form-data; name="file"; filename="p.tgz"\r\nContent-Type: application/gzip\r\n\r\n',
  },
  {
    name: "a plugin's settings",
    method: "PUT",
    path: "/api/plugins/notes/settings",
    cap: 64 * 1024,
    code: "HOST_ERR_PAYLOAD_TOO_LARGE",
    headers: () => ({ ...admin, ...json }),
    prefix: '{"values":{"title":"',
  },
  {
    name: "a plugin's route",
    method: "POST",
    path: "/api/plugins/notes/notes",
    cap: MiB,
    code: "HOST_ERR_PAYLOAD_TOO_LARGE",
    headers: () => ({ ...admin, ...json }),
    prefix: '{"text":"',
  },
];

describe("request body limits in the running host", () => {
  for (const t of TARGETS) {
    for (const declared of [true, false]) {
      it(`${t.name}: a ${declared ? "declared" : "chunked"} 200 MiB body answers 413 ${t.code}, and memory stays within the cap`, async () => {
        let status: number | undefined;
        let body = "";
        let error: string | undefined;
        const growth = await peakMemoryGrowth(host.pid, async () => {
          ({ status, body, error } = await sendOversizedBody(`${host.url}${t.path}`, {
            method: t.method,
            headers: t.headers(),
            bytes: OFFERED,
            declared,
            prefix: t.prefix,
          }));
        });
        expect(status, error ?? body).toBe(413);
        expect(JSON.parse(body)).toMatchObject({ error: t.code });
        expect(growth).toBeLessThan(t.cap + MARGIN);
        // The host still answers: nothing was left half done.
        expect((await fetch(`${host.url}/healthz`)).status).toBe(200);
      }, 30_000);
    }
  }

  it("keeps a body within its cap working: a note under 1 MiB sent chunked is saved", async () => {
    const text = "n".repeat(1500);
    const res = await new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
      const req = request(`${host.url}/api/plugins/notes/notes`, { method: "POST", headers: { ...admin, ...json } }, (r) => {
        let b = "";
        r.on("data", (c: Buffer) => {
          b += c.toString();
        });
        r.on("end", () => resolve({ status: r.statusCode, body: b }));
      });
      req.on("error", reject);
      // Two writes without a length: chunked transfer encoding.
      req.write('{"text":"');
      req.end(`${text}"}`);
    });
    expect(res.status, res.body).toBe(201);
    expect(JSON.parse(res.body)).toMatchObject({ text });
  });

  it("refuses an empty upload with a code and a message that names no file of the server", async () => {
    const res = await fetch(`${host.url}/api/plugins/install`, { method: "POST", headers: { ...admin, "content-type": "application/gzip" }, body: "" });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe("HOST_ERR_BAD_UPLOAD");
    expect(body.message).not.toMatch(/\/|upload\.tgz/);
  });
});

describe("malformed percent-encoding", () => {
  it("answers 400 HOST_ERR_BAD_PATH on every route, signed in or not, instead of a 500", async () => {
    for (const [path, headers] of [
      ["/api/plugins/%E0%A4%A", admin],
      ["/api/hosts/%zz", admin],
      ["/api/plugins/notes/notes/%zz", admin],
      ["/api/ui/assets/notes/1.0.0/%E0%A4%A", admin],
      ["/api/plugins/%zz/settings", admin],
      ["/%zz", {}],
    ] as const) {
      const res = await fetch(`${host.url}${path}`, { headers });
      expect(res.status, path).toBe(400);
      expect(await res.json(), path).toMatchObject({ error: "HOST_ERR_BAD_PATH" });
    }
  });
});

describe("the data folder", () => {
  function walk(path: string): { path: string; mode: number; dir: boolean }[] {
    const st = lstatSync(path);
    const here = { path, mode: st.mode & 0o777, dir: st.isDirectory() };
    return st.isDirectory() ? [here, ...readdirSync(path).flatMap((name) => walk(join(path, name)))] : [here];
  }

  it("is readable by the host's user only after boot and an install: folders 0700, no file open to group or others", () => {
    const entries = walk(dataDir);
    const names = entries.map((e) => e.path.slice(dataDir.length));
    expect(names).toEqual(expect.arrayContaining(["/archnest.db", "/archnest.db-wal", "/tmp", "/plugins/notes"]));
    for (const e of entries) {
      if (e.dir) expect(e.mode.toString(8), e.path).toBe("700");
      else expect(e.mode & 0o077, e.path).toBe(0);
    }
  });
});

describe("a crash during an upload", () => {
  it("leaves no upload behind: it was in <data>/tmp while it ran, and a restart empties that folder", async () => {
    const tmp = join(dataDir, "tmp");
    const req = request(`${host.url}/api/plugins/install?acceptPermissions=storage`, {
      method: "POST",
      headers: { ...admin, "content-type": "application/gzip" },
    });
    req.on("error", () => undefined);
    req.write(Buffer.alloc(MiB, 1));
    // Bounded wait for the host to start writing the upload.
    for (let i = 0; i < 100 && readdirSync(tmp).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(readdirSync(tmp)).toHaveLength(1);
    await host.kill();
    req.destroy();

    host = await startHostProcess(env());
    expect(readdirSync(tmp)).toEqual([]);
    expect(readdirSync(osTmp).filter((name) => name.startsWith("archnest-"))).toEqual([]);
    expect((await fetch(`${host.url}/healthz`)).status).toBe(200);
  }, 90_000);
});
