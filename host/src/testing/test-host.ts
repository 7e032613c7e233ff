import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CreateHostOptions, createHost, type Host } from "../app.js";
import { setupCodeFile } from "../auth/index.js";
import { hashPassword } from "../auth/password.js";
import { type BootOptions, bootHost } from "../boot.js";
import { users } from "../db/schema.js";
import { loadEnv } from "../env.js";
import { createLogger, type Logger } from "../log/index.js";

export interface TestHost {
  host: Host;
  /** Temp folder holding the data folder and the config home. */
  dir: string;
  /** Log lines written so far (parsed JSON). */
  lines: Record<string, unknown>[];
  /** Closes the host and deletes the temp folder. */
  cleanup(): Promise<void>;
}

/** A fresh temp folder, a configuration on it with a random master key, and a logger kept in memory. */
function testSetting(env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "archnest-host-"));
  const lines: Record<string, unknown>[] = [];
  const log: Logger = createLogger({ level: "debug", write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  // No core plugins unless a test asks: each test installs what it exercises.
  const noCorePlugins = join(dir, "core-plugins");
  mkdirSync(noCorePlugins);
  const config = loadEnv({
    ARCHNEST_DATA_DIR: join(dir, "data"),
    ARCHNEST_MASTER_KEY: randomBytes(32).toString("base64"),
    XDG_CONFIG_HOME: join(dir, "config"),
    ARCHNEST_CORE_PLUGINS_DIR: noCorePlugins,
    ...env,
  });
  return { dir, lines, log, config };
}

/**
 * The whole host as production assembles it (bootHost: kernel, plugin runtime, SSH, web app when asked)
 * on a fresh temp data folder, with logs captured in memory.
 */
export async function bootTestHost(options: BootOptions & { env?: Record<string, string> } = {}) {
  const { dir, lines, log, config } = testSetting(options.env);
  const { env: _env, ...bootOptions } = options;
  const { host, plugins } = await bootHost(config, { log, web: "off", ...bootOptions });
  return { t: testHost(host, dir, lines), plugins };
}

/**
 * A host on a fresh temp data folder with a random master key in the environment and logs captured in
 * memory: what host tests (and plugin runtime tests) build on.
 */
export async function createTestHost(options: CreateHostOptions & { env?: Record<string, string> } = {}): Promise<TestHost> {
  const { dir, lines, log, config } = testSetting(options.env);
  const { env: _env, ...hostOptions } = options;
  return testHost(await createHost(config, { log, ...hostOptions }), dir, lines);
}

/** A test host whose cleanup closes it and removes its data folder. */
function testHost(host: Host, dir: string, lines: TestHost["lines"]): TestHost {
  return {
    host,
    dir,
    lines,
    async cleanup() {
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface SignedIn {
  cookie: string;
  csrfToken: string;
  /** Headers for an authenticated change: cookie and CSRF token. */
  headers: Record<string, string>;
}

/**
 * The first-run setup code of a host with this data folder, as the person who started it reads it; for
 * tests and benchmarks that create the admin (POST /api/setup needs it).
 */
export function readSetupCode(dataDir: string): string {
  return readFileSync(setupCodeFile(dataDir), "utf8").trim();
}

/** The password {@link setupAdmin} gives the admin unless told otherwise (and `signIn` types by default). */
export const ADMIN_PASSWORD = "correct horse battery";

/** Runs setup (first call) and returns the session cookie and CSRF token. */
export async function setupAdmin(host: Host, username = "admin", password = ADMIN_PASSWORD): Promise<SignedIn> {
  const res = await host.app.request("/api/setup", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password, setupCode: readSetupCode(host.config.dataDir) }),
  });
  if (res.status !== 201) throw new Error(`setup answered ${res.status}: ${await res.text()}`);
  return signedIn(res);
}

/** The session cookie and CSRF token of a login or setup response. */
/**
 * Adds a member (the role multi-user gives non-admins) straight into the database, there being no API for
 * it in the free core, and signs them in.
 *
 * @example
 * ```ts
 * const member = await addMember(t.host, "member", "member password 123");
 * ```
 */
export async function addMember(host: Host, username: string, password: string): Promise<SignedIn> {
  await host.db.insert(users).values({ id: randomUUID(), username, passwordHash: await hashPassword(password), role: "member", createdAt: Date.now() });
  const res = await host.app.request("/api/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`the member's sign-in answered ${res.status}: ${await res.text()}`);
  return signedIn(res);
}

export async function signedIn(res: Response): Promise<SignedIn> {
  const setCookie = res.headers.get("set-cookie") ?? "";
  const cookie = setCookie.split(";")[0] ?? "";
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie, csrfToken, headers: { cookie, "x-archnest-csrf": csrfToken } };
}

/** A response's JSON body as a plain record (tests read `error`, `message` and friends from it). */
export async function jsonOf(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}
