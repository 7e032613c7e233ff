import type { PluginLimits } from "@archnest/sdk";
import type { Host } from "../app.js";
import { SshHostStore } from "./host-store.js";
import { hostsApi } from "./hosts-routes.js";
import { SshService } from "./ssh-service.js";

export interface AttachSshOptions {
  /** The host's caps under its license (`hosts`, lifted by `unlimited-hosts`), answering its 402s. */
  limits: PluginLimits;
  readyTimeoutMs?: number;
  keepaliveIntervalMs?: number;
}

/**
 * Adds SSH hosts to a built host: the store (database and vault), the SSH service with its connection
 * pool, and the /api/hosts routes. Everything it opened closes when the host closes.
 */
export function attachSsh(host: Host, opts: AttachSshOptions) {
  const store = new SshHostStore(host.db, host.vault);
  const service = new SshService({
    store,
    log: host.log.child({ component: "ssh" }),
    ...(opts.readyTimeoutMs !== undefined && { readyTimeoutMs: opts.readyTimeoutMs }),
    ...(opts.keepaliveIntervalMs !== undefined && { keepaliveIntervalMs: opts.keepaliveIntervalMs }),
  });
  host.app.route("/api", hostsApi({ store, service, limits: opts.limits }));
  host.onClose(() => service.close());
  return { store, service };
}
