import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
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
    const setup = await fetch(`${url}/api/setup`, { method: "POST", headers: json, body: credentials });
    expect(setup.status).toBe(201);

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
