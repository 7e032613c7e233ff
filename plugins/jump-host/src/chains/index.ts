/**
 * Jump host chains as data: each SSH host jumps through at most one other (`via`), and chains compose
 * (T via B, B via A is A → B → T). Pure: the server keeps the map in its storage and routes with it.
 */
import type { SshConfigHost, SshHostSummary } from "@archnest/sdk/plugin";
import { JumpErrors } from "../errors/index.js";

/** The longest chain: jump hosts before the target. */
export const MAX_HOPS = 8;

/** hostId → the id of the host it jumps through. */
export type ViaMap = ReadonlyMap<string, string>;

/**
 * The jump hosts before `hostId`, first hop first (A, B for A → B → T). Stops at a loop or past
 * {@link MAX_HOPS}, saying which, so a map that went wrong never routes forever.
 */
export function chainOf(vias: ViaMap, hostId: string): { hops: string[]; cycle: boolean; tooDeep: boolean } {
  const hops: string[] = [];
  const seen = new Set([hostId]);
  for (let at = vias.get(hostId); at !== undefined; at = vias.get(at)) {
    if (seen.has(at)) return { hops, cycle: true, tooDeep: false };
    if (hops.length === MAX_HOPS) return { hops, cycle: false, tooDeep: true };
    seen.add(at);
    hops.unshift(at);
  }
  return { hops, cycle: false, tooDeep: false };
}

/** Every host whose chain passes through `hostId` would get a longer chain too: the longest chain among them. */
function longestThrough(vias: ViaMap, hostId: string): number {
  let longest = 0;
  const walk = (id: string, depth: number) => {
    longest = Math.max(longest, depth);
    if (depth > MAX_HOPS) return;
    for (const [from, to] of vias) if (to === id) walk(from, depth + 1);
  };
  walk(hostId, 0);
  return longest;
}

/**
 * Refuses `hostId` jumping through `viaId` when that loops back (JUMP_HOST_ERR_CYCLE) or makes any chain
 * longer than {@link MAX_HOPS} (JUMP_HOST_ERR_TOO_DEEP). `names` turns ids into the names people read.
 */
export function checkVia(vias: ViaMap, hostId: string, viaId: string, names: (id: string) => string): void {
  if (viaId === hostId) throw JumpErrors.create("JUMP_HOST_ERR_CYCLE", `${names(hostId)} cannot jump through itself.`);
  const next = new Map(vias);
  next.set(hostId, viaId);
  const { hops, cycle, tooDeep } = chainOf(next, hostId);
  if (cycle) {
    const loop = [...chainOf(vias, viaId).hops, viaId, hostId].map(names).join(" → ");
    throw JumpErrors.create("JUMP_HOST_ERR_CYCLE", `${names(viaId)} already jumps through ${names(hostId)}: ${loop} would loop.`, {
      details: [`host: ${names(hostId)}`, `via: ${names(viaId)}`],
    });
  }
  if (tooDeep || hops.length + longestThrough(next, hostId) > MAX_HOPS)
    throw JumpErrors.create("JUMP_HOST_ERR_TOO_DEEP", `Jumping through ${names(viaId)} would make a chain of more than ${MAX_HOPS} jump hosts.`);
}

/** A ProxyJump hop as written: an alias, or `[user@]host[:port]` (an IPv6 address in brackets). */
export function parseHop(hop: string): { user: string | undefined; host: string; port: number | undefined } {
  const at = hop.lastIndexOf("@");
  const user = at > 0 ? hop.slice(0, at) : undefined;
  const rest = at >= 0 ? hop.slice(at + 1) : hop;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracket) return { user, host: bracket[1] ?? "", port: bracket[2] ? Number(bracket[2]) : undefined };
  const colon = /^([^:]+):(\d+)$/.exec(rest);
  if (colon) return { user, host: colon[1] ?? "", port: Number(colon[2]) };
  return { user, host: rest, port: undefined };
}

