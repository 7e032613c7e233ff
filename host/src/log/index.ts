export { createLogger, isSensitiveKey, LOG_LEVELS, type LogFields, type Logger, type LoggerOptions, type LogLevel, logsAt, redact } from "./logger.js";
export { requestIdFrom, requestLogger } from "./request-logger.js";
