/**
 * A saved tunnel and the validation of what a person types into the form. A local forward listens on the
 * ArchNest machine and connects to target:port as the SSH host sees it; a remote forward listens on the
 * SSH host and connects to target:port as the ArchNest machine sees it (ssh -L and ssh -R).
 */
import { TunnelsError } from "../errors/index.js";

export type TunnelKind = "local" | "remote";

export interface TunnelDefinition {
  id: string;
  name: string;
  hostId: string;
  kind: TunnelKind;
  /** Where the listening side binds: on ArchNest for local, on the SSH host for remote. */
  bindHost: string;
  /** 0 picks a free port when started. */
  bindPort: number;
  targetHost: string;
  targetPort: number;
  /** Start when ArchNest starts and reconnect with backoff (the `tunnel-autostart` module). */
  autoStart: boolean;
  createdAt: number;
}

export type TunnelInput = Pick<TunnelDefinition, "name" | "hostId" | "kind" | "bindHost" | "bindPort" | "targetHost" | "targetPort">;

// Host names (RFC 1123 labels), IPv4 and bracket-less IPv6: what OpenSSH accepts for -L/-R addresses.
const HOSTNAME = /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
const IPV6 = /^[0-9a-fA-F:]+(%[\w.]+)?$/;

const fail = (field: string, message: string) => new TunnelsError("TUNNELS_ERR_VALIDATION", `${field}: ${message}`);

function host(value: unknown, field: string, fallback?: string): string {
  if ((value === undefined || value === "") && fallback !== undefined) return fallback;
  if (typeof value !== "string") throw fail(field, "enter a host name or an IP address.");
  const v = value.trim();
  if (!(HOSTNAME.test(v) || (v.includes(":") && IPV6.test(v)))) throw fail(field, `"${v.slice(0, 60)}" is not a host name or an IP address.`);
  return v;
}

function port(value: unknown, field: string, allowZero: boolean): number {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < (allowZero ? 0 : 1) || n > 65535) {
    throw fail(field, `a port is a whole number from ${allowZero ? 0 : 1} to 65535${allowZero ? " (0 picks a free one)" : ""}.`);
  }
  return n;
}

/** Validates the form's fields; throws TUNNELS_ERR_VALIDATION naming the first bad field. */
export function parseTunnelInput(body: unknown): TunnelInput {
  if (typeof body !== "object" || body === null) throw fail("body", "send a JSON object.");
  const b = body as Record<string, unknown>;
  const name = typeof b.name === "string" ? b.name.trim() : "";
  if (name.length < 1 || name.length > 60) throw fail("name", "1 to 60 characters.");
  if (typeof b.hostId !== "string" || b.hostId === "") throw fail("hostId", "pick an SSH host.");
  if (b.kind !== "local" && b.kind !== "remote") throw fail("kind", 'either "local" or "remote".');
  return {
    name,
    hostId: b.hostId,
    kind: b.kind,
    bindHost: host(b.bindHost, "bindHost", "127.0.0.1"),
    bindPort: port(b.bindPort, "bindPort", true),
    targetHost: host(b.targetHost, "targetHost"),
    targetPort: port(b.targetPort, "targetPort", false),
  };
}
