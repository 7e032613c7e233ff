import { inspect } from "node:util";

/**
 * What a plugin's fetch handler receives: the person's request under the plugin's own path and without the
 * host-only headers. It is a Request (`instanceof Request`, every property and method works), built
 * lazily: the URL, method and headers are its own, the body, signal and body readers are the incoming
 * request's (the same bytes, read through the server's fast path), and anything else (`clone()`, `mode`,
 * `cache`, ...) comes from a native Request made on first use. A native Request costs a URL parse, a
 * validated header copy and an AbortController per request, which most plugin routes never look at.
 *
 * The one difference from a native Request: it is not one, so it cannot be handed whole to `fetch()` or
 * `new Request()` as their first argument. Pass `request.clone()` there, or use it as the init
 * (`new Request(upstream, request)`), which reads its fields.
 */
export interface ForwardedRequestInit {
  url: string;
  /** The incoming request: its method, body and signal are the plugin request's. */
  incoming: Request;
  /** The headers the plugin sees, lower-case names. */
  headers: [string, string][];
}

const state = Symbol("forwarded");

interface State extends ForwardedRequestInit {
  headersObject: Headers | undefined;
  native: Request | undefined;
}

type Forwarded = Request & { [state]: State };

function nativeOf(s: State): Request {
  if (s.native) return s.native;
  const method = s.incoming.method;
  const hasBody = method !== "GET" && method !== "HEAD";
  s.native = new Request(s.url, {
    method,
    // The Headers object when the plugin already has it (and may have changed it), else the list.
    headers: s.headersObject ?? s.headers,
    signal: s.incoming.signal,
    ...(hasBody && { body: s.incoming.body, duplex: "half" }),
  } as RequestInit);
  return s.native;
}

const proto: object = Object.create(Request.prototype, {
  url: {
    get(this: Forwarded) {
      return this[state].url;
    },
  },
  headers: {
    get(this: Forwarded) {
      const s = this[state];
      s.headersObject ??= new Headers(s.headers);
      return s.headersObject;
    },
  },
  [inspect.custom]: {
    value(this: Forwarded) {
      return `Request (forwarded) ${inspect({ method: this.method, url: this.url })}`;
    },
  },
});

/** Defines a getter on the prototype reading `name` from the request `from` picks. */
function forward(name: string, from: (s: State) => Request): void {
  Object.defineProperty(proto, name, {
    get(this: Forwarded) {
      return (from(this[state]) as unknown as Record<string, unknown>)[name];
    },
  });
}

// The method and signal are always the incoming request's; the body is a native one's once it exists.
for (const name of ["method", "signal"]) forward(name, (s) => s.incoming);
for (const name of ["body", "bodyUsed"]) forward(name, (s) => s.native ?? s.incoming);

// Body readers go to the incoming request unless a native one already took the body.
for (const name of ["arrayBuffer", "blob", "bytes", "formData", "json", "text"] as const) {
  Object.defineProperty(proto, name, {
    value(this: Forwarded) {
      const s = this[state];
      const from = (s.native ?? s.incoming) as unknown as Record<string, () => Promise<unknown>>;
      return (from[name] as () => Promise<unknown>).call(from);
    },
  });
}
Object.defineProperty(proto, "clone", {
  value(this: Forwarded) {
    return nativeOf(this[state]).clone();
  },
});
// The rarely read fields come from a native Request, made on first use.
const RARE = ["cache", "credentials", "destination", "duplex", "integrity", "keepalive", "mode", "redirect", "referrer", "referrerPolicy"];
for (const name of RARE) forward(name, nativeOf);

/** The plugin's request (see ForwardedRequestInit). */
export function forwardedRequest(init: ForwardedRequestInit): Request {
  const req = Object.create(proto) as Forwarded;
  req[state] = { ...init, headersObject: undefined, native: undefined };
  return req;
}
