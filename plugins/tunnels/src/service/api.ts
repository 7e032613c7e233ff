/**
 * The `tunnels` service (version 1) the tunnels plugin provides to other plugins on the server. The
 * tunnels plugin starts and stops tunnels by hand; a supervisor (the `tunnel-autostart` module) decides
 * what happens at boot and after a drop. A consumer declares `"consumes": {"tunnels": "^1.0.0"}` and
 * `"dependencies": {"tunnels": "^1.0.0"}`, then:
 *
 * ```ts
 * const tunnels = ctx.services.consume<TunnelsService>(TUNNELS_SERVICE);
 * const supervision = tunnels?.registerSupervisor({
 *   dropped: (t) => tunnels.setRetry(t.id, { attempt: 1, at: Date.now() + 1000 }),
 *   stopped: (id) => cancelRetry(id),
 * });
 * ctx.onDispose(() => supervision?.dispose());
 * ```
 *
 * While a supervisor is registered the page lets people mark tunnels auto-start; when it goes (the
 * module's plugin is disabled, removed or its license lapses), tunnels fall back to manual start and
 * their auto-start marks are kept for its return.
 */
import type { Disposable } from "@archnest/sdk/plugin";
import type { TunnelView } from "../manager/index.js";

export type { TunnelState, TunnelView } from "../manager/index.js";

/** The name the tunnels plugin provides the service under (`archnest.provides`). */
export const TUNNELS_SERVICE = "tunnels";

/** When the next attempt to reopen a dropped tunnel is due, as the page shows it. */
export interface TunnelRetry {
  /** 1 for the first attempt after the drop. */
  attempt: number;
  /** Milliseconds since the epoch. */
  at: number;
}

/** Decides what a tunnel marked auto-start does when it drops or when a person stops it. */
export interface TunnelSupervisor {
  /** A running tunnel closed by itself (its SSH connection dropped, the server refused it). */
  dropped(tunnel: TunnelView, error: { code: string; message: string }): void;
  /** A person stopped the tunnel (or removed it): no retry until it is started again. */
  stopped(id: string): void;
}

export interface TunnelsService {
  /** Every saved tunnel with its live state. */
  list(): Promise<TunnelView[]>;
  /** Opens a tunnel; throws an error coded `TUNNELS_ERR_START_FAILED` (with the SSH code as `reason`) when it cannot. */
  start(id: string): Promise<TunnelView>;
  /**
   * Registers the supervisor (one at a time: a second registration throws). Disposing it clears every
   * pending retry the page shows.
   */
  registerSupervisor(supervisor: TunnelSupervisor): Disposable;
  /** Shows a pending retry on a tunnel (state `retrying`), or clears it with null. */
  setRetry(id: string, retry: TunnelRetry | null): void;
}
