/**
 * The server-side plugin API, version 1. A plugin's server entry default-exports `definePlugin(...)`;
 * the host calls `setup(ctx)` with a {@link PluginContext} holding only what the manifest declared and
 * the admin granted. Every registration returns a {@link Disposable} the host disposes on unload.
 */
import { SdkError } from "../errors/index.js";
import type { PluginDocker } from "./docker.js";
import type { PluginFetch } from "./fetch.js";
import type { PluginLicense, PluginLimits } from "./gate.js";
import type { PluginSsh } from "./ssh.js";

// A plugin declares its error catalogue and answers errors in the host's wire shape with these.
export {
  type CatalogueCode,
  CodedError,
  type CodedErrorOptions,
  defineErrors,
  type ErrorBody,
  type ErrorCatalogue,
  type ErrorEntry,
  type ErrorSpec,
  errorBody,
  errorResponse,
  isCodedError,
} from "../errors/define-errors.js";
// The address rule ctx.fetch applies (loopback, private, link-local, ... are not public), for plugins that
// reach out on their own terms, such as a favicon fetcher that follows a bookmark wherever it points.
export { isPrivateAddress } from "../node/private-address.js";
// Speaking HTTP over any stream a plugin opens (ctx.ssh.openUnix, openExec, ctx.docker.connect).
export { streamAgent } from "../node/stream-agent.js";
// Everything in docker.ts, fetch.ts, gate.ts, parse-ssh-config.ts, sftp-copy.ts, ssh.ts and ssh-certificate.ts is
// public API: the lent capabilities (ctx.docker, ctx.fetch, ctx.license and ctx.limits, ctx.ssh), their
// types, error guards and permission maps, the OpenSSH client config and certificate readers, and the
// pipelined copy between two open SFTP files.
export * from "./docker.js";
export * from "./fetch.js";
export * from "./gate.js";
export * from "./parse-ssh-config.js";
export * from "./sftp-copy.js";
export * from "./ssh.js";
export * from "./ssh-certificate.js";

/** The SDK API version this package implements. Hosts compare a manifest's `sdk` range against it. */
export const SDK_API_VERSION = "1.3.0";

/** Something the host undoes on unload or upgrade (routes, timers, sockets, subscriptions). */
export interface Disposable {
  dispose(): void | Promise<void>;
}

/** A JSON value, as storage and events carry them. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Who made a request: the signed-in user the host authenticated. */
export interface RequestUser {
  id: string;
  username: string;
  role: "admin" | "member";
}

/** What the host passes as the second argument of a mounted app's `fetch` (Hono reads it as `c.env`). */
export interface PluginRequestEnv {
  user: RequestUser;
  requestId: string;
}

/**
 * Anything with a WHATWG `fetch` handler, such as a Hono app. The host strips `/api/plugins/<id>` from
 * the URL before calling it, so a plugin routes on its own paths (`app.get("/notes", ...)`).
 *
 * The request is a `Request` (every property and method works) that the host builds lazily from the
 * person's: it carries their headers except the session cookie and CSRF token, their body, and a signal
 * that aborts when they go away. It is not a native Request, so to hand it whole to `fetch()` or
 * `new Request()` as the first argument, pass `request.clone()`; as the init (`new Request(url, request)`)
 * it can be passed directly.
 */
export interface FetchHandler {
  fetch(request: Request, env: PluginRequestEnv): Response | Promise<Response>;
}

/** How the host treats a mounted handler's requests. */
export interface MountOptions {
  /**
   * Request body caps, in bytes, of the routes that take more than the host's default (1 MiB), keyed by
   * method and path as the plugin routes them. The host refuses a larger body with 413
   * `HOST_ERR_PAYLOAD_TOO_LARGE` while it is read, before the handler sees it buffered. A route that
   * streams its body elsewhere (an upload to an SSH host) may say `Infinity`.
   *
   * @example
   * ```ts
   * ctx.routes.mount(app, { bodyLimits: { "POST /import": 5 * 1024 * 1024 } });
   * ```
   */
  bodyLimits?: Readonly<Record<string, number>>;
}

/** HTTP routes under `/api/plugins/<id>/`, behind the host's auth and license gate. */
export interface PluginRoutes {
  /** Mounts a fetch handler (a Hono app) for this plugin. One mount at a time; a second replaces the first. */
  mount(handler: FetchHandler, options?: MountOptions): Disposable;
}

/** One WebSocket connection handed to a plugin. */
export interface PluginSocket {
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  /** Bytes queued but not yet sent: the basis of flow control. */
  readonly bufferedAmount: number;
  onMessage(listener: (data: Uint8Array | string, isBinary: boolean) => void): void;
  onClose(listener: (code: number, reason: string) => void): void;
  /** Called when the send queue has drained below the host's low-water mark. */
  onDrain(listener: () => void): void;
}

/** What the host knows of an agent's connection: where it came from. It carries no user. */
export interface AgentSocketRequest {
  url: URL;
  /** The peer's address as the host saw it (a proxy's, behind one). */
  remoteAddress: string;
}

