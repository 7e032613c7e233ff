export { allowedHostGuard, hostAllowed, requestedHost } from "./allowed-host.js";
export type { AppEnv, AppVariables } from "./app-env.js";
export { rejectMalformedPath } from "./bad-path.js";
export { type BodyCap, type BodyCapRule, BodyLimits, DEFAULT_BODY_LIMIT } from "./body-limit.js";
export { withDefaultHeaders } from "./default-headers.js";
export { readJson } from "./read-json.js";
export { clientAddress, headerOf, isHttps, originAllowed, originMatches } from "./request-info.js";
export { cspHashSources, securityHeaderList, securityHeaders } from "./security-headers.js";
