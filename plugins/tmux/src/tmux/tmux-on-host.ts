import type { PluginSsh, SshExecResult, SshHostSummary } from "@archnest/sdk/plugin";
import { isCodedError } from "@archnest/sdk/plugin";
import { TmuxError } from "../errors/index.js";
import { isNoServer, parseListing, type TmuxSession } from "./parse-listing.js";
import {
  CLIENT_TTY,
  detachCommand,
  isSessionName,
  isSessionTarget,
  killCommand,
  listCommand,
  NOT_INSTALLED_MARKER,
  newSessionCommand,
} from "./tmux-commands.js";

/** What the list answers: the host and its sessions (an empty list when no tmux server runs). */
export interface TmuxListing {
  host: { id: string; name: string };
  sessions: TmuxSession[];
}

/** tmux commands return at once; a host that takes longer is unreachable or overloaded. */
const EXEC_TIMEOUT_MS = 15_000;

/** The first line of tmux's complaint, short enough for a toast. */
const firstLine = (s: string) => (s.split("\n").find((l) => l.trim()) ?? "").trim().slice(0, 200);

/** tmux on the SSH hosts of this install, over `ctx.ssh.exec`. */

/** Listings taken, 100 ms apart, while detached clients are still leaving. */
const DETACH_POLLS = 20;
export class TmuxOnHost {
  constructor(private readonly ssh: PluginSsh) {}

  async list(hostId: string): Promise<TmuxListing> {
    const host = await this.host(hostId);
    const r = await this.run(host, listCommand());
    // A host with no tmux server running has no sessions; that is an empty list, not an error.
    if (r.code !== 0 && !isNoServer(r.stderr)) throw this.failure(host, r);
    return { host: { id: host.id, name: host.name }, sessions: parseListing(r.stdout) };
  }

  async create(hostId: string, name: string): Promise<TmuxListing> {
    if (!isSessionName(name)) throw new TmuxError("TMUX_ERR_BAD_NAME");
    const host = await this.host(hostId);
    const r = await this.run(host, newSessionCommand(name));
    if (r.code !== 0) throw this.failure(host, r, name);
    return this.list(host.id);
  }

  async detach(hostId: string, target: string, tty?: string): Promise<TmuxListing> {
    if (tty !== undefined && !CLIENT_TTY.test(tty)) throw new TmuxError("TMUX_ERR_BAD_CLIENT");
    const host = await this.checked(hostId, target);
    if (tty !== undefined) {
      // detach-client -t takes any client: make sure this one is the named session's.
      const { sessions } = await this.list(host.id);
      const session = sessions.find((s) => s.name === target || s.id === target);
      if (!session) throw new TmuxError("TMUX_ERR_SESSION_NOT_FOUND", `No tmux session "${target}" on ${host.name}.`);
      if (!session.clients.some((c) => c.tty === tty)) throw new TmuxError("TMUX_ERR_CLIENT_NOT_FOUND", `No client on ${tty} is attached to "${target}".`);
    }
    const r = await this.run(host, detachCommand(target, tty));
    if (r.code !== 0) throw this.failure(host, r, target);
    // tmux lets go of a client once the client has read its detach message: the listing answered waits
    // (a bounded while) until the detached clients are gone, so the panel never shows them still attached.
    const gone = (l: TmuxListing) => {
      const s = l.sessions.find((x) => x.name === target || x.id === target);
      return !s || (tty === undefined ? s.clients.length === 0 : !s.clients.some((c) => c.tty === tty));
    };
    let listing = await this.list(host.id);
    for (let i = 0; i < DETACH_POLLS && !gone(listing); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      listing = await this.list(host.id);
    }
    return listing;
  }

  async kill(hostId: string, target: string): Promise<TmuxListing> {
    const host = await this.checked(hostId, target);
    const r = await this.run(host, killCommand(target));
    if (r.code !== 0) throw this.failure(host, r, target);
    return this.list(host.id);
  }

  private async checked(hostId: string, target: string): Promise<SshHostSummary> {
    if (!isSessionTarget(target)) throw new TmuxError("TMUX_ERR_BAD_NAME");
    return this.host(hostId);
  }

  private async host(hostId: string): Promise<SshHostSummary> {
    if (!hostId) throw new TmuxError("TMUX_ERR_BAD_REQUEST", "Send ?host=<id>.");
    const host = (await this.ssh.hosts()).find((h) => h.id === hostId);
    if (!host) throw new TmuxError("TMUX_ERR_HOST_NOT_FOUND", `No SSH host with id "${hostId}".`);
    return host;
  }

  private async run(host: SshHostSummary, command: string): Promise<SshExecResult> {
    try {
      return await this.ssh.exec(host.id, command, { timeoutMs: EXEC_TIMEOUT_MS, maxOutputBytes: 4 * 1024 * 1024 });
    } catch (err) {
      // The SSH service's own codes (host key, auth, unreachable) say more than ours would.
      if (isCodedError(err)) throw err;
      throw new TmuxError("TMUX_ERR_SSH", `The SSH connection to ${host.name} failed.`, { cause: err });
    }
  }

  private failure(host: SshHostSummary, r: SshExecResult, target?: string): TmuxError {
    const said = firstLine(r.stderr);
    if (r.code === 127 && r.stderr.includes(NOT_INSTALLED_MARKER))
      return new TmuxError("TMUX_ERR_NOT_INSTALLED", `tmux is not installed on ${host.name}. Install tmux on ${host.name} (apt install tmux), then refresh.`);
    if (/duplicate session/.test(said)) return new TmuxError("TMUX_ERR_SESSION_EXISTS", `A tmux session "${target}" already exists on ${host.name}.`);
    if (/can't find session|session not found/.test(said) || isNoServer(r.stderr))
      return new TmuxError("TMUX_ERR_SESSION_NOT_FOUND", `No tmux session "${target}" on ${host.name}.`);
    if (/can't find client/.test(said)) return new TmuxError("TMUX_ERR_CLIENT_NOT_FOUND");
    return new TmuxError("TMUX_ERR_TMUX_FAILED", `tmux on ${host.name} answered: ${said || `exit status ${r.code}`}`);
  }
}
