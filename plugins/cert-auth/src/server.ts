/**
 * Certificate Auth: signs in to SSH hosts with OpenSSH user certificates (what `ssh-keygen -s` and OPKSSH
 * issue). The admin gives a host a private key and its certificate; the key and passphrase are sealed in
 * the plugin's secrets, the certificate (public) and what it says are kept in its storage. Before each new
 * connection to that host the host asks this plugin how to sign in, and it answers with the certificate,
 * or refuses at once, saying why, when the certificate has expired, is not valid yet or does not name the
 * host's user.
 */
import {
  type SshCertificateDetails as CertificateDetails,
  type SshCertificateStatus as CertificateStatus,
  definePlugin,
  errorResponse,
  isCodedError,
  isSshError,
  type ModuleRequiredBody,
  type ParsedSshCertificate,
  type PluginRequestEnv,
  parseSshCertificate,
  type SshCertificateSignIn,
  type SshHostSummary,
  sshCertificateStatus,
} from "@archnest/sdk/plugin";
import { Hono } from "hono";
import { CertError } from "./errors/index.js";

export type { CertificateDetails, CertificateStatus };

const MODULE = "cert-auth";
const KEY_PREFIX = "cert:";
const MAX_TEXT = 64 * 1024;

/** What storage keeps per host: the certificate line and what it says (nothing secret). */
interface StoredCertificate {
  hostId: string;
  certificate: string;
  details: CertificateDetails;
  hasPassphrase: boolean;
  updatedAt: number;
}

/** One SSH host as the Certificates page lists it. */
export interface CertificateRow {
  host: { id: string; name: string; user: string; address: string; port: number };
  certificate: (CertificateDetails & { status: CertificateStatus; hasPassphrase: boolean; updatedAt: number }) | null;
}

/** What `GET /certificates` answers. */
export interface CertificatesBody {
  hosts: CertificateRow[];
  warnDays: number;
  licensed: boolean;
  refusal: ModuleRequiredBody | null;
}

const day = 86_400_000;
const when = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
const labelOf = (d: CertificateDetails) => `key id "${d.keyId}", serial ${d.serial}, CA ${d.caFingerprint}`;

