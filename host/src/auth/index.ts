export { accountDelayMs, DEFAULT_LOGIN_RATE_LIMITS, type LoginRateLimits, registerAuthRoutes } from "./auth-routes.js";
export { checkPasswordPolicy, hashPassword, PASSWORD_MIN_LENGTH, verifyPassword } from "./password.js";
export { FailureLimiter } from "./rate-limit.js";
export { clearSessionCookie, readSessionCookie, SESSION_COOKIE, tokenFromCookieHeader, writeSessionCookie } from "./session-cookie.js";
export { CSRF_HEADER, isUnsafeMethod, PUBLIC_API_ROUTES, requireRole, sessionGuard } from "./session-guard.js";
export { SESSION_TTL_MS, type Session, SessionStore, type SessionStoreOptions, sessionIdOf } from "./session-store.js";
export { SETUP_CODE_FILE, SetupCode, setupCodeFile } from "./setup-code.js";
