import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { PRIVATE_DIR_MODE, privateDir, privateFile } from "@archnest/sdk/node";
import type { RequestUser } from "@archnest/sdk/plugin";
import { Hono } from "hono";
import {
  DEFAULT_LOGIN_RATE_LIMITS,
  type LoginRateLimits,
  registerAuthRoutes,
  SessionStore,
  SetupCode,
  sessionGuard,
  setupCodeFile,
  tokenFromCookieHeader,
} from "./auth/index.js";
import { type Db, databaseFile, databaseReady, openDb } from "./db/index.js";
import { meta, users } from "./db/schema.js";
import type { HostConfig } from "./env.js";
import { errorShape, HostError, hostErrorBody, onHostError } from "./errors/index.js";
import { type AppEnv, allowedHostGuard, BodyLimits, hostAllowed, originMatches, rejectMalformedPath, requestedHost, securityHeaders } from "./http/index.js";
import { createLogger, type Logger, requestLogger } from "./log/index.js";
import { HOST_OPENAPI_PATH, hostOpenApi } from "./openapi/index.js";
import { registerPrefsRoutes } from "./prefs/index.js";
import { checkMasterKey, loadMasterKey, Vault } from "./vault/index.js";

// API answers carry user data and CSRF tokens: never stored in a shared or browser cache.
const API_HEADERS = [["cache-control", "no-store"]] as const;

export interface CreateHostOptions {
  /** Extra CSP script hashes (`sha256-...`), e.g. of the web app's inline import map. */
  cspScriptHashes?: readonly string[];
  /** The host's logger; by default JSON lines on stdout at the configured level. */
  log?: Logger;
  /** Clock in Unix milliseconds (tests move it to expire sessions and rate-limit windows). */
  now?: () => number;
  loginRateLimits?: Partial<LoginRateLimits>;
}

/** What an upgrade request (WebSocket) offers for authentication: its raw headers. */
export interface UpgradeHeaders {
  cookie?: string | undefined;
  origin?: string | undefined;
  host?: string | undefined;
  /** X-Forwarded-Host, read only when the host trusts its proxy. */
  forwardedHost?: string | undefined;
}

/** A built host: the Hono app and its services, not yet listening (see serveHost). */
export interface Host {
  app: Hono<AppEnv>;
  db: Db;
  vault: Vault;
  config: HostConfig;
  log: Logger;
  sessions: SessionStore;
  /** True when an upgrade request's Host header names a host this server serves (see ARCHNEST_ALLOWED_HOSTS). */
  hostAllowed(headers: UpgradeHeaders): boolean;
  /** The request body caps: routes that need other than the default add their rule here. */
  bodyLimits: BodyLimits;
  /** `<data>/tmp`: uploads and downloads in progress, emptied at every boot. */
  tmpDir: string;
  /**
   * The signed-in user of a WebSocket upgrade request, or undefined. Refuses a cross-origin Origin
   * (cross-site WebSocket hijacking) since upgrades carry no CSRF header.
   */
  authenticateUpgrade(headers: UpgradeHeaders): Promise<RequestUser | undefined>;
  /** Registers cleanup run by close() before the database closes, last registered first. */
  onClose(fn: () => void | Promise<void>): void;
  /** Runs the onClose hooks, stops timers and closes the database. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Builds the host: opens and migrates the database, loads the vault key, and assembles the Hono app
 * with logging, security headers, the session guard on /api/*, health probes and the auth routes.
 * Routes added to `app` afterwards under /api are behind the session guard too.
 */
export async function createHost(config: HostConfig, options: CreateHostOptions = {}): Promise<Host> {
  const log = options.log ?? createLogger({ level: config.logLevel });
  const now = options.now ?? Date.now;
  try {
    // Only the host's user may read its data: secrets are sealed, but sessions, hosts and plugin data are not.
    privateDir(config.dataDir);
    privateFile(databaseFile(config.dataDir));
  } catch (cause) {
    throw new HostError("HOST_ERR_DATA_DIR", `cannot create the data folder ${config.dataDir}`, { cause });
  }
  // Uploads and downloads cut short by a crash are worthless after it: nothing in here outlives a boot.
  const tmpDir = join(config.dataDir, "tmp");
  rmSync(tmpDir, { recursive: true, force: true });
  mkdirSync(tmpDir, { mode: PRIVATE_DIR_MODE });
  const masterKey = loadMasterKey(config.masterKey, config.dataDir, log);
  const { db, client, file } = await openDb(config.dataDir);
  try {
    await checkMasterKey(db, masterKey);
    await db
      .insert(meta)
      .values({ key: "first_boot_at", value: String(now()) })
      .onConflictDoNothing();
  } catch (err) {
    client.close();
    throw err;
  }
  log.info("database ready", { file });

  const [admin] = await db.select({ id: users.id }).from(users).limit(1);
  const { setupCode, code } = SetupCode.create(config.dataDir, admin === undefined);
  // Printed for whoever started the host (it is what makes them the admin), and only until setup is done.
  if (code !== undefined) log.warn("first-run setup: enter this setup code on the setup page", { setupCode: code, file: setupCodeFile(config.dataDir) });

  const vault = new Vault(db, masterKey);
  masterKey.fill(0);
  const sessions = new SessionStore(db, { now });
  const app = new Hono<AppEnv>();
  const bodyLimits = new BodyLimits();

  app.use("*", requestLogger(log));
  // Every error answer, whoever wrote it (a route, the 402 gate, a plugin), leaves as {error, message, requestId}.
  app.use("*", errorShape());
  app.use("*", securityHeaders(options.cspScriptHashes, API_HEADERS));
  app.use("*", allowedHostGuard(config.allowedHosts, config.trustProxy));
  app.use("*", rejectMalformedPath());
  // Before the session guard too: an oversized body is refused whoever sends it.
  app.use("*", bodyLimits.middleware());
  // Before every /api route, including those added after createHost returns (plugins, UI manifest).
  app.use("/api/*", sessionGuard(sessions, config.trustProxy));

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => ((await databaseReady(db)) ? c.json({ status: "ready" }) : c.json(hostErrorBody(c, "HOST_ERR_NOT_READY"), 503)));

