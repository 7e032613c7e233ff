export { loadMasterKey } from "./master-key.js";
export { checkMasterKey, Vault } from "./vault.js";
