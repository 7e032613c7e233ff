/**
 * SSH in the kernel: SSH hosts with their credentials in the vault and verified
 * host keys, the /api/hosts routes, and the SSH service lent to plugins as `ctx.ssh`.
 */

export { parseSshConfig, type SshConfigHost, type SshConfigSkip } from "@archnest/sdk/plugin";
export { type AttachSshOptions, attachSsh } from "./attach-ssh.js";
export type { SshConnectionState, SshProbeResult } from "./connection-pool.js";
export { FINGERPRINT_PATTERN, hostKeyFingerprint } from "./fingerprint.js";
export { type SshCredentials, type SshHostInput, type SshHostPatch, SshHostStore, type SshHostView } from "./host-store.js";
export { type HostsApiOptions, hostsApi } from "./hosts-routes.js";
export { createPluginSsh, SSH_PERMISSIONS } from "./plugin-ssh.js";
export { SftpSession } from "./sftp-session.js";
export { SftpError } from "./ssh-errors.js";
export { SshService, type SshServiceOptions } from "./ssh-service.js";
