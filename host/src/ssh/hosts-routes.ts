import type { PluginLimits } from "@archnest/sdk";
import { parseSshConfig } from "@archnest/sdk/plugin";
import { Hono } from "hono";
import ssh2 from "ssh2";
import { z } from "zod";
import { requireRole } from "../auth/index.js";
import { HostError } from "../errors/index.js";
import { type AppEnv, readJson } from "../http/index.js";
import { FINGERPRINT_PATTERN } from "./fingerprint.js";
import { HostStatusBoard } from "./host-status.js";
import type { SshCredentials, SshHostPatch, SshHostStore, SshHostView } from "./host-store.js";
import type { SshService } from "./ssh-service.js";

export interface HostsApiOptions {
  store: SshHostStore;
  service: SshService;
  /** The host's caps under its license; `hosts` is the one read here. */
  limits: PluginLimits;
}

const PRINTABLE = /^\P{Cc}+$/u;
const name = z.string().trim().min(1).max(64).regex(PRINTABLE, "must not contain control characters");
// Host names, IPv4 and (optionally bracketed) IPv6 addresses with a zone.
const address = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9._:%[\]-]+$/, "must be a host name or an IP address")
  .refine((a) => !a.startsWith("-"), "must not start with '-'");
const port = z.number().int().min(1).max(65535);
const user = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[^\s\p{Cc}-][^\s\p{Cc}]*$/u, "must be a user name without spaces, not starting with '-'");
const tags = z
  .array(z.string().trim().min(1).max(32).regex(PRINTABLE, "must not contain control characters"))
  .max(20)
  .transform((t) => [...new Set(t)]);
const password = z.string().min(1).max(1024);
const privateKey = z
  .string()
  .min(1)
  .max(16 * 1024);
const passphrase = z.string().max(1024);
const authMethod = z.enum(["password", "key"]);

export const addSchema = z.object({
  name,
  address,
  port: port.default(22),
  user,
  authMethod: authMethod.optional(),
  tags: tags.default([]),
  password: password.optional(),
  privateKey: privateKey.optional(),
  passphrase: passphrase.optional(),
});

export const editSchema = z.object({
  name: name.optional(),
  address: address.optional(),
  port: port.optional(),
  user: user.optional(),
  authMethod: authMethod.optional(),
  tags: tags.optional(),
  password: password.optional(),
  privateKey: privateKey.optional(),
  passphrase: passphrase.optional(),
});

export const acceptSchema = z.object({ fingerprint: z.string().regex(FINGERPRINT_PATTERN, "must be a SHA256:... fingerprint as OpenSSH prints it") });

/** One host entry of an imported ssh_config. */
const importHostSchema = z.object({ name, address, port, user });

export const importSchema = z.object({
  config: z
    .string()
    .min(1)
    .max(256 * 1024),
  /** Private keys for IdentityFile paths, keyed by the path exactly as the config writes it. */
  identities: z
    .record(z.string().min(1).max(1024), z.object({ privateKey, passphrase: passphrase.optional() }))
    .refine((r) => Object.keys(r).length <= 100, "at most 100 identities")
    .default({}),
});

/** Refuses a private key that cannot be parsed with its passphrase (before anything is stored). */
function checkKey(key: string, pass: string | undefined): void {
  const parsed = ssh2.utils.parseKey(key, pass);
  if (parsed instanceof Error)
    throw new HostError(
      "HOST_ERR_SSH_KEY_INVALID",
      `the private key cannot be read: ${pass ? "the passphrase is wrong or this is not a private key" : "it is encrypted (give its passphrase) or not a private key"}`,
    );
  if (Array.isArray(parsed) ? parsed.length === 0 : !parsed.isPrivateKey())
    throw new HostError("HOST_ERR_SSH_KEY_INVALID", "this is a public key; paste the private key file (the one without .pub)");
}

function credentialsOf(body: { password?: string | undefined; privateKey?: string | undefined; passphrase?: string | undefined }): SshCredentials {
  const c: SshCredentials = {};
  if (body.password !== undefined) c.password = body.password;
  if (body.privateKey !== undefined) c.privateKey = body.privateKey;
  if (body.passphrase !== undefined && body.passphrase !== "") c.passphrase = body.passphrase;
  return c;
}

/**
 * The SSH hosts API under /api/hosts: list, add, edit, remove, test the connection, accept a changed host
 * key, import from an OpenSSH client config. Answers never contain a credential, only `hasPassword`,
 * `hasKey` and `hasPassphrase`. Changes need an admin; mounted under /api behind the session guard.
 */
