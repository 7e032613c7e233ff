import {
  createModuleGate,
  type LimitDeclaration,
  type ModuleRequiredBody,
  moduleRequiredBody,
  type PluginLicense,
  type PluginLimits,
} from "@archnest/sdk/plugin";
import type { Entitlements } from "../plugins/entitlements.js";
import type { ModuleCatalog } from "./catalog-offers.js";
import { HOST_LIMITS } from "./host-limits.js";

/**
 * The one license gate of the host: its own features, the plugin routes and WebSockets, registry installs
 * and every plugin's `ctx.license` and `ctx.limits` answer through it, so each 402 carries the same body.
 */
export class HostGate {
  constructor(
    private readonly entitlements: Entitlements,
    private readonly catalog: ModuleCatalog,
    /** Where the web app's Module Store is; a module's purchase link is `<purchaseBase>#<module>`. */
    readonly purchaseBase: string,
  ) {}

  licensed(module: string): boolean {
    return module === "free" || this.entitlements.licensed(module);
  }

  /** The 402 body for `module`, whether or not it is licensed (a registry refusal names it). */
  body(module: string): ModuleRequiredBody {
    return moduleRequiredBody(module, this.catalog.offer(module), this.purchaseBase);
  }

  /**
   * The gate as a plugin sees it: its own manifest's caps, then the host's. Without `declared`, the
   * host's own features' gate.
   */
  scoped(declared: Readonly<Record<string, LimitDeclaration>> = {}): { license: PluginLicense; limits: PluginLimits } {
    return createModuleGate({
      licensed: (module) => this.entitlements.licensed(module),
      limit: (name) =>
        Object.hasOwn(declared, name) ? declared[name] : Object.hasOwn(HOST_LIMITS, name) ? HOST_LIMITS[name as keyof typeof HOST_LIMITS] : undefined,
      offer: (module) => this.catalog.offer(module),
      purchaseBase: this.purchaseBase,
    });
  }
}
