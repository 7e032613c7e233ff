/**
 * Formatting for plugin UI, so every page writes sizes, durations and times the same way. Each function
 * answers an en dash for a missing value, the way tables show "no reading".
 */

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"] as const;
const MISSING = "–";

const finite = (n: number | null | undefined): n is number => typeof n === "number" && Number.isFinite(n);

/**
 * Bytes in binary units, as people read memory and disk sizes: `512 B`, `1.5 KiB`, `120 MiB`. One decimal
 * below 100 of a unit, none above.
 *
 * @example
 * ```ts
 * formatBytes(1536); // "1.5 KiB"
 * formatBytes(null); // "–"
 * ```
 */
export function formatBytes(n: number | null | undefined): string {
  if (!finite(n)) return MISSING;
  let v = Math.abs(n);
  let i = 0;
  while (v >= 1024 && i < BYTE_UNITS.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${n < 0 ? "-" : ""}${i === 0 || v >= 100 ? Math.round(v) : v.toFixed(1)} ${BYTE_UNITS[i]}`;
}

/**
 * A length of time in its two largest units: `45 s`, `3 min 20 s`, `2 h 5 min`, `3 d 4 h`.
 *
 * @example
 * ```ts
 * formatDuration(200_000); // "3 min 20 s"
 * ```
 */
export function formatDuration(ms: number | null | undefined): string {
  if (!finite(ms)) return MISSING;
  const s = Math.max(0, Math.floor(ms / 1000));
  const parts: [number, string][] = [
    [Math.floor(s / 86_400), "d"],
    [Math.floor((s % 86_400) / 3600), "h"],
    [Math.floor((s % 3600) / 60), "min"],
    [s % 60, "s"],
  ];
  const first = parts.findIndex(([v]) => v > 0);
  if (first === -1) return "0 s";
  const [big, next] = [parts[first], parts[first + 1]];
  const head = `${big?.[0]} ${big?.[1]}`;
  return next && next[0] > 0 ? `${head} ${next[0]} ${next[1]}` : head;
}

type TimeInput = Date | number | string | null | undefined;

function toMs(t: TimeInput): number | undefined {
  if (t === null || t === undefined) return undefined;
  const ms = t instanceof Date ? t.getTime() : typeof t === "number" ? t : Date.parse(t);
  return Number.isFinite(ms) ? ms : undefined;
}

const RELATIVE_STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400_000],
  ["month", 30 * 86_400_000],
  ["week", 7 * 86_400_000],
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
  ["second", 1000],
];

/**
 * A time relative to now, in the reader's language: `5 minutes ago`, `in 2 hours`, `now`.
 *
 * @example
 * ```ts
 * formatRelativeTime(Date.now() - 300_000); // "5 minutes ago"
 * ```
 */
export function formatRelativeTime(t: TimeInput, opts: { now?: number; locale?: string } = {}): string {
  const ms = toMs(t);
  if (ms === undefined) return MISSING;
  const diff = ms - (opts.now ?? Date.now());
  const format = new Intl.RelativeTimeFormat(opts.locale, { numeric: "auto" });
  for (const [unit, size] of RELATIVE_STEPS) {
    // Rounded, not cut: 47 hours ahead is "in 2 days", never "tomorrow".
    if (Math.abs(diff) >= size) return format.format(Math.round(diff / size), unit);
  }
  return format.format(0, "second");
}

/**
 * An absolute date and time in the reader's language and time zone: `Mar 4, 2026, 09:15 AM`.
 *
 * @example
 * ```ts
 * formatDateTime(file.mtime);
 * ```
 */
export function formatDateTime(t: TimeInput, opts: { locale?: string; timeZone?: string } = {}): string {
  const ms = toMs(t);
  if (ms === undefined) return MISSING;
  return new Date(ms).toLocaleString(opts.locale ?? [], {
    year: "numeric",
    month: "short",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    ...(opts.timeZone !== undefined && { timeZone: opts.timeZone }),
  });
}
