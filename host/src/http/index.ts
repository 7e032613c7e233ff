export type { AppEnv, AppVariables } from "./app-env.js";
export { readJson } from "./read-json.js";
export { clientAddress, isHttps, originAllowed } from "./request-info.js";
export { cspHashSources, securityHeaders } from "./security-headers.js";
