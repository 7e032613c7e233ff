import type { KeyObject } from "node:crypto";
import type { KeyPair, PublicKey } from "@archnest/sdk/trust";
import { RegistryError } from "./errors/index.js";
import type { LogSink } from "./log/index.js";
import type { TarballStorage } from "./storage/index.js";

/** Stripe settings; without them the registry takes no payments (see `devCheckout` for development). */
export interface StripeSettings {
  secretKey: string;
  webhookSecret: string;
  /** Another API base (a local server answering as Stripe does), for contract tests. */
  apiBase?: string;
}

/** Everything createRegistry needs; env.ts builds it from the environment, tests build it directly. */
export interface RegistryConfig {
  /** Folder for the default database file and the default tarball folder. */
  dataDir: string;
  /** libsql URL: `file:...` (default `file:<dataDir>/registry.db`) or a libsql server URL. */
  databaseUrl?: string;
  databaseAuthToken?: string;
  /** The URL hosts and browsers reach this registry at; used in tarball, purchase and checkout links. */
  publicUrl: string;
  /** Tarball storage; a folder under dataDir unless given. */
  storage?: TarballStorage;
  /**
   * The library channel's folder: npm tarballs of plain packages (the SDK, the plugin CLI) served as npm
   * packages, without catalog entry or gating; `<dataDir>/libraries` unless given.
   */
  libraryDir?: string;
  /** Signs licenses; must be listed in the keyring with role "license". */
  licenseKey: KeyPair;
  /** Signs the status index; must be listed in the keyring with role "index". */
  indexKey: KeyPair;
  /**
   * ECDSA P-256 key that signs npm's `dist.signatures` (npm's client cannot verify Ed25519); read from, or
   * created on first start at, `<dataDir>/keys/npm-signing.pem` unless given.
   */
  npmKey?: KeyObject;
  /** The trust published packages are verified against (the same the host uses). */
  trust: { rootKeys: readonly PublicKey[]; keyring: unknown };
  /** Bearer token for the /v1/admin endpoints; admin endpoints are off without one. */
  adminToken?: string;
  stripe?: StripeSettings;
  /**
   * Serves the development checkout: a marked page that completes a purchase without payment. For local
   * development only (`npm start` asks for it); never together with Stripe. Without Stripe and without this,
   * checkout is refused with REG_ERR_CHECKOUT_UNCONFIGURED.
   */
  devCheckout?: boolean;
  /** How long a status index stays valid; one day unless given. */
  statusTtlMs?: number;
  /** Largest accepted upload; 64 MiB unless given. */
  maxTarballBytes?: number;
  /**
   * Memory kept for the tarballs delivered most recently (each up to 8 MiB); 64 MiB unless given, 0 turns
   * it off and every download is streamed from storage.
   */
  tarballCacheBytes?: number;
  /** The clock; tests pass a fake one. */
  now?: () => Date;
  /** Where log lines go; JSON lines on stdout unless given. */
  log?: LogSink;
}

/** How this registry takes purchases: through Stripe, through the development checkout, or not at all. */
export type CheckoutMode = "stripe" | "development" | "unavailable";

/** The config as the registry reads it once built: defaults applied, publicUrl without a trailing slash. */
export interface ResolvedRegistryConfig extends RegistryConfig {
  maxTarballBytes: number;
  tarballCacheBytes: number;
  statusTtlMs: number;
  checkout: CheckoutMode;
}

/** Applies the defaults in one place, so every part of the registry reads the same values. */
export function resolveRegistryConfig(config: RegistryConfig): ResolvedRegistryConfig {
  // A registry that could take real payments never also gives modules away.
  if (config.stripe && config.devCheckout) {
    throw new RegistryError("REG_ERR_CONFIG", "The development checkout cannot run beside Stripe: unset ARCHNEST_REGISTRY_DEV_CHECKOUT or the Stripe keys.");
  }
  return {
    checkout: config.stripe ? "stripe" : config.devCheckout ? "development" : "unavailable",
    ...config,
    publicUrl: config.publicUrl.replace(/\/+$/, ""),
    maxTarballBytes: config.maxTarballBytes ?? 64 * 1024 * 1024,
    tarballCacheBytes: config.tarballCacheBytes ?? 64 * 1024 * 1024,
    statusTtlMs: config.statusTtlMs ?? 86_400_000,
  };
}
