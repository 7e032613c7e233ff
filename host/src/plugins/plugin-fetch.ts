import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { Readable } from "node:stream";
import { SdkError } from "@archnest/sdk";
import { isPrivateAddress } from "@archnest/sdk/node";
import { matchOutbound, type OutboundRule, outboundRules, type PluginFetch, type PluginFetchInit } from "@archnest/sdk/plugin";
import { HostError } from "../errors/index.js";

const MAX_REDIRECTS = 5;
const DEFAULT_TIMEOUT_MS = 30_000;

function bare(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
}

class AddressRefused extends Error {}

/**
 * A DNS lookup for node:http that refuses non-public addresses. The check runs in the socket's own lookup,
 * so a name cannot answer a public address to a check and a private one to the connection (DNS rebinding).
 */
function publicOnlyLookup(): NonNullable<http.RequestOptions["lookup"]> {
  return ((hostname: string, options: object, callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, "");
      const list = addresses as LookupAddress[];
      const inner = list.find((a) => isPrivateAddress(a.address));
      if (inner) return callback(new AddressRefused(`${hostname} resolves to ${inner.address}, which is not a public address`), "");
      if ((options as { all?: boolean }).all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(new AddressRefused(`${hostname} has no address`), "");
      callback(null, first.address, first.family);
    });
  }) as NonNullable<http.RequestOptions["lookup"]>;
}

function toHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (let i = 0; i < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string);
  return headers;
}

/** One request, no redirects followed; resolves when the response headers arrive. */
function requestOnce(url: URL, rule: OutboundRule, init: PluginFetchInit, body: Buffer | undefined, deadline: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const host = bare(url.hostname);
    // The manifest named this IP literally: that is the one way to a non-public address. A literal IP never
    // goes through lookup, so any other literal is judged here.
    if (isIP(host) && host !== rule.host && isPrivateAddress(host)) {
      return reject(new HostError("HOST_ERR_FETCH_ADDRESS_PRIVATE", `${host} is not a public address and no permission names it.`));
    }
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    if (body) headers["content-length"] = String(body.length);
    const lib = url.protocol === "https:" ? https : http;
    const req = lib.request(url, {
      method: init.method ?? "GET",
      headers,
      lookup: publicOnlyLookup(),
      ...(init.signal && { signal: init.signal }),
    });
    const timer = setTimeout(
      () => req.destroy(new HostError("HOST_ERR_FETCH_TIMEOUT", `${url.origin} did not answer within ${init.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms.`)),
      Math.max(1, deadline - Date.now()),
    );
    req.on("response", (res) => {
      clearTimeout(timer);
      resolve(res);
    });
    req.on("error", (err) => {
      clearTimeout(timer);
      if (err instanceof HostError) return reject(err);
      if (err instanceof AddressRefused) return reject(new HostError("HOST_ERR_FETCH_ADDRESS_PRIVATE", `${err.message}; the request was not sent.`));
      if (err.name === "AbortError") return reject(err);
      reject(new HostError("HOST_ERR_FETCH_FAILED", `${init.method ?? "GET"} ${url.origin} failed: ${err.message}`, { cause: err }));
    });
    req.end(body);
  });
}

function parseUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    throw new HostError("HOST_ERR_FETCH_URL_INVALID", "ctx.fetch needs an absolute http or https URL.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new HostError("HOST_ERR_FETCH_URL_INVALID", `ctx.fetch does not fetch ${url.protocol} URLs.`);
  if (url.username || url.password) throw new HostError("HOST_ERR_FETCH_URL_INVALID", "Put credentials in a header, not in the URL.");
  return url;
}

/**
 * `ctx.fetch` for one plugin, from its granted permissions. The rules are documented on the SDK's
 * PluginFetch; they hold for every hop of a redirect chain.
 */
export function createPluginFetch(pluginId: string, granted: readonly string[]): PluginFetch {
  const rules = outboundRules(granted);
  return async (input, init = {}) => {
    if (rules.length === 0) {
      throw new SdkError("SDK_ERR_CAPABILITY_UNDECLARED", `Plugin ${pluginId} used ctx.fetch without declaring a net:outbound:<host> permission.`);
    }
    const body =
      init.body === undefined ? undefined : Buffer.from(typeof init.body === "string" || init.body instanceof URLSearchParams ? String(init.body) : init.body);
    const deadline = Date.now() + (init.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    let url = parseUrl(input);
    let method = init.method ?? "GET";
    let payload = body;
    for (let hop = 0; ; hop++) {
      const rule = matchOutbound(rules, url);
      if (!rule) {
        throw new HostError(
          hop === 0 ? "HOST_ERR_FETCH_HOST_UNDECLARED" : "HOST_ERR_FETCH_REDIRECT_REFUSED",
          hop === 0
            ? `${url.host} is not among the hosts plugin ${pluginId} declared (net:outbound:...).`
            : `A redirect led to ${url.host}, which plugin ${pluginId} did not declare; the redirect was not followed.`,
        );
      }
      const res = await requestOnce(url, rule, { ...init, method }, payload, deadline);
      const status = res.statusCode ?? 502;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location && init.redirect !== "manual") {
        res.resume();
        if (hop >= MAX_REDIRECTS) throw new HostError("HOST_ERR_FETCH_REDIRECT_REFUSED", `More than ${MAX_REDIRECTS} redirects from ${url.origin}.`);
        try {
          url = parseUrl(new URL(location, url));
        } catch (err) {
          throw new HostError("HOST_ERR_FETCH_REDIRECT_REFUSED", `A redirect pointed to an unusable URL: ${(err as Error).message}`);
        }
        // RFC 9110 section 15.4: 303, and in practice 301/302 after POST, continue as GET without a body.
        if (status === 303 || ((status === 301 || status === 302) && method === "POST")) {
          method = "GET";
          payload = undefined;
        }
        continue;
      }
      const nullBody = status === 204 || status === 304 || method === "HEAD";
      if (nullBody) res.resume();
      const response = new Response(nullBody ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), {
        status,
        statusText: res.statusMessage ?? "",
        headers: toHeaders(res),
      });
      Object.defineProperty(response, "url", { value: url.href });
      return response;
    }
  };
}
