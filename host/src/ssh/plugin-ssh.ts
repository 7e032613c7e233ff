import type { Duplex } from "node:stream";
import { SdkError } from "@archnest/sdk";
import { type Disposable, type PluginSsh, SSH_PERMISSIONS } from "@archnest/sdk/plugin";

export { SSH_PERMISSIONS };

import type { SshService } from "./ssh-service.js";

export interface PluginSshScope {
  /** Throws SDK_ERR_CAPABILITY_UNDECLARED when the plugin lacks the permission. */
  need(permission: string): void;
  /** Registers cleanup run when the plugin is disposed (the plugin instance's `track`). */
  track(d: Disposable): Disposable;
}

/**
 * `ctx.ssh` for one plugin: checks the member's permission, then calls the host's SSH service, and
 * tracks every shell, SFTP session, tunnel, TCP stream, router and listener so disposing the plugin closes them.
 * A resource the plugin closes itself is untracked at once, so long-lived plugins do not accumulate.
 */
export function createPluginSsh(service: SshService | undefined, scope: PluginSshScope): PluginSsh {
  const use = (member: keyof PluginSsh): SshService => {
    scope.need(SSH_PERMISSIONS[member]);
    if (!service) throw new SdkError("SDK_ERR_SERVICE_UNAVAILABLE", "This host runs without its SSH service.");
    return service;
  };
  // Resources that end on their own (a shell exits, a tunnel's connection drops) untrack themselves.
  const hold = <T extends { close(): unknown; onClose(cb: () => void): unknown }>(resource: T): T => {
    const tracked = scope.track({ dispose: async () => void (await resource.close()) });
    resource.onClose(() => void tracked.dispose());
    return resource;
  };
  // ssh2 emits a channel's close only after its end has been read: a stream the plugin left paused is
  // drained so its close (and the service's bookkeeping) follows the destroy.
  const holdStream = <T extends Duplex>(stream: T): T => {
    const tracked = scope.track({ dispose: () => void stream.destroy().resume() });
    stream.once("close", () => void tracked.dispose());
    return stream;
  };
  return {
    hosts: async () => use("hosts").hosts(),
    onHostsChanged: (listener) => scope.track(use("onHostsChanged").onHostsChanged(listener)),
    exec: async (hostId, command, opts) => use("exec").exec(hostId, command, opts),
    shell: async (hostId, opts) => hold(await use("shell").shell(hostId, opts)),
    sftp: async (hostId) => hold(await use("sftp").sftp(hostId)),
    forwardLocal: async (hostId, opts) => hold(await use("forwardLocal").forwardLocal(hostId, opts)),
    forwardRemote: async (hostId, opts) => hold(await use("forwardRemote").forwardRemote(hostId, opts)),
    registerRouter: (router) => scope.track(use("registerRouter").registerRouter(router)),
    registerAuthenticator: (authenticator) => scope.track(use("registerAuthenticator").registerAuthenticator(authenticator)),
    publicKeyOf: async (privateKey, passphrase) => use("publicKeyOf").publicKeyOf(privateKey, passphrase),
    openTcp: async (hostId, opts) => holdStream(await use("openTcp").openTcp(hostId, opts)),
    openUnix: async (hostId, opts) => holdStream(await use("openUnix").openUnix(hostId, opts)),
    openExec: async (hostId, command, opts) => holdStream(await use("openExec").openExec(hostId, command, opts)),
  };
}
