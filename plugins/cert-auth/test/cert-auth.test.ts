/**
 * Certificate Auth against the real host and a real OpenSSH sshd that accepts certificates only
 * (`TrustedUserCAKeys`, no authorized_keys), with a CA and certificates made by the real ssh-keygen: a
 * valid certificate signs in and shows what `ssh-keygen -L` shows; an expired one and one for another
 * principal are refused before anything is sent, saying why; one from a CA the server does not trust is
 * refused by sshd itself; a certificate of another key never gets stored; and a lapsed license keeps
 * every certificate, and its sign-ins, while changes answer 402.
 */
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CertificatesBody } from "../src/server.js";
import { makeCa, type TestCa } from "./ca.js";
import { type PluginHost, startPluginHost } from "./harness.js";

let h: PluginHost;
let ca: TestCa;
let rogue: TestCa;
let user: { privateKey: string; publicKeyFile: string };

const put = (json: unknown) => h.api(`/hosts/${h.hostId}`, { method: "PUT", body: JSON.stringify(json), headers: { "content-type": "application/json" } });
const list = async () => (await (await h.api("/certificates")).json()) as CertificatesBody;
/** The host's own connection test: a fresh connection, signed in as the host will sign in. */
const signIn = async () => {
  const res = await h.request(`/api/hosts/${h.hostId}/test`, { method: "POST" });
  return { status: res.status, body: (await res.json()) as { ok?: boolean; error?: string; message?: string } };
};

beforeAll(async () => {
  ca = makeCa("archnest-test-ca");
  rogue = makeCa("rogue-ca");
  h = await startPluginHost({ licensed: ["cert-auth"], sshd: { extraConfig: [`TrustedUserCAKeys ${ca.publicKeyFile}`, "AuthorizedKeysFile none"] } });
  user = ca.userKey("alice");
}, 180_000);

afterAll(async () => {
  await h?.close();
  ca?.cleanup();
  rogue?.cleanup();
});

