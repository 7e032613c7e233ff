import { parseArgs } from "node:util";
import { SdkError } from "@archnest/sdk";

const OPTIONS = {
  out: { type: "string" },
  name: { type: "string" },
  root: { type: "string", multiple: true },
  release: { type: "string", multiple: true },
  scope: { type: "string", multiple: true },
  license: { type: "string", multiple: true },
  index: { type: "string", multiple: true },
  keyring: { type: "string" },
  key: { type: "string", multiple: true },
  keyid: { type: "string", multiple: true },
  reason: { type: "string" },
  "valid-days": { type: "string" },
  "lifetime-days": { type: "string" },
  "key-valid-days": { type: "string" },
  "valid-from": { type: "string" },
  version: { type: "string" },
  "min-keyring-version": { type: "string" },
  registry: { type: "string" },
  token: { type: "string" },
  "token-file": { type: "string" },
  host: { type: "string" },
  port: { type: "string" },
  user: { type: "string" },
  json: { type: "boolean" },
  once: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export type Args = ReturnType<typeof parseCli>;

export function parseCli(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new SdkError("SDK_ERR_USAGE", (err as Error).message);
  }
}

/** The single value of an option that must be given once. */
export function requireString(args: Args, name: keyof typeof OPTIONS): string {
  const v = args.values[name];
  const value = Array.isArray(v) ? (v.length === 1 ? v[0] : undefined) : v;
  if (typeof value !== "string" || value === "") throw new SdkError("SDK_ERR_USAGE", `--${name} is required (once).`);
  return value;
}

export function optionalList(args: Args, name: keyof typeof OPTIONS): string[] {
  const v = args.values[name];
  return Array.isArray(v) ? v.map(String) : typeof v === "string" ? [v] : [];
}

export function optionalInt(args: Args, name: keyof typeof OPTIONS): number | undefined {
  const v = args.values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new SdkError("SDK_ERR_USAGE", `--${name} must be a whole number.`);
  return n;
}

// ISO 8601 as `date -I` or `toISOString()` write it: a date, optionally with a time and a zone.
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** An option holding an ISO 8601 date (`2026-01-31` or `2026-01-31T12:00:00Z`). */
export function optionalDate(args: Args, name: keyof typeof OPTIONS): Date | undefined {
  const v = args.values[name];
  if (v === undefined) return undefined;
  const text = String(v);
  const date = new Date(text);
  if (!ISO_DATE.test(text) || Number.isNaN(date.getTime())) {
    throw new SdkError("SDK_ERR_USAGE", `--${name} must be an ISO 8601 date such as 2026-01-31 or 2026-01-31T12:00:00Z, got "${text}".`);
  }
  return date;
}
