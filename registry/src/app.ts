import { rmSync } from "node:fs";
import { join } from "node:path";
import { errorBody, isSdkError } from "@archnest/sdk";
import { privateDir, privateFile } from "@archnest/sdk/node";
import { findKey, type Keyring, verifyKeyring } from "@archnest/sdk/trust";
import { Hono } from "hono";
import Stripe from "stripe";
import { createInstallAuth } from "./auth/install-auth.js";
import { type CheckoutMode, type RegistryConfig, resolveRegistryConfig } from "./config.js";
import { openDatabase } from "./db/index.js";
import { isRegistryError, RegistryError } from "./errors/index.js";
import { bodyLimit, rejectMalformedPath } from "./http.js";
import { createLibraries } from "./libraries/index.js";
import { createLogger, requestLog, stdoutSink } from "./log/index.js";
import { REGISTRY_OPENAPI_PATH, registryOpenApi } from "./openapi/index.js";
import { createPackages, PublishRefused } from "./packages/index.js";
import { loadOrCreateNpmKey, npmSigner } from "./packages/npm-signer.js";
import { createPublishers } from "./publishers/index.js";
import { createPurchases } from "./purchases/index.js";
import { adminRoutes } from "./routes/admin.js";
import { installRoutes } from "./routes/installs.js";
import { packumentRoutes, publicRoutes } from "./routes/public.js";
import { publishRoutes } from "./routes/publish.js";
import { publisherRoutes } from "./routes/publishers.js";
import { MAX_WEBHOOK_BYTES, purchaseRoutes } from "./routes/purchases.js";
import type { AppEnv, Services } from "./services.js";
import { LocalTarballStorage } from "./storage/index.js";
import { createTarballCache } from "./storage/tarball-cache.js";

/** A registry built but not listening: `app.fetch` serves requests, `close` releases the database. */
export interface Registry {
  app: Hono<AppEnv>;
  /** How this registry takes purchases (also in GET /readyz). */
  checkout: CheckoutMode;
  close(): Promise<void>;
}

function checkTrust(config: RegistryConfig, now: Date): Keyring {
  let keyring: Keyring;
  try {
    keyring = verifyKeyring(config.trust.keyring, { rootKeys: config.trust.rootKeys, now });
  } catch (err) {
    throw new RegistryError("REG_ERR_CONFIG", `The keyring is not usable: ${isSdkError(err) ? `${err.message} [${err.code}]` : String(err)}`);
  }
  // A key the keyring does not list for its role would sign documents every host refuses: fail at boot.
  if (!findKey(keyring, config.licenseKey.keyid, "license")) {
    throw new RegistryError("REG_ERR_CONFIG", `The license key ${config.licenseKey.keyid.slice(0, 16)} is not listed in the keyring with role "license".`);
  }
  if (!findKey(keyring, config.indexKey.keyid, "index")) {
    throw new RegistryError("REG_ERR_CONFIG", `The index key ${config.indexKey.keyid.slice(0, 16)} is not listed in the keyring with role "index".`);
  }
  return keyring;
}

function stripeClient(config: RegistryConfig): Stripe | undefined {
  if (!config.stripe) return undefined;
  const base = config.stripe.apiBase ? new URL(config.stripe.apiBase) : undefined;
  return new Stripe(config.stripe.secretKey, {
    telemetry: false,
    maxNetworkRetries: 1,
    ...(base && { host: base.hostname, port: base.port || (base.protocol === "http:" ? 80 : 443), protocol: base.protocol === "http:" ? "http" : "https" }),
  });
}

/**
 * Builds the registry: opens and migrates the database, checks the keys against the keyring, and
 * returns the Hono app without listening (tests call `app.request`, main.ts serves it).
 *
 * @example
 * ```ts
 * const { app, close } = await createRegistry(config);
 * const res = await app.request("/v1/catalog");
 * ```
 */
