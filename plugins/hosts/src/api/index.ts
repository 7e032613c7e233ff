/**
 * The kernel's SSH hosts API (/api/hosts) as this plugin's UI calls it. Answers never carry a secret: only
 * whether a password, key or passphrase is stored.
 */

import { ApiError, apiFetch } from "@archnest/sdk/web";
import type { StatusAnswer } from "../status/probe-scheduler.js";

export type AuthMethod = "password" | "key";

/** An SSH host as GET /api/hosts lists it. */
export interface SshHost {
  id: string;
  name: string;
  address: string;
  port: number;
  user: string;
  tags: string[];
  authMethod: AuthMethod;
  /** The trusted host key (`SHA256:...`), or null until an admin trusts the one the server presents. */
  fingerprint: string | null;
  /**
   * A key the server presented that waits for an admin: the first one while `fingerprint` is null, else a
   * key different from the trusted one.
   */
  pendingFingerprint: string | null;
  hasPassword: boolean;
  hasKey: boolean;
  hasPassphrase: boolean;
}

/** The free cap as the kernel reports it: `cap` null means unlimited. */
export interface HostsLimit {
  limit: string;
  cap: number | null;
  module: string;
}

export interface HostsAnswer {
  hosts: SshHost[];
  limit: HostsLimit;
}

/** POST /api/hosts/:id/test: signed in, with the latency and the (trusted) key the server presented. */
export interface ProbeResult {
  ok: true;
  fingerprint: string;
  latencyMs: number;
}

/** What the add and edit form sends; secrets only when the person typed one. */
export interface HostInput {
  name: string;
  address: string;
  port: number;
  user: string;
  authMethod: AuthMethod;
  tags: string[];
  password?: string;
  privateKey?: string;
  passphrase?: string;
}

export interface ImportAnswer {
  imported: SshHost[];
  skipped: { entry: string; line?: number; reason: string; code?: string }[];
  limit: HostsLimit;
}

const base = "/api/hosts";
const at = (id: string) => `${base}/${encodeURIComponent(id)}`;

export const hostsApi = {
  list: () => apiFetch<HostsAnswer>(base),
  add: (input: HostInput) => apiFetch<SshHost>(base, { method: "POST", json: input }),
  update: (id: string, patch: Partial<HostInput>) => apiFetch<SshHost>(at(id), { method: "PUT", json: patch }),
  remove: (id: string) => apiFetch<void>(at(id), { method: "DELETE" }),
  /** Up or down for each host in one request; hosts the host is still testing come back as `checking`. */
  statuses: async (ids: readonly string[]) => (await apiFetch<{ hosts: StatusAnswer[] }>(`${base}/status?ids=${ids.map(encodeURIComponent).join(",")}`)).hosts,
  test: (id: string) => apiFetch<ProbeResult>(`${at(id)}/test`, { method: "POST" }),
  acceptKey: (id: string, fingerprint: string) => apiFetch<SshHost>(`${at(id)}/accept-host-key`, { method: "POST", json: { fingerprint } }),
  importConfig: (config: string) => apiFetch<ImportAnswer>(`${base}/import`, { method: "POST", json: { config } }),
};

/** Both fingerprints of a HOST_ERR_HOST_KEY_CHANGED answer, read from its `details` ("trusted: ...", "presented: ..."). */
export function keyChangeOf(err: unknown): { trusted: string; presented: string } | undefined {
  if (!(err instanceof ApiError) || err.code !== "HOST_ERR_HOST_KEY_CHANGED") return undefined;
  const details = (err.body as { details?: unknown } | undefined)?.details;
  if (!Array.isArray(details)) return undefined;
  const pick = (label: string) => {
    const line = details.find((d): d is string => typeof d === "string" && d.startsWith(`${label}: `));
    return line?.slice(label.length + 2);
  };
  const trusted = pick("trusted");
  const presented = pick("presented");
  return trusted && presented ? { trusted, presented } : undefined;
}

/** The fingerprint a first connection presented (HOST_ERR_HOST_KEY_UNTRUSTED, `details` "presented: ..."). */
export function untrustedKeyOf(err: unknown): string | undefined {
  if (!(err instanceof ApiError) || err.code !== "HOST_ERR_HOST_KEY_UNTRUSTED") return undefined;
  const details = (err.body as { details?: unknown } | undefined)?.details;
  if (!Array.isArray(details)) return undefined;
  const line = details.find((d): d is string => typeof d === "string" && d.startsWith("presented: "));
  return line?.slice("presented: ".length);
}

/** A person-readable message for any error an API call throws. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message.replace(/^./, (c) => c.toUpperCase());
  return String(err);
}

/** "a, b ,, c" → ["a", "b", "c"]: tags as typed in one field, without blanks or repeats. */
export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(",")
        .map((t) => t.trim())
        .filter((t) => t.length > 0),
    ),
  ];
}
