/**
 * The kinds of Docker source reached through a transport another plugin registers (`ssh`, `agent`), in one
 * table: the module each needs (its locks, its 402s, the form's state), the plugin that provides it and how
 * people name it. It imports nothing at run time, so the server and the UI read the same table.
 */
import type { DockerTransportKind } from "../service/api.js";

export interface TransportKindInfo {
  /** The module that sells the transport: adding or changing its sources, and acting on their containers, needs it. */
  module: string;
  /** The plugin that registers the transport, as the catalog names it. */
  plugin: string;
  /** How a source of the kind reaches its engine, to end a sentence ("is reached over SSH"). */
  way: string;
  /** What a source of the kind points at ("SSH host", "agent"). */
  target: string;
  /** A source of the kind, for sentences ("SSH source", "agent source"). */
  source: string;
  /** What the module brings, written beside its lock. */
  reason: string;
  /**
   * Whether its sources count against the free `docker-sources` cap (and can be locked by it). Agent
   * sources are paid for by their own module and do not.
   */
  countsAgainstCap: boolean;
}

export const TRANSPORT_KINDS: Readonly<Record<DockerTransportKind, Readonly<TransportKindInfo>>> = Object.freeze({
  ssh: Object.freeze({
    module: "docker-over-ssh",
    plugin: "Docker over SSH",
    way: "over SSH",
    target: "SSH host",
    source: "SSH source",
    reason: "Docker over SSH reaches engines on your SSH hosts, without exposing a TCP socket.",
    countsAgainstCap: true,
  }),
  agent: Object.freeze({
    module: "docker-push-agent",
    plugin: "Docker Push Agent",
    way: "through its agent",
    target: "agent",
    source: "agent source",
    reason: "Docker Push Agent reaches engines on hosts that cannot be reached from here: an agent on the host connects out.",
    countsAgainstCap: false,
  }),
});

export function isTransportKind(kind: unknown): kind is DockerTransportKind {
  return typeof kind === "string" && Object.hasOwn(TRANSPORT_KINDS, kind);
}

/** The module a source of this kind needs, or undefined for the free kinds (unix, TCP). */
export function moduleOfKind(kind: string): string | undefined {
  return isTransportKind(kind) ? TRANSPORT_KINDS[kind].module : undefined;
}

/** Whether a source of this kind counts against the free `docker-sources` cap (unix and TCP sources do). */
export function countsAgainstCap(kind: string): boolean {
  return isTransportKind(kind) ? TRANSPORT_KINDS[kind].countsAgainstCap : true;
}
