/** @archnest/registry: the catalog, publishing, licenses, gated delivery and purchases service. */
export { createRegistry, type Registry } from "./app.js";
export { BUNDLES, bundlesView, expandSlugs, formatPrice, MODULES, modulesView, purchasable } from "./catalog/index.js";
export type { CheckoutMode, RegistryConfig, StripeSettings } from "./config.js";
export { type RegistryEnv, readEnv } from "./env.js";
export { isRegistryError, REG_ERRORS, type RegErrorCode, RegistryError, RegistryErrors } from "./errors/index.js";
export type { LogSink } from "./log/index.js";
export { DEV_CHECKOUT_BANNER } from "./routes/purchases.js";
export { checkStorageKey, LocalTarballStorage, type S3StorageOptions, S3TarballStorage, type StoredTarball, type TarballStorage } from "./storage/index.js";
