import type { ServerResponse } from "node:http";
import type { Keyring } from "@archnest/sdk/trust";
import type Stripe from "stripe";
import type { InstallAuth } from "./auth/install-auth.js";
import type { ResolvedRegistryConfig } from "./config.js";
import type { RegistryDb } from "./db/index.js";
import type { Libraries } from "./libraries/index.js";
import type { Logger } from "./log/index.js";
import type { Packages } from "./packages/index.js";
import type { Publishers } from "./publishers/index.js";
import type { Purchases } from "./purchases/index.js";
import type { TarballStorage } from "./storage/index.js";
import type { TarballCache } from "./storage/tarball-cache.js";

/** What route handlers share; built once by createRegistry. */
export interface Services {
  config: ResolvedRegistryConfig;
  db: RegistryDb;
  storage: TarballStorage;
  /** The tarballs delivered most recently, in memory. */
  tarballs: TarballCache;
  logger: Logger;
  now: () => Date;
  installAuth: InstallAuth;
  packages: Packages;
  /** The library channel: plain npm packages (the SDK and its CLI) served beside the plugins. */
  libraries: Libraries;
  /** The official keyring, checked against the root at boot. */
  keyring: Keyring;
  publishers: Publishers;
  purchases: Purchases;
  /** The Stripe client, when Stripe is configured. */
  stripe: Stripe | undefined;
}

/** Hono's environment: the request id, and Node's response when served by @hono/node-server. */
export type AppEnv = { Variables: { requestId: string }; Bindings: { outgoing?: ServerResponse } };