export async function createRegistry(given: RegistryConfig): Promise<Registry> {
  const config = resolveRegistryConfig(given);
  const now = config.now ?? (() => new Date());
  const logger = createLogger(config.log ?? stdoutSink, now);
  if (config.checkout === "unavailable") {
    logger.log({
      level: "warn",
      msg: "checkout unavailable: Stripe is not configured and the development checkout is off; purchases are refused with REG_ERR_CHECKOUT_UNCONFIGURED",
      checkout: config.checkout,
    });
  } else if (config.checkout === "development") {
    logger.log({ level: "warn", msg: "development checkout on: purchases complete without payment", checkout: config.checkout });
  }
  const keyring = checkTrust(config, now());
  // Uploads cut short by a crash are worthless after it; then the whole data folder (database, tarballs,
  // keys) is made readable by this user only, as the host's is.
  const uploadDir = join(config.dataDir, "uploads");
  const signer = npmSigner(config.npmKey ?? loadOrCreateNpmKey(join(config.dataDir, "keys", "npm-signing.pem")));
  rmSync(uploadDir, { recursive: true, force: true });
  privateDir(config.dataDir);
  const dbFile = join(config.dataDir, "registry.db");
  if (!config.databaseUrl) privateFile(dbFile);
  const { db, client } = await openDatabase({
    url: config.databaseUrl ?? `file:${dbFile}`,
    ...(config.databaseAuthToken && { authToken: config.databaseAuthToken }),
  });
  const storage = config.storage ?? new LocalTarballStorage(join(config.dataDir, "tarballs"));
  const svc: Services = {
    config,
    db,
    storage,
    tarballs: createTarballCache(storage, config.tarballCacheBytes),
    logger,
    now,
    installAuth: createInstallAuth(db, client, now),
    keyring,
    publishers: createPublishers(db, keyring, now),
    purchases: createPurchases(db, now),
    packages: createPackages({
      db,
      storage,
      keyring,
      rootKeys: config.trust.rootKeys,
      indexKey: config.indexKey,
      npmSigner: signer,
      uploadDir,
      publicUrl: config.publicUrl,
      statusTtlMs: config.statusTtlMs,
      now,
    }),
    libraries: createLibraries({ dir: config.libraryDir ?? join(config.dataDir, "libraries"), publicUrl: config.publicUrl, npmSigner: signer }),
    stripe: stripeClient(config),
  };

  const app = new Hono<AppEnv>();
  app.use(requestLog(logger));
  app.use(rejectMalformedPath());
  app.use(bodyLimit({ "PUT /v1/packages": config.maxTarballBytes, "POST /v1/stripe/webhook": MAX_WEBHOOK_BYTES }));
  // Every error answers {error, message, requestId}; `code` repeats `error` for hosts before SDK 1.1, which read it.
  app.onError((err, c) => {
    const requestId = c.get("requestId");
    if (isRegistryError(err)) {
      const body = { ...errorBody(err, requestId), code: err.code };
      // The 402 of a paid tarball keeps the `module_required` code hosts and the web app share for it.
      if (typeof err.extra.error === "string") body.error = err.extra.error;
      return c.json(body, err.status as 400);
    }
    if (err instanceof PublishRefused) {
      return c.json({ ...errorBody({ code: err.code, message: err.message, details: err.details }, requestId), code: err.code }, 422);
    }
    logger.log({ level: "error", msg: "unhandled error", requestId, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    return c.json({ ...errorBody(new RegistryError("REG_ERR_INTERNAL"), requestId), code: "REG_ERR_INTERNAL" }, 500);
  });
  app.notFound((c) => c.json({ ...errorBody(new RegistryError("REG_ERR_NOT_FOUND", "No such route."), c.get("requestId")), code: "REG_ERR_NOT_FOUND" }, 404));

  const openApi = registryOpenApi();
  app.get(REGISTRY_OPENAPI_PATH, (c) => c.json(openApi));
  app.route("/", publicRoutes(svc));
  app.route("/", publishRoutes(svc));
  app.route("/", publisherRoutes(svc));
  app.route("/", installRoutes(svc));
  app.route("/", purchaseRoutes(svc));
  app.route("/", adminRoutes(svc));
  app.route("/", packumentRoutes(svc));

  const pruner = setInterval(() => {
    svc.installAuth.prune(now().getTime()).catch((err: unknown) => logger.log({ level: "warn", msg: "nonce prune failed", error: String(err) }));
  }, 60_000);
  pruner.unref();

  return {
    app,
    checkout: config.checkout,
    async close() {
      clearInterval(pruner);
      client.close();
    },
  };
}
