import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKeyring, generateKeyPair, privateKeyToPem, publicKeyToPem } from "@archnest/sdk/trust";
import { afterAll, describe, expect, it } from "vitest";
import { readEnv } from "./env.js";
import { S3TarballStorage } from "./storage/index.js";

const dir = mkdtempSync(join(tmpdir(), "archnest-registry-env-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const root = generateKeyPair();
const license = generateKeyPair();
const index = generateKeyPair();
mkdirSync(join(dir, "keys"));
writeFileSync(join(dir, "keys", "license.key"), privateKeyToPem(license));
writeFileSync(join(dir, "keys", "index.key"), privateKeyToPem(index));
writeFileSync(join(dir, "keys", "root.pub"), publicKeyToPem(root));
writeFileSync(join(dir, "keys", "keyring.json"), JSON.stringify(createKeyring([root], { keys: [] })));
const base = { ARCHNEST_REGISTRY_DATA_DIR: dir };

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

describe("registry environment", () => {
  it("defaults to port 8766 on 127.0.0.1 with keys from the data folder, and no development checkout", () => {
    const { port, host, config, publicUrlFromEnv } = readEnv(base);
    expect([port, host, publicUrlFromEnv]).toEqual([8766, "127.0.0.1", undefined]);
    expect(config.licenseKey.keyid).toBe(license.keyid);
    expect(config.indexKey.keyid).toBe(index.keyid);
    expect(config.trust.rootKeys[0]?.keyid).toBe(root.keyid);
    expect(config.stripe).toBeUndefined();
    expect(config.devCheckout).toBeUndefined();
    expect(config.storage).toBeUndefined();
    expect(config.tarballCacheBytes).toBeUndefined();
  });

  it("sizes the tarball memory cache from ARCHNEST_REGISTRY_TARBALL_CACHE_MB, 0 turning it off", () => {
    expect(readEnv({ ...base, ARCHNEST_REGISTRY_TARBALL_CACHE_MB: "16" }).config.tarballCacheBytes).toBe(16 * 1024 * 1024);
    expect(readEnv({ ...base, ARCHNEST_REGISTRY_TARBALL_CACHE_MB: "0" }).config.tarballCacheBytes).toBe(0);
    for (const bad of ["", "lots", "-1", "1.5"]) expect(code(() => readEnv({ ...base, ARCHNEST_REGISTRY_TARBALL_CACHE_MB: bad }))).toBe("REG_ERR_CONFIG");
  });

  it("turns the development checkout on only when ARCHNEST_REGISTRY_DEV_CHECKOUT asks, and never beside Stripe", () => {
    expect(readEnv({ ...base, ARCHNEST_REGISTRY_DEV_CHECKOUT: "1" }).config.devCheckout).toBe(true);
    expect(readEnv({ ...base, ARCHNEST_REGISTRY_DEV_CHECKOUT: "false" }).config.devCheckout).toBeUndefined();
    expect(code(() => readEnv({ ...base, ARCHNEST_REGISTRY_DEV_CHECKOUT: "please" }))).toBe("REG_ERR_CONFIG");
    const stripe = { STRIPE_SECRET_KEY: "sk_test_x", STRIPE_WEBHOOK_SECRET: "whsec_x" };
    expect(code(() => readEnv({ ...base, ...stripe, ARCHNEST_REGISTRY_DEV_CHECKOUT: "1" }))).toBe("REG_ERR_CONFIG");
  });

  it("takes keys inline as PEM or base64 PEM, Stripe settings and an S3 bucket", () => {
    const { config } = readEnv({
      ...base,
      ARCHNEST_REGISTRY_LICENSE_KEY: Buffer.from(privateKeyToPem(index)).toString("base64"),
      STRIPE_SECRET_KEY: "sk_test_x",
      STRIPE_WEBHOOK_SECRET: "whsec_x",
      STRIPE_API_BASE: "http://127.0.0.1:1",
      ARCHNEST_REGISTRY_S3_BUCKET: "b",
      ARCHNEST_REGISTRY_S3_ENDPOINT: "http://127.0.0.1:9000",
      ARCHNEST_REGISTRY_S3_ACCESS_KEY_ID: "id",
      ARCHNEST_REGISTRY_S3_SECRET_ACCESS_KEY: "secret",
    });
    expect(config.licenseKey.keyid).toBe(index.keyid);
    expect(config.stripe).toEqual({ secretKey: "sk_test_x", webhookSecret: "whsec_x", apiBase: "http://127.0.0.1:1" });
    expect(config.storage).toBeInstanceOf(S3TarballStorage);
  });

  it("refuses half a Stripe or S3 configuration, a bad port and missing keys with REG_ERR_CONFIG", () => {
    expect(code(() => readEnv({ ...base, STRIPE_SECRET_KEY: "sk_test_x" }))).toBe("REG_ERR_CONFIG");
    expect(code(() => readEnv({ ...base, ARCHNEST_REGISTRY_S3_BUCKET: "b" }))).toBe("REG_ERR_CONFIG");
    expect(code(() => readEnv({ ...base, ARCHNEST_REGISTRY_PORT: "http" }))).toBe("REG_ERR_CONFIG");
    expect(code(() => readEnv({ ...base, ARCHNEST_REGISTRY_LICENSE_KEY: "not a key" }))).toBe("REG_ERR_CONFIG");
    expect(code(() => readEnv({ ARCHNEST_REGISTRY_DATA_DIR: join(dir, "nothing") }))).toBe("REG_ERR_CONFIG");
  });
});
