import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { SdkError } from "@archnest/sdk";
import { readPublicKeyFile } from "@archnest/sdk/node";
import { publicKeyToPem } from "@archnest/sdk/trust";
import { type Args, requireString } from "../args.js";
import { type CliIo, line } from "../io.js";
import { answerOf, failed } from "./http.js";

/** A signed-in session on a host: the cookie and the CSRF token its admin routes ask for. */
export interface HostSession {
  base: URL;
  headers: Record<string, string>;
}

/**
 * Signs in to the host as a person would (POST /api/auth/login). The password comes only from
 * ARCHNEST_PASSWORD: a password on the command line would sit in shell history and in `ps`.
 */
export async function signIn(args: Args, io: CliIo): Promise<HostSession> {
  const host = (typeof args.values.host === "string" ? args.values.host : undefined) ?? io.env.ARCHNEST_HOST_URL;
  if (!host || !URL.canParse(host)) throw new SdkError("SDK_ERR_USAGE", "Pass --host URL (or set ARCHNEST_HOST_URL).");
  const user = (typeof args.values.user === "string" ? args.values.user : undefined) ?? io.env.ARCHNEST_USER;
  if (!user) throw new SdkError("SDK_ERR_USAGE", "Pass --user NAME (or set ARCHNEST_USER) for an admin of the host.");
  const password = io.env.ARCHNEST_PASSWORD;
  if (!password) throw new SdkError("SDK_ERR_USAGE", "Set ARCHNEST_PASSWORD in the environment to the admin's password.");
  return signInAs(host, user, password);
}

/** Signs in to the host at `host` as `user` (POST /api/auth/login). */
export async function signInAs(host: string, user: string, password: string): Promise<HostSession> {
  const base = new URL(host.endsWith("/") ? host : `${host}/`);
  let res: Response;
  try {
    res = await fetch(new URL("api/auth/login", base), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: user, password }),
    });
  } catch (err) {
    throw new SdkError("SDK_ERR_IO", `Cannot reach the host at ${base.origin}: ${(err as Error).message}`);
  }
  const body = await answerOf(res);
  if (res.status !== 200) {
    throw new SdkError(
      "SDK_ERR_USAGE",
      `Signing in to ${base.origin} as ${user} failed: ${String(body.message ?? res.status)} [${String(body.error ?? `HTTP_${res.status}`)}]`,
    );
  }
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  return { base, headers: { cookie, "x-archnest-csrf": String(body.csrfToken ?? "") } };
}

export async function call(session: HostSession, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  let res: Response;
  try {
    res = await fetch(new URL(path, session.base), {
      method,
      headers: { ...session.headers, ...(body !== undefined && { "content-type": "application/json" }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch (err) {
    throw new SdkError("SDK_ERR_IO", `Cannot reach the host at ${session.base.origin}: ${(err as Error).message}`);
  }
  return { status: res.status, body: await answerOf(res) };
}

interface PublisherView {
  fingerprint: string;
  name: string;
  scopes: string[];
  addedAt?: string;
}

function summary(p: PublisherView): string {
  return `${p.name}  ${p.scopes.join(", ")}\n  fingerprint ${p.fingerprint}${p.addedAt ? `\n  added ${p.addedAt}` : ""}`;
}

/**
 * `archnest-plugin trust add FINGERPRINT --host URL --user NAME`: trusts a publisher on a host by its
 * fingerprint (the host fetches the anchor from its registry and checks the root key), or, for an
 * offline host, `trust add --root root.pub --keyring keyring.json [--name NAME]`.
 */
export async function trustAdd(args: Args, io: CliIo): Promise<number> {
  const json = Boolean(args.values.json);
  const fingerprint = args.positionals[2];
  const rootPath = Array.isArray(args.values.root) ? args.values.root[0] : undefined;
  if (!fingerprint && !rootPath) {
    throw new SdkError(
      "SDK_ERR_USAGE",
      "Usage: archnest-plugin trust add FINGERPRINT --host URL --user NAME  (or --root root.pub --keyring keyring.json for an offline host)",
    );
  }
  let request: Record<string, unknown>;
  if (rootPath) {
    const keyringPath = resolve(io.cwd, requireString(args, "keyring"));
    let keyring: unknown;
    try {
      keyring = JSON.parse(readFileSync(keyringPath, "utf8"));
    } catch {
      throw new SdkError("SDK_ERR_IO", `Cannot read the keyring ${keyringPath} as JSON.`);
    }
    const root = readPublicKeyFile(resolve(io.cwd, rootPath));
    if (fingerprint && fingerprint.toLowerCase() !== root.keyid)
      throw new SdkError("SDK_ERR_USAGE", `${rootPath} has the fingerprint ${root.keyid}, not ${fingerprint}.`);
    request = { rootPublicKey: publicKeyToPem(root), keyring, ...(typeof args.values.name === "string" && { name: args.values.name }) };
  } else request = { fingerprint };
  const session = await signIn(args, io);
  const res = await call(session, "POST", "api/trust/publishers", request);
  if (res.status !== 201) return failed(io, json, res.status, res.body);
  const p = res.body as unknown as PublisherView;
  if (json) line(io.stdout, JSON.stringify({ ok: true, ...p }));
  else line(io.stdout, `Trusted ${summary(p)}`);
  return 0;
}

/** `archnest-plugin trust list --host URL --user NAME`: the publishers the host trusts. */
export async function trustList(args: Args, io: CliIo): Promise<number> {
  const json = Boolean(args.values.json);
  const session = await signIn(args, io);
  const res = await call(session, "GET", "api/trust/publishers");
  if (res.status !== 200) return failed(io, json, res.status, res.body);
  const list = (res.body.publishers ?? []) as PublisherView[];
  if (json) line(io.stdout, JSON.stringify({ ok: true, publishers: list }));
  else if (list.length === 0) line(io.stdout, "No trusted publishers: only the official ArchNest keyring is trusted.");
  else for (const p of list) line(io.stdout, summary(p));
  return 0;
}

/** `archnest-plugin trust remove FINGERPRINT --host URL --user NAME`: its plugins stop, their data stays. */
export async function trustRemove(args: Args, io: CliIo): Promise<number> {
  const json = Boolean(args.values.json);
  const fingerprint = args.positionals[2];
  if (!fingerprint) throw new SdkError("SDK_ERR_USAGE", "Usage: archnest-plugin trust remove FINGERPRINT --host URL --user NAME");
  const session = await signIn(args, io);
  const res = await call(session, "DELETE", `api/trust/publishers/${encodeURIComponent(fingerprint)}`);
  if (res.status !== 200) return failed(io, json, res.status, res.body);
  if (json) line(io.stdout, JSON.stringify({ ok: true, removed: res.body.removed }));
  else line(io.stdout, `No longer trusted: ${String(res.body.removed)}. Its plugins are stopped; their data is kept.`);
  return 0;
}
