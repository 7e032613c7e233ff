import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { privateKeyFromEnv } from "@archnest/sdk/node";
import { type KeyPair, type PublicKey, parsePrivateKeyPem, parsePublicKeyPem } from "@archnest/sdk/trust";
import type { RegistryConfig } from "./config.js";
import { RegistryError } from "./errors/index.js";
import { parseNpmKey } from "./packages/npm-signer.js";
import { S3TarballStorage } from "./storage/index.js";

/** The registry's settings as read from the environment; the only place process.env is read. */
export interface RegistryEnv {
  port: number;
  host: string;
  /** ARCHNEST_REGISTRY_PUBLIC_URL when set; otherwise main.ts uses the address it bound. */
  publicUrlFromEnv: string | undefined;
  config: RegistryConfig;
}

function readText(path: string, what: string, variable: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new RegistryError("REG_ERR_CONFIG", `Cannot read the ${what} at ${path}; set ${variable}.`);
  }
}

function privateKey(env: NodeJS.ProcessEnv, name: "LICENSE" | "INDEX", fallback: string): KeyPair {
  const inline = env[`ARCHNEST_REGISTRY_${name}_KEY`];
  const fileVar = `ARCHNEST_REGISTRY_${name}_KEY_FILE`;
  try {
    if (inline) return privateKeyFromEnv(inline);
    return parsePrivateKeyPem(readText(env[fileVar] ?? fallback, `${name.toLowerCase()} key`, fileVar));
  } catch (err) {
    if (err instanceof RegistryError) throw err;
    throw new RegistryError("REG_ERR_CONFIG", `The ${name.toLowerCase()} key is not an Ed25519 private key (ARCHNEST_REGISTRY_${name}_KEY or ${fileVar}).`);
  }
}

/**
 * Reads the registry's configuration from the environment. Key material defaults to files under
 * `<data dir>/keys/` (license.key, index.key, root.pub, keyring.json), where `npm start` writes dev keys.
 *
 * @example
 * ```ts
 * const { port, host, config } = readEnv(process.env);
 * ```
 */