  // Built on first request, not at boot: turning every schema into JSON Schema is work a start need not wait for.
  let openApi: ReturnType<typeof hostOpenApi> | undefined;
  app.get(HOST_OPENAPI_PATH, (c) => {
    openApi ??= hostOpenApi();
    return c.json(openApi);
  });

  registerPrefsRoutes(app, db, bodyLimits);
  registerAuthRoutes(app, {
    db,
    sessions,
    bodyLimits,
    trustProxy: config.trustProxy,
    rateLimits: { ...DEFAULT_LOGIN_RATE_LIMITS, ...options.loginRateLimits },
    setupCode,
    now,
  });

  app.notFound((c) => c.json(hostErrorBody(c, "HOST_ERR_NOT_FOUND"), 404));
  app.onError(onHostError(log));

  const pruneTimer = setInterval(
    () => {
      sessions.prune().catch((err: unknown) => log.warn("session pruning failed", { err }));
    },
    60 * 60 * 1000,
  );
  pruneTimer.unref();
  await sessions.prune();

  const upgradeHostAllowed = (headers: UpgradeHeaders): boolean =>
    hostAllowed(requestedHost(headers.host, headers.forwardedHost, config.trustProxy), config.allowedHosts);
  const closers: (() => void | Promise<void>)[] = [];
  let closed: Promise<void> | undefined;

  return {
    app,
    db,
    vault,
    config,
    log,
    sessions,
    hostAllowed: upgradeHostAllowed,
    bodyLimits,
    tmpDir,
    async authenticateUpgrade(headers) {
      if (!upgradeHostAllowed(headers)) return undefined;
      if (!originMatches(headers.origin, headers.host)) return undefined;
      const token = tokenFromCookieHeader(headers.cookie);
      const found = token === undefined ? undefined : await sessions.lookup(token);
      return found?.session.user;
    },
    onClose(fn) {
      closers.push(fn);
    },
    close() {
      closed ??= (async () => {
        clearInterval(pruneTimer);
        for (const fn of closers.reverse()) {
          try {
            await fn();
          } catch (err) {
            log.error("close hook failed", { err });
          }
        }
        client.close();
      })();
      return closed;
    },
  };
}
