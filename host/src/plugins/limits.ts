import type { LimitState } from "@archnest/sdk/plugin";
import type { Entitlements } from "./entitlements.js";

/** The free caps of docs/modules.md and the module that lifts each. */
export const FREE_LIMITS: Record<string, { cap: number; module: string }> = {
  hosts: { cap: 3, module: "unlimited-hosts" },
  bookmarks: { cap: 10, module: "unlimited-bookmarks" },
  "docker-sources": { cap: 1, module: "docker-over-ssh" },
  "terminal-panes": { cap: 1, module: "multi-pane-terminal" },
  "terminal-tabs": { cap: 1, module: "multi-pane-terminal" },
  users: { cap: 1, module: "multi-user" },
};

/** The price of every single module (docs/modules.md); bundles are priced by the registry's catalog. */
export const MODULE_PRICE = "$5";

/** The body of every 402 the host sends, as the seed design and docs/architecture.md section 4 give it. */
export function moduleRequiredBody(module: string, purchaseBase: string): { error: "module_required"; module: string; price: string; purchaseUrl: string } {
  return { error: "module_required", module, price: MODULE_PRICE, purchaseUrl: `${purchaseBase}#${module}` };
}

export function limitState(limit: string, entitlements: Entitlements): LimitState {
  const def = FREE_LIMITS[limit];
  if (!def) return { limit, cap: null, module: "free" };
  return { limit, cap: entitlements.licensed(def.module) ? null : def.cap, module: def.module };
}

/** A ready 402 response when one more item would pass the cap; undefined when allowed. */
export function checkLimit(limit: string, currentCount: number, entitlements: Entitlements, purchaseBase: string): Response | undefined {
  const state = limitState(limit, entitlements);
  if (state.cap === null || currentCount < state.cap) return undefined;
  return Response.json({ ...moduleRequiredBody(state.module, purchaseBase), limit, cap: state.cap }, { status: 402 });
}

/** A ready 402 response when the license does not cover `module`; undefined when it does. */
export function requireModule(module: string, entitlements: Entitlements, purchaseBase: string): Response | undefined {
  return entitlements.licensed(module) ? undefined : Response.json(moduleRequiredBody(module, purchaseBase), { status: 402 });
}
