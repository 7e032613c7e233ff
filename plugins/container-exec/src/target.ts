/**
 * A container shell as the terminal names it: the session's host id is `docker:<target>`, the target the
 * source, the container, the shell and the user, packed in base64url JSON so the terminal page's URL
 * (`/terminal?host=docker:...`) opens it like any host.
 */

/** `auto` finds the first of bash, ash and sh the container has. */
export type ShellChoice = "auto" | "/bin/bash" | "/bin/ash" | "/bin/sh";
export const SHELLS: readonly ShellChoice[] = ["auto", "/bin/bash", "/bin/ash", "/bin/sh"];

export interface ExecTarget {
  sourceId: string;
  containerId: string;
  /** The container's name, for the terminal's status line. */
  name: string;
  shell: ShellChoice;
  /** Empty: the image's user. */
  user: string;
}

export const PREFIX = "docker";
const USER = /^[A-Za-z0-9_.-]{0,64}(:[A-Za-z0-9_.-]{1,64})?$/;

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(value: string): string {
  const binary = atob(value.replace(/-/g, "+").replace(/_/g, "/"));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

/** The terminal host id of a container shell. */
export function execHostId(t: ExecTarget): string {
  return `${PREFIX}:${toBase64Url(JSON.stringify({ s: t.sourceId, c: t.containerId, n: t.name, sh: t.shell, u: t.user }))}`;
}

/** Reads a target (the part after `docker:`); undefined when it is not a well-formed one. */
export function parseTarget(value: string): ExecTarget | undefined {
  try {
    if (value.length > 600) return undefined;
    const o = JSON.parse(fromBase64Url(value)) as Record<string, unknown>;
    const str = (v: unknown, max: number) => (typeof v === "string" && v.length > 0 && v.length <= max ? v : undefined);
    const sourceId = str(o.s, 100);
    const containerId = str(o.c, 128);
    const name = str(o.n, 128) ?? containerId;
    const shell = SHELLS.includes(o.sh as ShellChoice) ? (o.sh as ShellChoice) : undefined;
    const user = typeof o.u === "string" && USER.test(o.u) ? o.u : undefined;
    if (!sourceId || !containerId || !name || !shell || user === undefined) return undefined;
    return { sourceId, containerId, name, shell, user };
  } catch {
    return undefined;
  }
}
