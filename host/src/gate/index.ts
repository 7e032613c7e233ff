export { CatalogOffers, type ModuleCatalog, NO_CATALOG } from "./catalog-offers.js";
export { HostGate } from "./host-gate.js";
export { HOST_LIMITS } from "./host-limits.js";