export default definePlugin({
  async setup(ctx) {
    let warnDays = Number((await ctx.settings.get()).warnDays ?? 7);
    ctx.settings.onChange((v) => {
      warnDays = Number(v.warnDays ?? 7);
    });

    const stored = async (hostId: string) =>
      (await ctx.storage.get<StoredCertificate & Record<string, never>>(`${KEY_PREFIX}${hostId}`)) as StoredCertificate | undefined;

    // Asked before every new connection: answers for hosts with a certificate, refuses what cannot work.
    ctx.ssh.registerAuthenticator({
      signIn: async (host: SshHostSummary): Promise<SshCertificateSignIn | undefined> => {
        const rec = await stored(host.id);
        if (!rec) return undefined;
        const d = rec.details;
        const now = Date.now();
        if (now < d.validAfter)
          throw new CertError("CERT_AUTH_ERR_NOT_YET_VALID", `the certificate of ${host.name} is valid from ${when(d.validAfter)} (${labelOf(d)})`);
        if (d.validBefore !== null && now >= d.validBefore)
          throw new CertError(
            "CERT_AUTH_ERR_EXPIRED",
            `the certificate of ${host.name} expired on ${when(d.validBefore)} (${labelOf(d)}): issue a new one and replace it`,
          );
        if (d.principals.length > 0 && !d.principals.includes(host.user))
          throw new CertError(
            "CERT_AUTH_ERR_PRINCIPAL",
            `the certificate of ${host.name} is for ${d.principals.join(", ")}, not for the host's user ${host.user} (${labelOf(d)})`,
          );
        const privateKey = await ctx.secrets.get(`${KEY_PREFIX}${host.id}:key`);
        if (!privateKey) return undefined;
        const passphrase = rec.hasPassphrase ? await ctx.secrets.get(`${KEY_PREFIX}${host.id}:passphrase`) : undefined;
        return { privateKey, certificate: rec.certificate, label: labelOf(d), ...(passphrase !== undefined && { passphrase }) };
      },
    });

    const hostOr404 = async (id: string) => {
      const host = (await ctx.ssh.hosts()).find((h) => h.id === id);
      if (!host) throw new CertError("CERT_AUTH_ERR_HOST_NOT_FOUND");
      return host;
    };
    const adminOnly = (user: PluginRequestEnv["user"]) => {
      if (user?.role !== "admin") throw new CertError("CERT_AUTH_ERR_FORBIDDEN");
    };
    const text = (v: unknown, optional = false): string | undefined => {
      if (v === undefined || v === null || v === "") {
        if (optional) return undefined;
        throw new CertError("CERT_AUTH_ERR_VALIDATION");
      }
      if (typeof v !== "string" || v.length > MAX_TEXT) throw new CertError("CERT_AUTH_ERR_VALIDATION");
      return v;
    };

    const app = new Hono<{ Bindings: PluginRequestEnv }>()
      .onError((err, c) => errorResponse(err, c.env.requestId))
      .get("/certificates", async (c) => {
        const now = Date.now();
        const hosts = await ctx.ssh.hosts();
        const rows: CertificateRow[] = [];
        for (const h of hosts) {
          const rec = await stored(h.id);
          rows.push({
            host: { id: h.id, name: h.name, user: h.user, address: h.address, port: h.port },
            certificate: rec
              ? { ...rec.details, status: sshCertificateStatus(rec.details, now, warnDays * day), hasPassphrase: rec.hasPassphrase, updatedAt: rec.updatedAt }
              : null,
          });
        }
        return c.json<CertificatesBody>({ hosts: rows, warnDays, licensed: ctx.license.licensed(MODULE), refusal: ctx.license.refusal(MODULE) ?? null });
      })
      // Gives a host a key and its certificate (replacing any). Checked whole before anything is kept.
      .put("/hosts/:id", async (c) => {
        const locked = ctx.license.require(MODULE);
        if (locked) return locked;
        adminOnly(c.env.user);
        const host = await hostOr404(c.req.param("id"));
        const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
        const privateKey = text(body.privateKey) as string;
        const certificate = (text(body.certificate) as string).trim();
        const passphrase = text(body.passphrase, true);
        let parsed: ParsedSshCertificate;
        try {
          parsed = parseSshCertificate(certificate);
        } catch (err) {
          if (isCodedError(err) && err.code === "SDK_ERR_SSH_CERTIFICATE_INVALID") throw new CertError("CERT_AUTH_ERR_CERTIFICATE_INVALID", err.message);
          throw err;
        }
        if (parsed.details.kind !== "user") throw new CertError("CERT_AUTH_ERR_NOT_USER_CERTIFICATE");
        const key = await ctx.ssh.publicKeyOf(privateKey, passphrase).catch((err: unknown) => {
          if (!isSshError(err) || err.code !== "HOST_ERR_SSH_KEY_INVALID") throw err;
          throw new CertError(
            "CERT_AUTH_ERR_KEY_INVALID",
            passphrase ? "The private key cannot be read with this passphrase." : "The private key cannot be read (an encrypted key needs its passphrase).",
          );
        });
        if (!key.blob.equals(parsed.publicKeyBlob))
          throw new CertError("CERT_AUTH_ERR_KEY_MISMATCH", `The certificate certifies the key ${parsed.details.keyFingerprint}, not this private key.`);
        await ctx.secrets.set(`${KEY_PREFIX}${host.id}:key`, privateKey);
        if (passphrase !== undefined) await ctx.secrets.set(`${KEY_PREFIX}${host.id}:passphrase`, passphrase);
        else await ctx.secrets.delete(`${KEY_PREFIX}${host.id}:passphrase`);
        const rec: StoredCertificate = {
          hostId: host.id,
          certificate,
          details: parsed.details,
          hasPassphrase: passphrase !== undefined,
          updatedAt: Date.now(),
        };
        await ctx.storage.set(`${KEY_PREFIX}${host.id}`, { ...rec } as never);
        ctx.log.info("certificate set for a host", {
          host: host.id,
          keyId: parsed.details.keyId,
          serial: parsed.details.serial,
          ca: parsed.details.caFingerprint,
        });
        return c.json({
          ...parsed.details,
          status: sshCertificateStatus(parsed.details, Date.now(), warnDays * day),
          hasPassphrase: rec.hasPassphrase,
          updatedAt: rec.updatedAt,
        });
      })
      // The host signs in with its own credentials again.
      .delete("/hosts/:id", async (c) => {
        const locked = ctx.license.require(MODULE);
        if (locked) return locked;
        adminOnly(c.env.user);
        const id = c.req.param("id");
        if (!(await stored(id))) throw new CertError("CERT_AUTH_ERR_NOT_FOUND");
        await ctx.storage.delete(`${KEY_PREFIX}${id}`);
        await ctx.secrets.delete(`${KEY_PREFIX}${id}:key`);
        await ctx.secrets.delete(`${KEY_PREFIX}${id}:passphrase`);
        return c.body(null, 204);
      });
    ctx.routes.mount(app);
  },
});