export function readEnv(env: NodeJS.ProcessEnv = process.env): RegistryEnv {
  const port = Number(env.ARCHNEST_REGISTRY_PORT ?? "8766");
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RegistryError("REG_ERR_CONFIG", "ARCHNEST_REGISTRY_PORT must be a port number.");
  const host = env.ARCHNEST_REGISTRY_HOST ?? "127.0.0.1";
  const dataDir = resolve(env.ARCHNEST_REGISTRY_DATA_DIR ?? "./data/registry");
  const keys = join(dataDir, "keys");
  const publicUrl = env.ARCHNEST_REGISTRY_PUBLIC_URL ?? `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  if (!URL.canParse(publicUrl)) throw new RegistryError("REG_ERR_CONFIG", "ARCHNEST_REGISTRY_PUBLIC_URL must be a URL.");

  const rootPaths = (env.ARCHNEST_REGISTRY_ROOT_PUB ?? join(keys, "root.pub"))
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  const rootKeys: PublicKey[] = rootPaths.map((p) => {
    try {
      return parsePublicKeyPem(readText(p, "trusted root public key", "ARCHNEST_REGISTRY_ROOT_PUB"));
    } catch (err) {
      if (err instanceof RegistryError) throw err;
      throw new RegistryError("REG_ERR_CONFIG", `${p} is not an Ed25519 public key (ARCHNEST_REGISTRY_ROOT_PUB).`);
    }
  });
  const keyringPath = env.ARCHNEST_REGISTRY_KEYRING ?? join(keys, "keyring.json");
  let keyring: unknown;
  try {
    keyring = JSON.parse(readText(keyringPath, "keyring", "ARCHNEST_REGISTRY_KEYRING"));
  } catch (err) {
    if (err instanceof RegistryError) throw err;
    throw new RegistryError("REG_ERR_CONFIG", `${keyringPath} is not JSON (ARCHNEST_REGISTRY_KEYRING).`);
  }

  const secretKey = env.STRIPE_SECRET_KEY;
  const webhookSecret = env.STRIPE_WEBHOOK_SECRET;
  if (Boolean(secretKey) !== Boolean(webhookSecret)) {
    throw new RegistryError("REG_ERR_CONFIG", "Set both STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET, or neither.");
  }
  const devCheckoutText = env.ARCHNEST_REGISTRY_DEV_CHECKOUT?.trim().toLowerCase() ?? "";
  if (!["", "0", "1", "true", "false", "yes", "no", "on", "off"].includes(devCheckoutText)) {
    throw new RegistryError("REG_ERR_CONFIG", "ARCHNEST_REGISTRY_DEV_CHECKOUT must be 1/true or 0/false.");
  }
  const devCheckout = ["1", "true", "yes", "on"].includes(devCheckoutText);
  if (devCheckout && secretKey) {
    throw new RegistryError(
      "REG_ERR_CONFIG",
      "ARCHNEST_REGISTRY_DEV_CHECKOUT is set beside the Stripe keys: a registry that takes payments never gives modules away.",
    );
  }
  const apiBase = env.STRIPE_API_BASE;
  if (apiBase !== undefined && !URL.canParse(apiBase)) throw new RegistryError("REG_ERR_CONFIG", "STRIPE_API_BASE must be a URL.");

  // Tarballs in an S3-compatible bucket when one is named; a folder under the data dir otherwise.
  let storage: S3TarballStorage | undefined;
  const bucket = env.ARCHNEST_REGISTRY_S3_BUCKET;
  if (bucket) {
    const endpoint = env.ARCHNEST_REGISTRY_S3_ENDPOINT;
    const accessKeyId = env.ARCHNEST_REGISTRY_S3_ACCESS_KEY_ID;
    const secretAccessKey = env.ARCHNEST_REGISTRY_S3_SECRET_ACCESS_KEY;
    if (!endpoint || !URL.canParse(endpoint) || !accessKeyId || !secretAccessKey) {
      throw new RegistryError(
        "REG_ERR_CONFIG",
        "With ARCHNEST_REGISTRY_S3_BUCKET set, ARCHNEST_REGISTRY_S3_ENDPOINT (a URL), ARCHNEST_REGISTRY_S3_ACCESS_KEY_ID and ARCHNEST_REGISTRY_S3_SECRET_ACCESS_KEY are required.",
      );
    }
    storage = new S3TarballStorage({
      endpoint,
      bucket,
      region: env.ARCHNEST_REGISTRY_S3_REGION ?? "us-east-1",
      accessKeyId,
      secretAccessKey,
      ...(env.ARCHNEST_REGISTRY_S3_PREFIX && { prefix: env.ARCHNEST_REGISTRY_S3_PREFIX }),
    });
  }

  const cacheText = env.ARCHNEST_REGISTRY_TARBALL_CACHE_MB;
  const cacheMb = cacheText === undefined ? undefined : Number(cacheText);
  if (cacheMb !== undefined && (cacheText?.trim() === "" || !Number.isInteger(cacheMb) || cacheMb < 0 || cacheMb > 65_536)) {
    throw new RegistryError("REG_ERR_CONFIG", "ARCHNEST_REGISTRY_TARBALL_CACHE_MB must be a whole number of MiB from 0 (off) to 65536.");
  }

  // The npm signing key: inline, from a file, or (neither set) created under <data dir>/keys on first start.
  const npmKeyFile = env.ARCHNEST_REGISTRY_NPM_KEY_FILE;
  const npmKey = env.ARCHNEST_REGISTRY_NPM_KEY
    ? parseNpmKey(env.ARCHNEST_REGISTRY_NPM_KEY, "ARCHNEST_REGISTRY_NPM_KEY")
    : npmKeyFile && parseNpmKey(readText(npmKeyFile, "npm signing key", "ARCHNEST_REGISTRY_NPM_KEY_FILE"), npmKeyFile);

  const config: RegistryConfig = {
    ...(storage && { storage }),
    dataDir,
    publicUrl,
    licenseKey: privateKey(env, "LICENSE", join(keys, "license.key")),
    indexKey: privateKey(env, "INDEX", join(keys, "index.key")),
    trust: { rootKeys, keyring },
    ...(npmKey && { npmKey }),
    ...(env.ARCHNEST_REGISTRY_DATABASE_URL && { databaseUrl: env.ARCHNEST_REGISTRY_DATABASE_URL }),
    ...(env.ARCHNEST_REGISTRY_DATABASE_AUTH_TOKEN && { databaseAuthToken: env.ARCHNEST_REGISTRY_DATABASE_AUTH_TOKEN }),
    ...(env.ARCHNEST_REGISTRY_ADMIN_TOKEN && { adminToken: env.ARCHNEST_REGISTRY_ADMIN_TOKEN }),
    ...(secretKey && webhookSecret && { stripe: { secretKey, webhookSecret, ...(apiBase && { apiBase }) } }),
    ...(devCheckout && { devCheckout }),
    ...(cacheMb !== undefined && { tarballCacheBytes: cacheMb * 1024 * 1024 }),
  };
  return { port, host, publicUrlFromEnv: env.ARCHNEST_REGISTRY_PUBLIC_URL, config };
}