export function hostsApi(opts: HostsApiOptions): Hono<AppEnv> {
  const { store, service } = opts;
  const app = new Hono<AppEnv>();
  const status = new HostStatusBoard({
    probe: (id) => service.probe(id),
    connected: () => new Set(service.connections().map((s) => s.hostId)),
  });
  // A host whose address, credentials or trusted key changed (or that is gone): its pooled connection closes
  // and its last status no longer stands.
  const reset = (id: string) => {
    service.drop(id);
    status.forget(id);
  };
  const admin = requireRole("admin");
  const limit = () => opts.limits.get("hosts");

  app.get("/hosts", async (c) => {
    const live = new Map(service.connections().map((s) => [s.hostId, s]));
    const hosts = (await store.views()).map((h) => ({ ...h, connection: live.get(h.id) ?? null }));
    return c.json({ hosts, limit: limit() });
  });

  // Up or down for every host (or `?ids=a,b`), for any signed-in person: no credentials, no details of the
  // host beyond whether it answers. Waits at most `wait` ms (default 3000) for connection tests it starts.
  app.get("/hosts/status", async (c) => {
    const known = (await store.summaries()).map((h) => h.id);
    const asked = c.req.query("ids");
    const ids = asked === undefined ? known : asked.split(",").filter((id) => known.includes(id));
    const wait = Number(c.req.query("wait") ?? 3000);
    if (!Number.isInteger(wait) || wait < 0 || wait > 10_000) throw new HostError("HOST_ERR_VALIDATION", "wait must be whole milliseconds from 0 to 10000");
    return c.json({ hosts: await status.statuses(ids, wait) });
  });

  app.get("/hosts/:id", async (c) => c.json(await store.get(c.req.param("id"))));

  app.post("/hosts", admin, async (c) => {
    const body = await readJson(c, addSchema);
    const over = opts.limits.check("hosts", await store.count());
    if (over) return over;
    const method = body.authMethod ?? (body.privateKey !== undefined ? "key" : "password");
    if (method === "password" && body.password === undefined) throw new HostError("HOST_ERR_SSH_CREDENTIALS_MISSING", "password sign-in needs a password");
    if (method === "key") {
      if (body.privateKey === undefined) throw new HostError("HOST_ERR_SSH_CREDENTIALS_MISSING", "key sign-in needs a private key");
      checkKey(body.privateKey, body.passphrase || undefined);
    }
    const host = await store.add(
      { name: body.name, address: body.address, port: body.port, user: body.user, authMethod: method, tags: body.tags },
      credentialsOf(body),
    );
    return c.json(host, 201);
  });

  app.put("/hosts/:id", admin, async (c) => {
    const id = c.req.param("id");
    const body = await readJson(c, editSchema);
    const before = await store.get(id);
    const method = body.authMethod ?? before.authMethod;
    const patch: SshHostPatch = {};
    for (const k of ["name", "address", "port", "user", "tags"] as const) if (body[k] !== undefined) Object.assign(patch, { [k]: body[k] });
    if (body.authMethod !== undefined) patch.authMethod = body.authMethod;
    if (body.password !== undefined) patch.password = body.password;
    if (body.privateKey !== undefined) {
      checkKey(body.privateKey, body.passphrase || undefined);
      patch.privateKey = body.privateKey;
      // A passphrase belongs to its key: a new key without one clears the old.
      patch.passphrase = body.passphrase ?? "";
    } else if (body.passphrase !== undefined) {
      patch.passphrase = body.passphrase;
    }
    if (method === "password" && !before.hasPassword && body.password === undefined)
      throw new HostError("HOST_ERR_SSH_CREDENTIALS_MISSING", "password sign-in needs a password");
    if (method === "key" && !before.hasKey && body.privateKey === undefined)
      throw new HostError("HOST_ERR_SSH_CREDENTIALS_MISSING", "key sign-in needs a private key");
    const host = await store.update(id, patch);
    // A pooled connection made with the old address or credentials is closed; the next use connects anew.
    // Renaming or retagging leaves open terminals alone.
    const reconnect = ["address", "port", "user", "authMethod", "password", "privateKey", "passphrase"].some((k) => body[k as keyof typeof body] !== undefined);
    if (reconnect) reset(id);
    return c.json(host);
  });

  app.delete("/hosts/:id", admin, async (c) => {
    const id = c.req.param("id");
    await store.remove(id);
    reset(id);
    return c.body(null, 204);
  });

  app.post("/hosts/:id/test", admin, async (c) => c.json(await status.testNow(c.req.param("id"))));

  app.post("/hosts/:id/accept-host-key", admin, async (c) => {
    const id = c.req.param("id");
    const { fingerprint } = await readJson(c, acceptSchema);
    const host = await store.acceptPending(id, fingerprint);
    reset(id);
    return c.json(host);
  });

  app.post("/hosts/import", admin, async (c) => {
    const body = await readJson(c, importSchema);
    const parsed = parseSshConfig(body.config);
    const imported: SshHostView[] = [];
    const skipped: { entry: string; line?: number; reason: string; code?: string }[] = [...parsed.skipped];
    // Read once and kept current while importing: the names taken, the host count and the cap.
    const taken = await store.nameKeys();
    let hostCount = await store.count();
    const { cap, module } = limit();
    for (const h of parsed.hosts) {
      const skip = (reason: string, code?: string) => skipped.push({ entry: h.alias, reason, ...(code && { code }) });
      const fields = importHostSchema.safeParse({ name: h.alias, address: h.address, port: h.port, user: h.user });
      if (h.user === undefined) {
        skip("no User is given for this host; add User to the config or add the host by hand", "HOST_ERR_VALIDATION");
        continue;
      }
      if (!fields.success) {
        skip(fields.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "), "HOST_ERR_VALIDATION");
        continue;
      }
      if (taken.has(h.alias.toLowerCase())) {
        skip("an SSH host with this name exists", "HOST_ERR_SSH_HOST_NAME_TAKEN");
        continue;
      }
      if (cap !== null && hostCount >= cap) {
        skip(`the free core keeps ${cap} SSH hosts; the ${module} module lifts the cap`, "module_required");
        continue;
      }
      const identity = h.identityFile === undefined ? undefined : body.identities[h.identityFile];
      if (identity) {
        try {
          checkKey(identity.privateKey, identity.passphrase || undefined);
        } catch (err) {
          skip(`IdentityFile ${h.identityFile}: ${(err as Error).message}`, "HOST_ERR_SSH_KEY_INVALID");
          continue;
        }
      }
      // Without an inline key the host is kept with key sign-in and no key: the admin adds it before connecting.
      const credentials = identity ? credentialsOf(identity) : {};
      imported.push(await store.add({ ...fields.data, authMethod: "key", tags: [] }, credentials));
      taken.add(fields.data.name.toLowerCase());
      hostCount += 1;
    }
    return c.json({ imported, skipped, limit: limit() });
  });

  return app;
}
