import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const hostDir = fileURLToPath(new URL("..", import.meta.url));
const mainJs = join(hostDir, "dist", "main.js");
const dir = mkdtempSync(join(tmpdir(), "archnest-proc-"));
let child: ChildProcess | undefined;
let output = "";

function waitForUrl(proc: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    proc.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      output += chunk.toString();
      for (const line of buffered.split("\n")) {
        try {
          const record = JSON.parse(line) as { url?: string };
          if (record.url) resolve(record.url);
        } catch {
          // an incomplete line: wait for more
        }
      }
    });
    proc.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    proc.once("exit", (code) => reject(new Error(`the host exited with ${code} before listening:\n${output}`)));
  });
}

/** The first value of `field` among the JSON log lines printed so far. */
function logged(field: string): unknown {
  for (const line of output.split("\n")) {
    try {
      const record = JSON.parse(line) as Record<string, unknown>;
      if (record[field] !== undefined) return record[field];
    } catch {
      // not a JSON line
    }
  }
  return undefined;
}

interface RawResponse {
  status: number;
  contentType: string;
  body: string;
}

/**
 * One HTTP request with full control of what fetch() will not let a caller set: the Host header, upgrade
 * headers, and the local address the connection comes from (any 127.x.y.z on Linux loopback).
 */
function rawRequest(url: string, init: { method?: string; headers?: Record<string, string>; body?: string; localAddress?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? "GET", headers: init.headers, localAddress: init.localAddress }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"] ?? ""), body }));
    });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, contentType: "", body: "" });
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

function exitCode(proc: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    // "close" waits for stdout to drain, so the last log lines are in `output`.
    proc.once("close", (code) => resolve(code));
  });
}

beforeAll(() => {
  // `npm test` builds first; a lone run of this file builds the host if it was never built.
  if (!existsSync(mainJs)) execFileSync("npx", ["turbo", "run", "build", "--filter=@archnest/host"], { cwd: hostDir, stdio: "ignore" });
});

