/**
 * Tunnel Auto-Start: supervises the tunnels plugin's tunnels marked auto-start through its `tunnels`
 * service. It holds no data of its own: the marks live with the tunnels, so a lapsed license (this plugin
 * is then not loaded) leaves them in place and tunnels fall back to manual start until it returns.
 */
import { definePlugin, type Json } from "@archnest/sdk/plugin";
import { TUNNELS_SERVICE, type TunnelsService } from "@archnest/tunnels/service";
import type { BackoffOptions } from "./supervisor/backoff.js";
import { AutoStartSupervisor } from "./supervisor/supervisor.js";

export { type BackoffOptions, backoffCeiling, backoffDelay } from "./supervisor/backoff.js";
export { AutoStartSupervisor } from "./supervisor/supervisor.js";

function readBackoff(values: Record<string, Json>): BackoffOptions {
  const seconds = (key: string, fallback: number, min: number, max: number) => {
    const v = values[key];
    return typeof v === "number" && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;
  };
  const firstMs = seconds("firstRetrySeconds", 1, 0.1, 60) * 1000;
  return { firstMs, capMs: Math.max(firstMs, seconds("maxRetrySeconds", 60, 1, 3600) * 1000) };
}

export default definePlugin({
  async setup(ctx) {
    const tunnels = ctx.services.consume<TunnelsService>(TUNNELS_SERVICE);
    if (!tunnels) throw new Error("the tunnels plugin's service is not available");
    let backoff = readBackoff(await ctx.settings.get());
    ctx.settings.onChange((values) => {
      backoff = readBackoff(values);
    });
    const supervisor = new AutoStartSupervisor({ tunnels, backoff: () => backoff, log: ctx.log });
    const registration = tunnels.registerSupervisor(supervisor);
    ctx.onDispose(() => {
      supervisor.dispose();
      registration.dispose();
    });
    // Not awaited: setup is time-boxed, and a host that is slow to answer must not hold the plugin back.
    void supervisor.boot().catch((err: unknown) => ctx.log.warn("auto-start at boot failed", { error: String(err) }));
  },
});
