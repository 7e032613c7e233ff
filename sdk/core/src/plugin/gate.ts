/**
 * The license gate, in one place: the 402 `module_required` body, `ctx.license` and `ctx.limits` are
 * built here from what the install is licensed for, the caps the manifests declare and the registry's
 * catalog. The host and the SDK test harness both assemble a plugin's gate with {@link createModuleGate},
 * so a plugin meets the same answers in its tests as in production.
 */
import type { PluginSocket, RequestUser } from "./index.js";
import type { ModuleRequiredBody } from "./module-required.js";

export type { ModuleRequiredBody } from "./module-required.js";

/** A free cap and the module that lifts it, as a manifest's `archnest.limits` declares it. */
export interface LimitDeclaration {
  cap: number;
  module: string;
}

/** What the catalog says about a module: its price, when it has one. */
export interface ModuleOffer {
  price?: string;
}

/** The facts a gate decides from; the host reads them from its license, manifests and catalog. */
export interface GateSource {
  licensed(module: string): boolean;
  /** The cap declared under this name, or undefined when nothing caps it. */
  limit(limit: string): LimitDeclaration | undefined;
  /** The catalog's entry for a module (empty when the catalog is unknown or does not list it). */
  offer(module: string): ModuleOffer;
  /** Where the Module Store lives; a module's link is `<purchaseBase>#<module>`. */
  purchaseBase: string;
}

/** The WebSocket close code a gated socket gets after its `module_required` error frame. */
export const MODULE_REQUIRED_CLOSE = 4402;

/** A free-tier cap and the module that lifts it. */
export interface LimitState {
  limit: string;
  /** null when a licensed module lifts the cap (or nothing caps it). */
  cap: number | null;
  module: string;
}

/** A Hono-compatible middleware: answers the 402 itself, or lets the request through. */
export type GateMiddleware = (c: unknown, next: () => Promise<void>) => Promise<Response | undefined>;

/** A WebSocket handler as `ctx.ws.handle` takes it. */
export type SocketHandler = (socket: PluginSocket, request: { url: URL; user: RequestUser }) => void;

/**
 * The license as a plugin sees it (`ctx.license`): one gate for HTTP routes and WebSockets alike, each
 * answering the same {@link ModuleRequiredBody}.
 */
export interface PluginLicense {
  /** True when the install's license covers `module` (`free` always is). */
  licensed(module: string): boolean;
  /**
   * The host's ready HTTP 402 when the license does not cover `module`, or undefined when it does.
   *
   * @example
   * ```ts
   * const locked = ctx.license.require("tunnel-autostart");
   * if (locked) return locked;
   * ```
   */
  require(module: string): Response | undefined;
  /**
   * Middleware for a route or a group of routes that need `module`.
   *
   * @example
   * ```ts
   * app.use("/autostart/*", ctx.license.gate("tunnel-autostart"));
   * ```
   */
  gate(module: string): GateMiddleware;
  /**
   * Wraps a WebSocket handler so an unlicensed caller gets the 402 body as an error frame
   * (`{state: "error", code: "module_required", ...body}`) and a close with {@link MODULE_REQUIRED_CLOSE}.
   *
   * @example
   * ```ts
   * ctx.ws.handle("recording", ctx.license.gateSocket("session-recording", (socket) => record(socket)));
   * ```
   */
  gateSocket(module: string, handler: SocketHandler): SocketHandler;
  /** The 402 body when the license does not cover `module` (for transports other than HTTP), else undefined. */
  refusal(module: string): ModuleRequiredBody | undefined;
}

/** The free caps the manifests declare (`archnest.limits`) and the host's own (`hosts`, `users`). */
export interface PluginLimits {
  get(limit: string): LimitState;
  /**
   * Returns a ready HTTP 402 response when adding one more item to `currentCount` would pass the cap,
   * or undefined when it is allowed.
   */
  check(limit: string, currentCount: number): Response | undefined;
  /**
   * True when the install's license covers a module.
   *
   * @deprecated Use {@link PluginLicense.licensed} (`ctx.license.licensed`) instead.
   */
  licensed(module: string): boolean;
  /**
   * The host's ready HTTP 402 when the license does not cover `module`, or undefined when it does.
   *
   * @deprecated Use {@link PluginLicense.require} (`ctx.license.require`) instead.
   */
  require?(module: string): Response | undefined;
}

/**
 * The `module_required` body for a module, with the catalog's price when it gives one.
 *
 * @example
 * ```ts
 * moduleRequiredBody("tmux", { price: "$5" }, "/settings/store");
 * // {error: "module_required", module: "tmux", price: "$5", purchaseUrl: "/settings/store#tmux", message: ...}
 * ```
 */
export function moduleRequiredBody(module: string, offer: ModuleOffer, purchaseBase: string, reached?: { limit: string; cap: number }): ModuleRequiredBody {
  const needs = `This needs the ${module} module${offer.price ? ` (${offer.price})` : ""}.`;
  return {
    error: "module_required",
    module,
    ...(offer.price !== undefined && { price: offer.price }),
    purchaseUrl: `${purchaseBase}#${module}`,
    message: reached ? `The free core keeps ${reached.cap} ${reached.limit}. ${needs}` : needs,
    ...(reached && { limit: reached.limit, cap: reached.cap }),
  };
}

/** The HTTP 402 carrying a {@link ModuleRequiredBody}. */
export function moduleRequiredResponse(body: ModuleRequiredBody): Response {
  return Response.json(body, { status: 402 });
}

/** Sends a refusal down a socket the way every gated WebSocket answers it, then closes it. */
export function refuseSocket(socket: PluginSocket, body: ModuleRequiredBody): void {
  socket.send(JSON.stringify({ state: "error", code: "module_required", ...body }));
  socket.close(MODULE_REQUIRED_CLOSE, "module_required");
}

/**
 * Builds `ctx.license` and `ctx.limits` from a {@link GateSource}. The host and the SDK test harness both
 * use it, so the gate answers the same wherever a plugin runs.
 *
 * @example
 * ```ts
 * const { license, limits } = createModuleGate({ licensed: (m) => m === "free", limit: () => undefined, offer: () => ({}), purchaseBase: "/settings/store" });
 * license.require("tmux")?.status; // 402
 * ```
 */
export function createModuleGate(source: GateSource): { license: PluginLicense; limits: PluginLimits } {
  const licensed = (module: string) => module === "free" || source.licensed(module);
  const refusal = (module: string) => (licensed(module) ? undefined : moduleRequiredBody(module, source.offer(module), source.purchaseBase));
  const require = (module: string) => {
    const body = refusal(module);
    return body && moduleRequiredResponse(body);
  };
  const get = (limit: string): LimitState => {
    const declared = source.limit(limit);
    if (!declared) return { limit, cap: null, module: "free" };
    return { limit, cap: licensed(declared.module) ? null : declared.cap, module: declared.module };
  };
  const license: PluginLicense = {
    licensed,
    require,
    refusal,
    gate: (module) => async (_c, next) => {
      const locked = require(module);
      if (locked) return locked;
      await next();
      return undefined;
    },
    gateSocket: (module, handler) => (socket, request) => {
      const body = refusal(module);
      if (body) refuseSocket(socket, body);
      else handler(socket, request);
    },
  };
  const limits: PluginLimits = {
    get,
    check(limit, currentCount) {
      const state = get(limit);
      if (state.cap === null || currentCount < state.cap) return undefined;
      return moduleRequiredResponse(moduleRequiredBody(state.module, source.offer(state.module), source.purchaseBase, { limit, cap: state.cap }));
    },
    licensed,
    require,
  };
  return { license, limits };
}
