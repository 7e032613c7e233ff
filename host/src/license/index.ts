/** The license client, the registry protocol and the license and catalog API. */
export { LicenseClient, type LicenseClientOptions, type LicenseStatus, REFRESH_EVERY_MS } from "./license-client.js";
export { type IdentityStore, RegistryClient, type RegistryResponse } from "./registry-client.js";
export { registryInstaller, resolveVersion } from "./registry-install.js";
export { licenseApi } from "./routes.js";
