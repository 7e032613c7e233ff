/**
 * Outbound HTTP the host lends to plugins as `ctx.fetch`: the WHATWG `fetch` shape, restricted to the hosts
 * the manifest names with `net:outbound:<host>[:port]` permissions.
 *
 * The rules, checked on every request and again on every redirect hop:
 * - the URL is `http:` or `https:`, without credentials in it;
 * - its host matches a declared permission: `api.example.com` exactly, `*.example.com` any subdomain (not
 *   the apex); a permission with a port allows that port only, one without allows the scheme's default
 *   port (80 or 443) only;
 * - every address the host name resolves to is public (not loopback, private, link-local, CGNAT,
 *   multicast or reserved), checked in the connection's own DNS lookup so a name cannot answer a public
 *   address to the check and a private one to the connection. A permission that names an IP address
 *   literally (`net:outbound:192.168.1.20:8006`) is the one way to reach a non-public address: the author
 *   wrote that address down and the admin accepted it;
 * - redirects are followed (at most 5) only while they stay inside these rules; `redirect: "manual"`
 *   returns the 3xx response instead.
 *
 * A plugin without any `net:outbound:` permission gets `SDK_ERR_CAPABILITY_UNDECLARED`.
 */

/** The subset of `RequestInit` `ctx.fetch` honours. */
export interface PluginFetchInit {
  method?: string;
  headers?: ConstructorParameters<typeof Headers>[0];
  /** A string, bytes or URL-encoded form; streams are not accepted. */
  body?: string | Uint8Array | URLSearchParams;
  /** `follow` (default) follows redirects that stay inside the declared hosts; `manual` returns the 3xx. */
  redirect?: "follow" | "manual";
  signal?: AbortSignal;
  /** Fail with `HOST_ERR_FETCH_TIMEOUT` when the response headers have not arrived after this many ms (default 30000). */
  timeoutMs?: number;
}

/**
 * Stable codes of the errors `ctx.fetch` rejects with (the host documents them in its error catalogue).
 *
 * - `HOST_ERR_FETCH_URL_INVALID`: not an absolute http(s) URL, or it carries a user name or password.
 * - `HOST_ERR_FETCH_HOST_UNDECLARED`: the host (or port) is not named by a `net:outbound:` permission.
 * - `HOST_ERR_FETCH_ADDRESS_PRIVATE`: the host resolves to a non-public address the manifest does not name.
 * - `HOST_ERR_FETCH_REDIRECT_REFUSED`: a redirect left the declared hosts, or there were more than 5.
 * - `HOST_ERR_FETCH_TIMEOUT`: no response within `timeoutMs`.
 * - `HOST_ERR_FETCH_FAILED`: the connection failed (refused, reset, DNS failure, TLS error).
 */
export type FetchErrorCode =
  | "HOST_ERR_FETCH_URL_INVALID"
  | "HOST_ERR_FETCH_HOST_UNDECLARED"
  | "HOST_ERR_FETCH_ADDRESS_PRIVATE"
  | "HOST_ERR_FETCH_REDIRECT_REFUSED"
  | "HOST_ERR_FETCH_TIMEOUT"
  | "HOST_ERR_FETCH_FAILED";

/**
 * `fetch` limited to the manifest's outbound hosts.
 *
 * @example
 * ```ts
 * // package.json: "permissions": ["net:outbound:api.github.com"]
 * const res = await ctx.fetch("https://api.github.com/repos/archnest/archnest/releases/latest");
 * const latest = (await res.json()) as { tag_name: string };
 * ```
 */
export type PluginFetch = (input: string | URL, init?: PluginFetchInit) => Promise<Response>;

/** True when an error thrown by `ctx.fetch` carries one of the {@link FetchErrorCode}s. */
export function isFetchError(error: unknown): error is Error & { code: FetchErrorCode } {
  return (
    error instanceof Error && typeof (error as { code?: unknown }).code === "string" && String((error as { code?: unknown }).code).startsWith("HOST_ERR_FETCH_")
  );
}

/** One `net:outbound:` permission, parsed: the host in lower case (`*.` kept for wildcards) and the port if named. */
export interface OutboundRule {
  host: string;
  port: number | undefined;
}

/**
 * The `net:outbound:` permissions of a permission list, parsed; other permissions are skipped.
 *
 * @example
 * ```ts
 * outboundRules(["storage", "net:outbound:*.example.com:8443"]); // [{ host: "*.example.com", port: 8443 }]
 * ```
 */
export function outboundRules(permissions: readonly string[]): OutboundRule[] {
  const rules: OutboundRule[] = [];
  for (const p of permissions) {
    const m = /^net:outbound:((?:\*\.)?[a-z0-9.-]+)(?::([0-9]{1,5}))?$/.exec(p);
    if (m) rules.push({ host: (m[1] as string).toLowerCase(), port: m[2] === undefined ? undefined : Number(m[2]) });
  }
  return rules;
}

/**
 * The rule that lets an http(s) URL through, or undefined. `*.example.com` matches subdomains, never
 * `example.com` itself; a rule without a port allows the scheme's default port only.
 *
 * @example
 * ```ts
 * matchOutbound(outboundRules(["net:outbound:api.example.com"]), new URL("https://api.example.com/v1")); // the rule
 * matchOutbound(outboundRules(["net:outbound:api.example.com"]), new URL("https://api.example.com:8443/")); // undefined
 * ```
 */
export function matchOutbound(rules: readonly OutboundRule[], url: URL): OutboundRule | undefined {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  const standard = url.protocol === "https:" ? 443 : 80;
  const port = url.port ? Number(url.port) : standard;
  return rules.find((r) => {
    const hostOk = r.host.startsWith("*.") ? host.endsWith(r.host.slice(1)) && host.length > r.host.length - 1 : host === r.host;
    return hostOk && port === (r.port ?? standard);
  });
}
