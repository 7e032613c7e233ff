export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Record<string, unknown>;

/** A structured logger: one JSON object per line with time, level, msg, the bound fields and the call's fields. */
export interface Logger {
  readonly level: LogLevel;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (a request id, a plugin id). */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where each line goes (without its newline); stdout by default. */
  write?: (line: string) => void;
  now?: () => Date;
}

const REDACTED = "[redacted]";
// Keys whose values never print, matched after lowercasing and dropping separators, so `csrfToken`,
// `password_hash`, `Set-Cookie` and `x-api-secret` are all caught.
const SENSITIVE = ["password", "secret", "token", "privatekey", "passphrase", "cookie", "authorization"];
const MAX_DEPTH = 8;

// Log lines repeat the same few keys: remember the answers, dropping the oldest past the bound so keys
// taken from data cannot grow the map without limit.
const SENSITIVE_MEMO_MAX = 512;
const sensitiveMemo = new Map<string, boolean>();

export function isSensitiveKey(key: string): boolean {
  const known = sensitiveMemo.get(key);
  if (known !== undefined) return known;
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, "");
  const sensitive = SENSITIVE.some((s) => k.includes(s));
  if (sensitiveMemo.size >= SENSITIVE_MEMO_MAX) sensitiveMemo.delete(sensitiveMemo.keys().next().value as string);
  sensitiveMemo.set(key, sensitive);
  return sensitive;
}

/** A copy of `value` safe to log: sensitive keys masked, errors reduced to name/message/code/stack, cycles cut. */
export function redact(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (value === null || typeof value !== "object") {
    if (typeof value === "bigint") return value.toString();
    if (typeof value === "function" || typeof value === "symbol") return undefined;
    return value;
  }
  if (seen.has(value)) return "[circular]";
  if (depth >= MAX_DEPTH) return "[truncated]";
  seen.add(value);
  if (value instanceof Error) {
    const out: LogFields = { name: value.name, message: value.message };
    const code = (value as { code?: unknown }).code;
    if (typeof code === "string") out.code = code;
    if (value.stack) out.stack = value.stack;
    if (value.cause !== undefined) out.cause = redact(value.cause, depth + 1, seen);
    return out;
  }
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, seen));
  const out: LogFields = {};
  for (const [k, v] of Object.entries(value)) out[k] = isSensitiveKey(k) ? REDACTED : redact(v, depth + 1, seen);
  return out;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Whether `logger` writes lines of `level`: lets a caller skip building fields that would be dropped. */
export function logsAt(logger: Pick<Logger, "level">, level: LogLevel): boolean {
  return RANK[level] >= RANK[logger.level];
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? "info";
  const write = options.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  return makeLogger(level, write, now, {});
}

/** The keys every line starts with; fields cannot overwrite them. */
const RESERVED = new Set(["time", "level", "msg"]);

/** `bound` is already redacted (once, when the child logger was made). */
function makeLogger(level: LogLevel, write: (line: string) => void, now: () => Date, bound: LogFields): Logger {
  const emit = (lvl: LogLevel, msg: string, fields?: LogFields) => {
    if (RANK[lvl] < RANK[level]) return;
    const time = now().toISOString();
    // A prototype-less object so a field named __proto__ stays an ordinary key.
    const record: LogFields = Object.assign(Object.create(null) as LogFields, { time, level: lvl, msg });
    for (const source of [bound, fields === undefined ? undefined : (redact({ ...fields }) as LogFields)]) {
      if (source === undefined) continue;
      for (const k of Object.keys(source)) if (!RESERVED.has(k)) record[k] = source[k];
    }
    let line: string;
    try {
      line = JSON.stringify(record);
    } catch {
      line = JSON.stringify({ time, level: lvl, msg, logError: "fields could not be serialised" });
    }
    write(line);
  };
  return {
    level,
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
    child: (fields) => makeLogger(level, write, now, { ...bound, ...(redact({ ...fields }) as LogFields) }),
  };
}
