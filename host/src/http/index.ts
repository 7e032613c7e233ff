export type { AppEnv, AppVariables } from "./app-env.js";
export { withDefaultHeaders } from "./default-headers.js";
export { readJson } from "./read-json.js";
export { clientAddress, headerOf, isHttps, originAllowed } from "./request-info.js";
export { cspHashSources, securityHeaderList, securityHeaders } from "./security-headers.js";
