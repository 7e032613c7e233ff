/**
 * HTTP range requests for downloads (RFC 9110 section 14). One range per request: a multipart/byteranges
 * answer is rarely worth it and download managers and media players ask for one range at a time.
 */

export type RangeResult = { kind: "full" } | { kind: "partial"; start: number; end: number } | { kind: "unsatisfiable" };

/**
 * Reads a `Range` header against a file of `size` bytes. An absent, malformed or multi-range header
 * answers with the whole file (section 14.2 allows ignoring it); a valid range outside the file is
 * unsatisfiable (416).
 */
export function parseRange(header: string | undefined | null, size: number): RangeResult {
  if (!header) return { kind: "full" };
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return { kind: "full" };
  const [, a = "", b = ""] = m;
  if (a === "" && b === "") return { kind: "full" };
  if (a === "") {
    // Suffix range: the last N bytes.
    const n = Number(b);
    if (n === 0) return { kind: "unsatisfiable" };
    if (size === 0) return { kind: "unsatisfiable" };
    return { kind: "partial", start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b === "" ? size - 1 : Math.min(Number(b), size - 1);
  if (!Number.isSafeInteger(start) || start >= size) return { kind: "unsatisfiable" };
  if (end < start) return { kind: "full" };
  return { kind: "partial", start, end };
}

/** A strong validator for a remote file: its size and modification time. */
export function etagOf(size: number, mtimeMs: number): string {
  return `"${size.toString(16)}-${Math.floor(mtimeMs / 1000).toString(16)}"`;
}

/**
 * `If-Range`: the range applies only when the validator still matches (an ETag, or an HTTP date equal to
 * the file's modification time); otherwise the whole file is sent.
 */
export function ifRangeMatches(ifRange: string | undefined | null, etag: string, mtimeMs: number): boolean {
  if (!ifRange) return true;
  const v = ifRange.trim();
  if (v.startsWith('"') || v.startsWith("W/")) return v === etag;
  const date = Date.parse(v);
  return Number.isFinite(date) && Math.floor(date / 1000) === Math.floor(mtimeMs / 1000);
}

/** `attachment` with an ASCII fallback and the UTF-8 name (RFC 6266, RFC 8187). */
export function contentDisposition(name: string, disposition: "attachment" | "inline" = "attachment"): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
