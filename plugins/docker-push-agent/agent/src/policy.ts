/**
 * What ArchNest may ask of the engine through the agent. Reading is always allowed (lists, inspects,
 * logs, stats, events); a change is allowed only when it is among the actions the admin allowed for this
 * agent in ArchNest and within the ceiling the agent was started with (`--allow`). Every other Engine API
 * call (create, delete, pull, build, volume and network changes, ...) is refused here, on the host, so an
 * agent never carries more than its owner let it.
 */
import type { AgentAction } from "./protocol.js";

const VERSION = String.raw`(?:/v\d+\.\d+)?`;
const ID = "[^/?#]+";

const READS: readonly RegExp[] = [
  "/_ping",
  "/version",
  "/info",
  "/events",
  "/containers/json",
  `/containers/${ID}/(?:json|logs|stats|top)`,
  "/images/json",
  // Image references may contain slashes (library/busybox:1).
  "/images/.+/(?:json|history)",
  "/volumes",
  `/volumes/${ID}`,
  "/networks",
  `/networks/${ID}`,
  `/exec/${ID}/json`,
].map((p) => new RegExp(`^${VERSION}${p}$`));

const CHANGES: readonly { pattern: RegExp; action: AgentAction }[] = [
  { pattern: new RegExp(`^${VERSION}/containers/${ID}/start$`), action: "start" },
  { pattern: new RegExp(`^${VERSION}/containers/${ID}/stop$`), action: "stop" },
  { pattern: new RegExp(`^${VERSION}/containers/${ID}/restart$`), action: "restart" },
  { pattern: new RegExp(`^${VERSION}/containers/${ID}/exec$`), action: "exec" },
  { pattern: new RegExp(`^${VERSION}/exec/${ID}/(?:start|resize)$`), action: "exec" },
];

export type PolicyDecision = { allowed: true } | { allowed: false; action: AgentAction | null };

/** Whether `method path` may pass, given the actions allowed now. */
export function decide(method: string, rawPath: string, allowed: ReadonlySet<AgentAction>): PolicyDecision {
  const path = rawPath.split("?")[0] ?? "";
  // A path that tries to climb out of the API's namespace is refused whatever it looks like.
  if (path.includes("..") || path.includes("//") || /%2e|%2f/i.test(path)) return { allowed: false, action: null };
  const m = method.toUpperCase();
  if ((m === "GET" || m === "HEAD") && READS.some((r) => r.test(path))) return { allowed: true };
  if (m === "POST") {
    const change = CHANGES.find((c) => c.pattern.test(path));
    if (change) return allowed.has(change.action) ? { allowed: true } : { allowed: false, action: change.action };
  }
  return { allowed: false, action: null };
}

/** Parses an `--allow` list (`start,stop`, `all`, `none`); throws on an unknown action. */
export function parseActions(list: string, known: readonly AgentAction[]): AgentAction[] {
  const v = list.trim().toLowerCase();
  if (v === "all") return [...known];
  if (v === "" || v === "none") return [];
  const out: AgentAction[] = [];
  for (const part of v.split(",").map((s) => s.trim())) {
    if (!(known as readonly string[]).includes(part)) throw new Error(`unknown action "${part}": use ${known.join(", ")}, all or none`);
    if (!out.includes(part as AgentAction)) out.push(part as AgentAction);
  }
  return out;
}