/** WebSocket routes under `/api/plugins/<id>/ws/<path>`. */
export interface PluginWebSockets {
  handle(path: string, handler: (socket: PluginSocket, request: { url: URL; user: RequestUser }) => void): Disposable;
  /**
   * WebSocket routes under `/api/plugins/<id>/agent/<path>` for programs that are not signed-in people:
   * agents that connect out to ArchNest from machines it cannot reach. The host checks no session there
   * and refuses a browser's request (one with an `Origin` header); the license gate still applies. The
   * plugin must authenticate each connection itself (a key the agent proves it holds) before trusting
   * anything it says, and close it if that does not happen soon. Needs the `agents` permission.
   *
   * @example
   * ```ts
   * // archnest.permissions: ["agents", "storage"]
   * ctx.ws.handleAgent("connect", (socket, { remoteAddress }) => {
   *   socket.send(JSON.stringify({ t: "challenge", nonce }));
   * });
   * ```
   */
  handleAgent(path: string, handler: (socket: PluginSocket, request: AgentSocketRequest) => void): Disposable;
}

/** Plugin-scoped key-value storage in the host database (needs the `storage` permission). */
export interface PluginStorage {
  get<T extends Json = Json>(key: string): Promise<T | undefined>;
  set(key: string, value: Json): Promise<void>;
  delete(key: string): Promise<boolean>;
  list<T extends Json = Json>(prefix?: string): Promise<{ key: string; value: T }[]>;
}

/** Plugin-scoped secrets, encrypted at rest by the host's vault (needs the `secrets` permission). */
export interface PluginSecrets {
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<boolean>;
}

/** The plugin's settings, declared in `archnest.contributes.settings`, validated by the host. */
export interface PluginSettings {
  /** Current values with declared defaults applied. */
  get(): Promise<Record<string, Json>>;
  onChange(listener: (values: Record<string, Json>) => void): Disposable;
}

/**
 * Events on the host's bus. Host events: `plugin.installed`, `plugin.removed`, `plugin.state`,
 * `license.changed`. Plugins emit under their own id: `<id>.<name>`.
 */
export interface PluginEvents {
  on(type: string, listener: (payload: Json) => void): Disposable;
  emit(name: string, payload: Json): void;
}

/** Services provided and consumed between plugins, by the names and ranges the manifests declare. */
export interface PluginServices {
  /** Provides a service named in `archnest.provides` (its version comes from the manifest). */
  provide<T extends object>(name: string, implementation: T): Disposable;
  /** The provider of a service named in `archnest.consumes`, if one in range is active. */
  consume<T extends object>(name: string): T | undefined;
}

/** A logger whose lines carry the plugin's id. */
export interface PluginLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** What the host tells a plugin about itself. */
export interface PluginInfo {
  id: string;
  name: string;
  version: string;
  module: string;
  permissions: readonly string[];
  /** The plugin's own data folder under the host's data directory. */
  dataDir: string;
}

/** The context version 1 the host hands to `setup`. */
export interface PluginContext {
  readonly plugin: PluginInfo;
  readonly routes: PluginRoutes;
  readonly ws: PluginWebSockets;
  readonly storage: PluginStorage;
  readonly secrets: PluginSecrets;
  readonly settings: PluginSettings;
  readonly events: PluginEvents;
  readonly services: PluginServices;
  /** The free caps the manifests declare and the host's own, each with the module that lifts it. */
  readonly limits: PluginLimits;
  /** The install's license: one gate for routes and WebSockets, answering the host's 402 body. */
  readonly license: PluginLicense;
  readonly log: PluginLogger;
  /** The host's SSH hosts and pooled connections; each member needs its `hosts:read` / `ssh:*` permission. */
  readonly ssh: PluginSsh;
  /** Connections to Docker engines, opened and closed by the host; needs the `docker` permission. */
  readonly docker: PluginDocker;
  /** `fetch` restricted to the hosts of the manifest's `net:outbound:` permissions (see {@link PluginFetch}). */
  readonly fetch: PluginFetch;
  /** Registers cleanup to run on unload, like VS Code's `context.subscriptions`. */
  onDispose(dispose: () => void | Promise<void>): Disposable;
}

/** What an author passes to {@link definePlugin}. */
export interface PluginDefinition {
  setup(ctx: PluginContext): void | Promise<void>;
}

/** The tagged, versioned object `definePlugin` returns; the host reads every tag version it supports. */
export interface DefinedPlugin extends PluginDefinition {
  readonly $archnest: "plugin";
  /** The SDK API version the plugin was built against. */
  readonly sdk: string;
}

/**
 * Declares a plugin's server side. The returned object is tagged with the SDK version it was built with,
 * so old plugins keep loading while the SDK moves on.
 *
 * @example
 * ```ts
 * export default definePlugin({
 *   setup(ctx) {
 *     const app = new Hono().get("/hello", (c) => c.json({ hello: ctx.plugin.id }));
 *     ctx.routes.mount(app);
 *   },
 * });
 * ```
 */
export function definePlugin(definition: PluginDefinition): DefinedPlugin {
  if (typeof definition?.setup !== "function") throw new SdkError("SDK_ERR_PLUGIN_DEFINITION", "definePlugin needs a setup(ctx) function.");
  return Object.freeze({ ...definition, $archnest: "plugin" as const, sdk: SDK_API_VERSION });
}

/** True when a module's default export was made by {@link definePlugin} (of any SDK version). */
export function isDefinedPlugin(value: unknown): value is DefinedPlugin {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { $archnest?: unknown }).$archnest === "plugin" &&
    typeof (value as { sdk?: unknown }).sdk === "string" &&
    typeof (value as { setup?: unknown }).setup === "function"
  );
}