/** The registered host a hop names: by name first (an alias), else by address, port and user. */
export function findHop(hosts: readonly SshHostSummary[], hop: string): SshHostSummary | undefined {
  const byName = hosts.find((h) => h.name.toLowerCase() === hop.toLowerCase());
  if (byName) return byName;
  const { user, host, port } = parseHop(hop);
  const byAlias = hosts.find((h) => h.name.toLowerCase() === host.toLowerCase());
  if (byAlias && (port === undefined || byAlias.port === port) && (user === undefined || byAlias.user === user)) return byAlias;
  return hosts.find((h) => h.address.toLowerCase() === host.toLowerCase() && h.port === (port ?? 22) && (user === undefined || h.user === user));
}

/** What an import did with one config entry. */
export interface ImportApplied {
  host: string;
  /** Names, first hop first, the host last. */
  chain: string[];
}

export interface ImportSkip {
  entry: string;
  line?: number;
  reason: string;
  code?: string;
}

/**
 * Turns the ProxyJump lines of a parsed config into via changes: `Host t / ProxyJump a,b` sets t via b and
 * b via a (a's own jump host stays as it is, as `ssh -J a,b` connects to a by a's own settings). Entries
 * are applied in file order, each seeing the ones before. An entry is skipped, with the reason, when its
 * host or a hop is not a registered SSH host, when a hop already jumps through another host, or when the
 * chain would loop or grow past {@link MAX_HOPS}.
 */
export function planImport(
  entries: readonly SshConfigHost[],
  hosts: readonly SshHostSummary[],
  current: ViaMap,
): { vias: Map<string, string>; changed: Set<string>; applied: ImportApplied[]; skipped: ImportSkip[] } {
  const vias = new Map(current);
  const changed = new Set<string>();
  const applied: ImportApplied[] = [];
  const skipped: ImportSkip[] = [];
  const name = (id: string) => hosts.find((h) => h.id === id)?.name ?? id;
  for (const entry of entries) {
    if (!entry.proxyJump || entry.proxyJump.length === 0) continue;
    const target = hosts.find((h) => h.name.toLowerCase() === entry.alias.toLowerCase());
    if (!target) {
      skipped.push({ entry: entry.alias, reason: `no SSH host is named ${entry.alias}: add or import it in Settings → Integrations first` });
      continue;
    }
    const hops = entry.proxyJump.map((hop) => ({ hop, host: findHop(hosts, hop) }));
    const unknown = hops.find((h) => !h.host);
    if (unknown) {
      skipped.push({ entry: entry.alias, reason: `the jump host ${unknown.hop} is not a registered SSH host: add it in Settings → Integrations first` });
      continue;
    }
    const ids = hops.map((h) => (h.host as SshHostSummary).id);
    const wanted: [string, string][] = [];
    for (let i = 1; i < ids.length; i++) wanted.push([ids[i] as string, ids[i - 1] as string]);
    wanted.push([target.id, ids[ids.length - 1] as string]);
    // A hop already jumping elsewhere belongs to another chain: changing it would reroute that one too.
    const clash = wanted.slice(0, -1).find(([from, to]) => vias.has(from) && vias.get(from) !== to);
    if (clash) {
      const [from, to] = clash;
      skipped.push({
        entry: entry.alias,
        reason: `${name(from)} already jumps through ${name(vias.get(from) as string)}, not ${name(to)}: change it on the Jump hosts page first`,
      });
      continue;
    }
    const trial = new Map(vias);
    try {
      for (const [from, to] of wanted) {
        checkVia(trial, from, to, name);
        trial.set(from, to);
      }
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      skipped.push({ entry: entry.alias, reason: (err as Error).message, ...(typeof code === "string" && { code }) });
      continue;
    }
    for (const [from, to] of wanted) {
      if (vias.get(from) !== to) changed.add(from);
      vias.set(from, to);
    }
    applied.push({ host: target.name, chain: [...chainOf(vias, target.id).hops, target.id].map(name) });
  }
  return { vias, changed, applied, skipped };
}