afterAll(() => {
  if (child && child.exitCode === null && child.pid !== undefined) process.kill(child.pid, "SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

describe("node host/dist/main.js", () => {
  it("serves health, setup, login, me and logout, and exits 0 on SIGTERM", async () => {
    child = spawn(process.execPath, [mainJs], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: dir,
        XDG_CONFIG_HOME: join(dir, "config"),
        ARCHNEST_DATA_DIR: join(dir, "data"),
        ARCHNEST_PORT: "0",
        ARCHNEST_HOST: "127.0.0.1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const url = await waitForUrl(child);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(await ready.json()).toEqual({ status: "ready" });
    expect(await (await fetch(`${url}/api/setup`)).json()).toEqual({ needsSetup: true });

    const json = { "content-type": "application/json" };
    const credentials = JSON.stringify({ username: "ann", password: "correct horse battery" });
    // First run belongs to whoever started the host: the code is in its log and, 0600, in its data folder.
    const codeFile = join(dir, "data", "setup-code");
    const setupCode = logged("setupCode");
    expect(setupCode).toMatch(/^[0-9a-f]{32}$/);
    expect(readFileSync(codeFile, "utf8").trim()).toBe(setupCode);
    expect(statSync(codeFile).mode & 0o777).toBe(0o600);
    for (const code of [undefined, "not the code"]) {
      const refused = await fetch(`${url}/api/setup`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ username: "eve", password: "correct horse battery", setupCode: code }),
      });
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ error: "HOST_ERR_SETUP_CODE" });
    }
    expect(await (await fetch(`${url}/api/setup`)).json()).toEqual({ needsSetup: true });
    const setup = await fetch(`${url}/api/setup`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ username: "ann", password: "correct horse battery", setupCode }),
    });
    expect(setup.status).toBe(201);
    expect(existsSync(codeFile)).toBe(false);

    const login = await fetch(`${url}/api/auth/login`, { method: "POST", headers: { ...json, origin: url }, body: credentials });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] as string;
    const { csrfToken } = (await login.json()) as { csrfToken: string };

    const me = await fetch(`${url}/api/auth/me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ user: { username: "ann", role: "admin" }, csrfToken });

    const logout = await fetch(`${url}/api/auth/logout`, { method: "POST", headers: { cookie, "x-archnest-csrf": csrfToken, origin: url } });
    expect(logout.status).toBe(204);
    expect((await fetch(`${url}/api/auth/me`, { headers: { cookie } })).status).toBe(401);

    // Every line on stdout is one JSON object, and none carries the password or the session token.
    const lines = output.split("\n").filter((l) => l.trim() !== "");
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    expect(output).not.toContain("correct horse battery");
    expect(output).not.toContain(cookie.split("=")[1]);
    expect(output).toContain(join(dir, "config", "archnest"));

    child.kill("SIGTERM");
    expect(await exitCode(child)).toBe(0);
    expect(output).toContain('"msg":"stopped"');
  });

  it("refuses every route, the WebSocket upgrade included, for a Host it does not serve (DNS rebinding)", async () => {
    output = "";
    const proc = spawn(process.execPath, [mainJs], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: dir,
        XDG_CONFIG_HOME: join(dir, "config"),
        ARCHNEST_DATA_DIR: join(dir, "data-rebind"),
        ARCHNEST_PORT: "0",
        ARCHNEST_HOST: "127.0.0.1",
        ARCHNEST_ALLOWED_HOSTS: "archnest.example",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = proc;
    const url = await waitForUrl(proc);
    const port = new URL(url).port;
    const setupBody = JSON.stringify({ username: "eve", password: "correct horse battery", setupCode: logged("setupCode") });
    const post = { method: "POST", body: setupBody };
    const upgrade = { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==" };

    for (const host of ["evil.example", `evil.example:${port}`, "archnest.example.evil.example", "localhost.evil.example"]) {
      const json = { host, "content-type": "application/json" };
      for (const [path, init] of [
        ["/", {}],
        ["/healthz", {}],
        ["/api/setup", { ...post, headers: json }],
        ["/api/plugins/terminal/anything", {}],
      ] as const) {
        const res = await rawRequest(`${url}${path}`, { headers: { host }, ...init });
        expect(res.status, `${host} ${path}`).toBe(421);
        if (path.startsWith("/api/")) expect(JSON.parse(res.body)).toMatchObject({ error: "HOST_ERR_HOST_NOT_ALLOWED" });
        else {
          expect(res.contentType).toContain("text/plain");
          expect(res.body).toContain("HOST_ERR_HOST_NOT_ALLOWED");
        }
      }
      expect((await rawRequest(`${url}/api/plugins/terminal/ws/session`, { headers: { host, ...upgrade } })).status).toBe(421);
    }
    // The refused setup did not happen.
    expect(await (await fetch(`${url}/api/setup`)).json()).toEqual({ needsSetup: true });

    // Names it serves: loopback names and addresses with any port, and the allow-list.
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, "[::1]", "LOCALHOST", "archnest.example", `Archnest.Example:${port}`]) {
      expect((await rawRequest(`${url}/healthz`, { headers: { host } })).status, host).toBe(200);
    }
    // An upgrade by a served name gets past the host check to the session check.
    expect((await rawRequest(`${url}/api/plugins/terminal/ws/session`, { headers: { host: `127.0.0.1:${port}`, ...upgrade } })).status).toBe(401);

    proc.kill("SIGTERM");
    expect(await exitCode(proc)).toBe(0);
  });

  it("keeps the admin able to sign in from their address after many wrong guesses from another", async () => {
    output = "";
    const proc = spawn(process.execPath, [mainJs], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: dir,
        XDG_CONFIG_HOME: join(dir, "config"),
        ARCHNEST_DATA_DIR: join(dir, "data-guess"),
        ARCHNEST_PORT: "0",
        ARCHNEST_HOST: "127.0.0.1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = proc;
    const url = await waitForUrl(proc);
    const json = { "content-type": "application/json" };
    const password = "correct horse battery";
    const setup = await fetch(`${url}/api/setup`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ username: "ann", password, setupCode: logged("setupCode") }),
    });
    expect(setup.status).toBe(201);

    const login = (from: string, pass: string) =>
      rawRequest(`${url}/api/auth/login`, { method: "POST", headers: json, body: JSON.stringify({ username: "ann", password: pass }), localAddress: from });
    for (let i = 0; i < 11; i++) expect((await login("127.0.0.2", `wrong guess ${i}`)).status).toBe(401);
    const fromAdmin = await login("127.0.0.1", password);
    expect(fromAdmin.status).toBe(200);
    expect(JSON.parse(fromAdmin.body)).toMatchObject({ user: { username: "ann" } });
    // The guesses were slowed down and logged with the guessing address.
    expect(output).toMatch(/"msg":"login failed"[^\n]*"address":"127\.0\.0\.2"[^\n]*"delayMs":[1-9]/);

    proc.kill("SIGTERM");
    expect(await exitCode(proc)).toBe(0);
  });

  it("refuses a bad configuration with exit code 1 and a coded message naming the variable", async () => {
    output = "";
    const bad = spawn(process.execPath, [mainJs], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", HOME: dir, ARCHNEST_DATA_DIR: join(dir, "data2"), ARCHNEST_PORT: "eighty" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    bad.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    expect(await exitCode(bad)).toBe(1);
    expect(output).toContain("HOST_ERR_CONFIG_INVALID");
    expect(output).toContain("ARCHNEST_PORT");
  });
});