describe("signing in with a certificate", () => {
  it("is the only way in here: the host's own key is refused", async () => {
    const { body } = await signIn();
    expect(body.error).toBe("HOST_ERR_SSH_AUTH_FAILED");
  });

  it("signs in with a valid certificate and shows its principals, validity, key id, serial and CA as ssh-keygen does", async () => {
    const certificate = ca.sign(user.publicKeyFile, { id: "alice@laptop", principals: [h.sshd.user, "deploy"], validity: "-5m:+30d", serial: 4242 });
    const saved = await put({ privateKey: user.privateKey, certificate });
    expect(saved.status).toBe(200);
    expect(await signIn()).toMatchObject({ status: 200, body: { ok: true } });
    expect(h.sshd.log()).toMatch(/Accepted certificate ID "alice@laptop" \(serial 4242\)/);

    const shown = (await list()).hosts.find((r) => r.host.id === h.hostId)?.certificate;
    const keygen = execFileSync("ssh-keygen", ["-L", "-f", user.publicKeyFile.replace(/\.pub$/, "-cert.pub")], { encoding: "utf8" });
    expect(shown).toMatchObject({
      keyId: "alice@laptop",
      serial: "4242",
      principals: [h.sshd.user, "deploy"],
      kind: "user",
      status: "valid",
      caFingerprint: ca.fingerprint,
    });
    expect(keygen).toContain(`Signing CA: ED25519 ${ca.fingerprint}`);
    const [, from, to] = /Valid: from (\S+) to (\S+)/.exec(keygen) ?? [];
    // ssh-keygen prints local time without a zone; the machine's zone is the one Date parses it in.
    expect(shown?.validAfter).toBe(new Date(from as string).getTime());
    expect(shown?.validBefore).toBe(new Date(to as string).getTime());
    // Nothing secret in the answer.
    expect(JSON.stringify(await list())).not.toContain("PRIVATE KEY");
  });

  it("refuses an expired certificate before connecting, saying when it ended", async () => {
    const expired = ca.sign(user.publicKeyFile, { id: "old", principals: [h.sshd.user], validity: "20200101:20200102" });
    expect((await put({ privateKey: user.privateKey, certificate: expired })).status).toBe(200);
    expect((await list()).hosts.find((r) => r.host.id === h.hostId)?.certificate?.status).toBe("expired");
    const { body } = await signIn();
    expect(body.error).toBe("CERT_AUTH_ERR_EXPIRED");
    expect(body.message).toMatch(/expired on 2020-01-02/);
  });

  it("refuses a certificate that does not name the host's user, naming whom it is for", async () => {
    const other = ca.sign(user.publicKeyFile, { id: "bob", principals: ["bob"], validity: "-5m:+1d" });
    expect((await put({ privateKey: user.privateKey, certificate: other })).status).toBe(200);
    const { body } = await signIn();
    expect(body.error).toBe("CERT_AUTH_ERR_PRINCIPAL");
    expect(body.message).toContain(`is for bob, not for the host's user ${h.sshd.user}`);
  });

  it("is refused by sshd when a CA it does not trust signed it, and says the certificate was refused", async () => {
    const forged = rogue.sign(user.publicKeyFile, { id: "forged", principals: [h.sshd.user], validity: "-5m:+1d" });
    expect((await put({ privateKey: user.privateKey, certificate: forged })).status).toBe(200);
    const { body } = await signIn();
    expect(body.error).toBe("HOST_ERR_SSH_AUTH_FAILED");
    expect(body.message).toContain(`refused the certificate (key id "forged"`);
    expect(body.message).toContain(rogue.fingerprint);
  });

  it("never stores a certificate of another key, a key it cannot read or something that is not a certificate", async () => {
    const good = ca.sign(user.publicKeyFile, { id: "alice@laptop", principals: [h.sshd.user], validity: "-5m:+30d", serial: 7 });
    expect((await put({ privateKey: user.privateKey, certificate: good })).status).toBe(200);
    const other = ca.userKey("mallory");
    const theirs = ca.sign(other.publicKeyFile, { id: "mallory", principals: [h.sshd.user], validity: "-5m:+1d" });
    const mismatch = await put({ privateKey: user.privateKey, certificate: theirs });
    expect(mismatch.status).toBe(400);
    expect(await mismatch.json()).toMatchObject({ error: "CERT_AUTH_ERR_KEY_MISMATCH" });
    const garbage = await put({ privateKey: user.privateKey, certificate: "ssh-ed25519-cert-v01@openssh.com AAAA" });
    expect(await garbage.json()).toMatchObject({ error: "CERT_AUTH_ERR_CERTIFICATE_INVALID" });
    const noKey = await put({ privateKey: "not a key", certificate: good });
    expect(await noKey.json()).toMatchObject({ error: "CERT_AUTH_ERR_KEY_INVALID" });
    // The one stored before is still the one that signs in.
    expect((await list()).hosts.find((r) => r.host.id === h.hostId)?.certificate?.serial).toBe("7");
    expect(await signIn()).toMatchObject({ status: 200, body: { ok: true } });
  });

  it("warns about a certificate ending within the warning days", async () => {
    const soon = ca.sign(user.publicKeyFile, { id: "soon", principals: [h.sshd.user], validity: "-5m:+2d" });
    expect((await put({ privateKey: user.privateKey, certificate: soon })).status).toBe(200);
    expect((await list()).hosts.find((r) => r.host.id === h.hostId)?.certificate?.status).toBe("expiring");
    expect(await signIn()).toMatchObject({ status: 200, body: { ok: true } });
  });

  it("signs in with ECDSA and RSA certificates too", async () => {
    for (const type of ["ecdsa", "rsa"] as const) {
      const k = ca.userKey(`alice-${type}`, type);
      const cert = ca.sign(k.publicKeyFile, { id: `alice-${type}`, principals: [h.sshd.user], validity: "-5m:+1d" });
      expect((await put({ privateKey: k.privateKey, certificate: cert })).status).toBe(200);
      expect([type, (await signIn()).body]).toEqual([type, expect.objectContaining({ ok: true })]);
    }
  });
});

describe("when the license lapses", () => {
  it("keeps every certificate readable and signing in, and answers 402 to changes", async () => {
    const good = ca.sign(user.publicKeyFile, { id: "kept", principals: [h.sshd.user], validity: "-5m:+30d" });
    expect((await put({ privateKey: user.privateKey, certificate: good })).status).toBe(200);
    h.entitlements.set([]);
    await expect.poll(async () => (await list()).licensed, { timeout: 15_000 }).toBe(false);
    expect((await list()).hosts.find((r) => r.host.id === h.hostId)?.certificate?.keyId).toBe("kept");
    expect(await signIn()).toMatchObject({ status: 200, body: { ok: true } });
    const refused = await put({ privateKey: user.privateKey, certificate: good });
    expect(refused.status).toBe(402);
    expect(await refused.json()).toMatchObject({ error: "module_required", module: "cert-auth" });
    expect((await h.api(`/hosts/${h.hostId}`, { method: "DELETE" })).status).toBe(402);
    h.entitlements.set(["cert-auth"]);
    await expect.poll(async () => (await list()).licensed, { timeout: 15_000 }).toBe(true);
  });
});
