import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { type AddressInfo, createServer, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sshHosts } from "../src/db/schema.js";
import { jsonOf, PASSWORD_USER_UID } from "../src/testing/index.js";
import { type SshWorld, startSshWorld } from "./ssh-harness.js";

let w: SshWorld;
beforeAll(async () => {
  w = await startSshWorld();
});
afterAll(async () => {
  await w?.cleanup();
});

const PASSWORD = "pw-that-must-never-leak-7f3a";

/** The sshd's host key fingerprint as `ssh-keygen -lf` prints it on the server (the key its config names). */
function sshKeygenFingerprint(): string {
  const config = readFileSync(join(w.sshd.dir, "sshd_config"), "utf8");
  const hostKey = /^HostKey (.+)$/m.exec(config)?.[1] ?? "";
  return execFileSync("ssh-keygen", ["-lf", `${hostKey}.pub`], { encoding: "utf8" }).split(" ")[1] ?? "";
}

async function removeAll() {
  const { hosts } = (await jsonOf(await w.api("GET", "/api/hosts"))) as { hosts: { id: string }[] };
  for (const h of hosts) expect((await w.api("DELETE", `/api/hosts/${h.id}`)).status).toBe(204);
}

describe("SSH hosts against a real sshd", () => {
  it("adds a host, answers its first connection with the presented fingerprint until the admin trusts it, and never answers or logs a credential", async () => {
    await removeAll();
    const add = await w.api("POST", "/api/hosts", {
      name: "box",
      address: w.sshd.host,
      port: w.sshd.port,
      user: w.sshd.user,
      authMethod: "key",
      privateKey: w.sshd.privateKey,
      tags: ["lab", "lab", "db"],
    });
    expect(add.status).toBe(201);
    const host = await jsonOf(add);
    expect(host).toMatchObject({
      name: "box",
      port: w.sshd.port,
      user: w.sshd.user,
      authMethod: "key",
      tags: ["lab", "db"],
      hasKey: true,
      hasPassword: false,
      fingerprint: null,
    });
    const pw = await w.api("POST", "/api/hosts", {
      name: "pw-box",
      address: "127.0.0.1",
      port: w.sshd.port,
      user: "nobody",
      authMethod: "password",
      password: PASSWORD,
    });
    expect(pw.status).toBe(201);
    expect(await jsonOf(pw)).toMatchObject({ hasPassword: true, hasKey: false });

    // First contact: the presented key comes back for the admin to compare; nothing is trusted yet.
    const first = await w.api("POST", `/api/hosts/${host.id}/test`);
    expect(first.status).toBe(409);
    const untrusted = await jsonOf(first);
    expect(untrusted.error).toBe("HOST_ERR_HOST_KEY_UNTRUSTED");
    expect(untrusted.details).toEqual([`presented: ${sshKeygenFingerprint()}`]);
    expect(untrusted.message).toContain("Settings → Integrations → SSH hosts");
    expect(await jsonOf(await w.api("GET", `/api/hosts/${host.id}`))).toMatchObject({ fingerprint: null, pendingFingerprint: sshKeygenFingerprint() });
    // Everything that connects refuses the same way until then: plugins' commands and SFTP, and the status views.
    const ssh = w.attached.ssh.service;
    await expect(ssh.exec(host.id as string, "true")).rejects.toMatchObject({ code: "HOST_ERR_HOST_KEY_UNTRUSTED" });
    await expect(ssh.sftp(host.id as string)).rejects.toMatchObject({ code: "HOST_ERR_HOST_KEY_UNTRUSTED" });
    const status = await jsonOf(await w.api("GET", `/api/hosts/status?ids=${host.id as string}`));
    expect(status.hosts).toEqual([expect.objectContaining({ id: host.id, state: "down", code: "HOST_ERR_HOST_KEY_UNTRUSTED" })]);
    const notPresented = await w.api("POST", `/api/hosts/${host.id}/accept-host-key`, { fingerprint: `SHA256:${"A".repeat(43)}` });
    expect((await jsonOf(notPresented)).error).toBe("HOST_ERR_SSH_HOST_KEY_NOT_PENDING");
    const trusted = await w.api("POST", `/api/hosts/${host.id}/accept-host-key`, { fingerprint: sshKeygenFingerprint() });
    expect(trusted.status).toBe(200);
    expect(await jsonOf(trusted)).toMatchObject({ fingerprint: sshKeygenFingerprint(), pendingFingerprint: null });

    const test = await w.api("POST", `/api/hosts/${host.id}/test`);
    expect(test.status).toBe(200);
    const result = await jsonOf(test);
    expect(result).toMatchObject({ ok: true, fingerprint: w.sshd.hostKeyFingerprint });
    expect(typeof result.latencyMs).toBe("number");

    const list = await w.api("GET", "/api/hosts");
    const listed = (await jsonOf(list)) as { hosts: Record<string, unknown>[]; limit: unknown };
    expect(listed.hosts.map((h) => [h.name, h.fingerprint, h.hasKey, h.hasPassword])).toEqual([
      ["box", w.sshd.hostKeyFingerprint, true, false],
      ["pw-box", null, false, true],
    ]);
    expect(listed.limit).toEqual({ limit: "hosts", cap: 3, module: "unlimited-hosts" });

    // The key's body and the password appear in no answer, no log line and no ssh_hosts row.
    const keyBody = w.sshd.privateKey.split("\n")[2] ?? "";
    expect(keyBody.length).toBeGreaterThan(20);
    const answers = JSON.stringify([host, untrusted, listed, result, await jsonOf(await w.api("GET", `/api/hosts/${host.id}`))]);
    const logs = JSON.stringify(w.t.lines);
    const rows = JSON.stringify(await w.t.host.db.select().from(sshHosts));
    for (const text of [answers, logs, rows]) {
      expect(text).not.toContain(keyBody);
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain("PRIVATE KEY");
    }
    // They live in the vault, under the host's record.
    expect(await w.t.host.vault.open(`ssh-host:${host.id}`, "privateKey")).toBe(w.sshd.privateKey);
  });

  it("runs commands over the pooled connection with exit codes, stdin, output caps and a timeout", async () => {
    await removeAll();
    const id = await w.addSshdHost();
    const ssh = w.attached.ssh.service;
    expect(await ssh.exec(id, "echo hi")).toEqual({ code: 0, signal: null, stdout: "hi\n", stderr: "", truncated: false });
    expect(await ssh.exec(id, "cat; echo err >&2; exit 3", { stdin: "from stdin" })).toMatchObject({ code: 3, stdout: "from stdin", stderr: "err\n" });
    const big = await ssh.exec(id, "head -c 100000 /dev/zero", { maxOutputBytes: 1000 });
    expect(big.stdout.length).toBe(1000);
    expect(big.truncated).toBe(true);
    await expect(ssh.exec(id, "sleep 30", { timeoutMs: 300 })).rejects.toMatchObject({ code: "HOST_ERR_SSH_EXEC_TIMEOUT" });
    // One pooled connection served all of them.
    expect(ssh.connections().map((c) => c.hostId)).toEqual([id]);
    expect(ssh.connections()[0]?.bytesIn).toBeGreaterThan(0);
  });

  it("refuses a changed host key with both fingerprints until the admin accepts the new one", async () => {
    await removeAll();
    const id = await w.addSshdHost();
    const ssh = w.attached.ssh.service;
    const first = w.sshd.hostKeyFingerprint;
    expect((await ssh.exec(id, "echo before")).stdout).toBe("before\n");
    const rotated = await w.sshd.rotateHostKey();
    expect(rotated).not.toBe(first);

    const test = await w.api("POST", `/api/hosts/${id}/test`);
    expect(test.status).toBe(409);
    const body = await jsonOf(test);
    expect(body.error).toBe("HOST_ERR_HOST_KEY_CHANGED");
    expect(body.details).toEqual([`trusted: ${first}`, `presented: ${rotated}`]);
    await expect(ssh.exec(id, "echo refused")).rejects.toMatchObject({ code: "HOST_ERR_HOST_KEY_CHANGED" });
    expect(await jsonOf(await w.api("GET", `/api/hosts/${id}`))).toMatchObject({ fingerprint: first, pendingFingerprint: rotated });

    const wrong = await w.api("POST", `/api/hosts/${id}/accept-host-key`, { fingerprint: first });
    expect(wrong.status).toBe(409);
    expect((await jsonOf(wrong)).error).toBe("HOST_ERR_SSH_HOST_KEY_NOT_PENDING");
    const malformed = await w.api("POST", `/api/hosts/${id}/accept-host-key`, { fingerprint: "MD5:aa:bb" });
    expect((await jsonOf(malformed)).error).toBe("HOST_ERR_VALIDATION");

    const accept = await w.api("POST", `/api/hosts/${id}/accept-host-key`, { fingerprint: rotated });
    expect(accept.status).toBe(200);
    expect(await jsonOf(accept)).toMatchObject({ fingerprint: rotated, pendingFingerprint: null });
    expect(await jsonOf(await w.api("POST", `/api/hosts/${id}/test`))).toMatchObject({ ok: true, fingerprint: rotated });
    expect((await ssh.exec(id, "echo after")).stdout).toBe("after\n");
  });

  it("answers the fourth host with 402 naming unlimited-hosts, lifts the cap with the module and keeps hosts when it lapses", async () => {
    await removeAll();
    for (const n of [1, 2, 3]) await w.addSshdHost(`h${n}`);
    const fourth = await w.api("POST", "/api/hosts", { name: "h4", address: "127.0.0.1", port: w.sshd.port, user: w.sshd.user, privateKey: w.sshd.privateKey });
    expect(fourth.status).toBe(402);
    expect(await jsonOf(fourth)).toMatchObject({ error: "module_required", module: "unlimited-hosts", limit: "hosts", cap: 3 });

    w.entitlements.set(["unlimited-hosts"]);
    try {
      expect(
        (await w.api("POST", "/api/hosts", { name: "h4", address: "127.0.0.1", port: w.sshd.port, user: w.sshd.user, privateKey: w.sshd.privateKey })).status,
      ).toBe(201);
      expect((await jsonOf(await w.api("GET", "/api/hosts"))).limit).toMatchObject({ cap: null });
    } finally {
      w.entitlements.set([]);
    }
    const { hosts } = (await jsonOf(await w.api("GET", "/api/hosts"))) as { hosts: { id: string; name: string }[] };
    expect(hosts.map((h) => h.name)).toEqual(["h1", "h2", "h3", "h4"]);
    const h4 = hosts[3]?.id ?? "";
    await w.trust(h4);
    expect((await w.attached.ssh.service.exec(h4, "echo still")).stdout).toBe("still\n");
    expect((await w.api("POST", "/api/hosts", { name: "h5", address: "127.0.0.1", user: "root", privateKey: w.sshd.privateKey })).status).toBe(402);
  });

  it("imports hosts from an OpenSSH client config, with inline identities, and says what it skipped and why", async () => {
    await removeAll();
    await w.addSshdHost("existing");
    const config = `
Host existing
  HostName 127.0.0.1
  User root
Host lab
  HostName 127.0.0.1
  Port ${w.sshd.port}
  User ${w.sshd.user}
  IdentityFile ~/.ssh/lab_ed25519
Host nokey
  HostName 127.0.0.1
  Port ${w.sshd.port}
Host *.corp
  User x
Host nouser-other
  HostName 10.0.0.1
Host *
  User ${w.sshd.user}
`;
    const res = await w.api("POST", "/api/hosts/import", { config, identities: { "~/.ssh/lab_ed25519": { privateKey: w.sshd.privateKey } } });
    expect(res.status).toBe(200);
    const body = (await jsonOf(res)) as { imported: Record<string, unknown>[]; skipped: { entry: string; reason: string; code?: string }[] };
    expect(body.imported.map((h) => [h.name, h.port, h.user, h.hasKey])).toEqual([
      ["lab", w.sshd.port, w.sshd.user, true],
      ["nokey", w.sshd.port, w.sshd.user, false],
    ]);
    expect(body.skipped.map((s) => [s.entry, s.code ?? null])).toEqual([
      ["*.corp", null],
      ["*", null],
      ["existing", "HOST_ERR_SSH_HOST_NAME_TAKEN"],
      ["nouser-other", "module_required"],
    ]);
    expect(body.skipped[0]?.reason).toMatch(/wildcard/);
    expect(body.skipped[3]?.reason).toMatch(/unlimited-hosts/);
    expect(JSON.stringify(body)).not.toContain("PRIVATE KEY");

    const lab = body.imported[0]?.id as string;
    await w.trust(lab);
    expect(await jsonOf(await w.api("POST", `/api/hosts/${lab}/test`))).toMatchObject({ ok: true, fingerprint: w.sshd.hostKeyFingerprint });
    const nokey = await w.api("POST", `/api/hosts/${body.imported[1]?.id as string}/test`);
    expect(nokey.status).toBe(400);
    expect((await jsonOf(nokey)).error).toBe("HOST_ERR_SSH_CREDENTIALS_MISSING");
  });

  it("edits a host keeping secrets not given, removes it with its vault record, and refuses bad input with coded errors", async () => {
    await removeAll();
    const id = await w.addSshdHost("edit-me");
    const edited = await w.api("PUT", `/api/hosts/${id}`, { name: "edited", tags: ["x"] });
    expect(edited.status).toBe(200);
    expect(await jsonOf(edited)).toMatchObject({ name: "edited", tags: ["x"], hasKey: true });
    expect((await w.attached.ssh.service.exec(id, "echo edited")).stdout).toBe("edited\n");
    const toPassword = await w.api("PUT", `/api/hosts/${id}`, { authMethod: "password" });
    expect((await jsonOf(toPassword)).error).toBe("HOST_ERR_SSH_CREDENTIALS_MISSING");

    const bad = async (body: unknown, code: string, status = 400) => {
      const res = await w.api("POST", "/api/hosts", body);
      expect(res.status).toBe(status);
      expect((await jsonOf(res)).error).toBe(code);
    };
    await bad({ name: "p", address: "127.0.0.1", port: 70000, user: "u", password: "x" }, "HOST_ERR_VALIDATION");
    await bad({ name: "", address: "127.0.0.1", user: "u", password: "x" }, "HOST_ERR_VALIDATION");
    await bad({ name: "a", address: "bad host name", user: "u", password: "x" }, "HOST_ERR_VALIDATION");
    await bad({ name: "a", address: "127.0.0.1", user: "-oProxyCommand=x", password: "x" }, "HOST_ERR_VALIDATION");
    await bad({ name: "a", address: "127.0.0.1", user: "u", authMethod: "password" }, "HOST_ERR_SSH_CREDENTIALS_MISSING");
    await bad({ name: "a", address: "127.0.0.1", user: "u", privateKey: "not a key" }, "HOST_ERR_SSH_KEY_INVALID");
    const pub = (await import("node:fs")).readFileSync(`${w.sshd.dir}/client_ed25519.pub`, "utf8");
    await bad({ name: "a", address: "127.0.0.1", user: "u", privateKey: pub }, "HOST_ERR_SSH_KEY_INVALID");
    await bad({ name: "EDITED", address: "127.0.0.1", user: "u", password: "x" }, "HOST_ERR_SSH_HOST_NAME_TAKEN", 409);
    expect((await w.api("PUT", "/api/hosts/nope", { name: "z" })).status).toBe(404);
    expect((await jsonOf(await w.api("POST", "/api/hosts/nope/test"))).error).toBe("HOST_ERR_SSH_HOST_NOT_FOUND");

    expect((await w.api("DELETE", `/api/hosts/${id}`)).status).toBe(204);
    expect((await w.api("GET", `/api/hosts/${id}`)).status).toBe(404);
    expect(await w.t.host.vault.list(`ssh-host:${id}`)).toEqual([]);
  });

  it("reports refused passwords and keys as HOST_ERR_SSH_AUTH_FAILED", async () => {
    await removeAll();
    // No account here has a password sshd accepts (the harness creates no users), so this proves the refusal path.
    const pw = await jsonOf(await w.api("POST", "/api/hosts", { name: "pw", address: "127.0.0.1", port: w.sshd.port, user: w.sshd.user, password: PASSWORD }));
    await w.trust(pw.id as string);
    const refused = await w.api("POST", `/api/hosts/${pw.id as string}/test`);
    expect(refused.status).toBe(502);
    expect((await jsonOf(refused)).error).toBe("HOST_ERR_SSH_AUTH_FAILED");
    const { execFileSync } = await import("node:child_process");
    const { readFileSync } = await import("node:fs");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", `${w.sshd.dir}/not-authorized`]);
    const otherKey = readFileSync(`${w.sshd.dir}/not-authorized`, "utf8");
    const key = await jsonOf(
      await w.api("POST", "/api/hosts", { name: "k", address: "127.0.0.1", port: w.sshd.port, user: w.sshd.user, privateKey: otherKey }),
    );
    await w.trust(key.id as string);
    await expect(w.attached.ssh.service.exec(key.id as string, "true")).rejects.toMatchObject({ code: "HOST_ERR_SSH_AUTH_FAILED" });
    expect(JSON.stringify(w.t.lines)).not.toContain(PASSWORD);
  });

  it("reports every host's status in one request: up, down with its code, and checking for a host that does not answer yet", async () => {
    await removeAll();
    // A port nothing listens on, and a server that accepts TCP but never sends an SSH banner.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", () => r()));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const sockets = new Set<Socket>();
    const silent = createServer((s) => sockets.add(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
    try {
      const up = await w.addSshdHost("up");
      const add = async (name: string, port: number) =>
        (await jsonOf(await w.api("POST", "/api/hosts", { name, address: "127.0.0.1", port, user: "x", authMethod: "password", password: PASSWORD })))
          .id as string;
      const down = await add("down", closedPort);
      const slow = await add("slow", (silent.address() as AddressInfo).port);

      const res = await w.api("GET", "/api/hosts/status?wait=1500");
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).not.toContain(PASSWORD);
      const byId = new Map((JSON.parse(text).hosts as { id: string; state: string }[]).map((h) => [h.id, h]));
      expect(byId.get(up)).toMatchObject({ state: "up", via: "probe", latencyMs: expect.any(Number) });
      expect(byId.get(down)).toMatchObject({ state: "down", code: "HOST_ERR_SSH_UNREACHABLE" });
      expect(byId.get(slow)).toEqual({ id: slow, state: "checking" });

      // A host with a live pooled connection is up without a new connection test.
      await w.attached.ssh.service.exec(up, "true");
      const again = await jsonOf(await w.api("GET", `/api/hosts/status?ids=${up},${slow},unknown-id&wait=0`));
      expect(again.hosts.map((h: { id: string }) => h.id)).toEqual([up, slow]);
      expect(again.hosts[0]).toMatchObject({ state: "up", via: "connection" });
      expect(again.hosts[1]).toEqual({ id: slow, state: "checking" });

      // The test already running for the silent host ends with the sign-in timeout (5 s here), then it is down.
      await vi.waitFor(
        async () => {
          const last = await jsonOf(await w.api("GET", `/api/hosts/status?ids=${slow}&wait=0`));
          expect(last.hosts[0]).toMatchObject({ state: "down", code: "HOST_ERR_SSH_TIMEOUT" });
        },
        { timeout: 15_000, interval: 500 },
      );
      expect((await jsonOf(await w.api("GET", "/api/hosts/status?wait=99999"))).error).toBe("HOST_ERR_VALIDATION");
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it("says the host is unreachable while sshd is stopped, and reconnects on the next use after it is back", async () => {
    await removeAll();
    const id = await w.addSshdHost();
    const ssh = w.attached.ssh.service;
    expect((await ssh.exec(id, "echo up")).stdout).toBe("up\n");
    await w.sshd.stop();
    try {
      // The pool notices the drop (the server closed the TCP connection) and forgets the client.
      await vi.waitFor(() => expect(ssh.connections()).toEqual([]), { timeout: 10_000 });
      await expect(ssh.exec(id, "echo down")).rejects.toMatchObject({ code: "HOST_ERR_SSH_UNREACHABLE" });
      const test = await w.api("POST", `/api/hosts/${id}/test`);
      expect(test.status).toBe(502);
      const body = await jsonOf(test);
      expect(body.error).toBe("HOST_ERR_SSH_UNREACHABLE");
      expect(body.message).toMatch(/ECONNREFUSED/);
    } finally {
      await w.sshd.restart();
    }
    expect((await ssh.exec(id, "echo back")).stdout).toBe("back\n");
  });
});

describe("password sign-in against a real sshd, as a non-root user", () => {
  let pw: SshWorld;
  beforeAll(async () => {
    pw = await startSshWorld({ passwordUser: true });
  });
  afterAll(async () => {
    await pw?.cleanup();
  });

  it("adds a password host, tests it, and runs commands and SFTP as that user, never answering or logging the password", async () => {
    const user = pw.sshd.passwordUser as string;
    const password = pw.sshd.password as string;
    expect(password.length).toBeGreaterThan(16);
    const add = await pw.api("POST", "/api/hosts", { name: "pw-user", address: pw.sshd.host, port: pw.sshd.port, user, authMethod: "password", password });
    expect(add.status).toBe(201);
    const host = await jsonOf(add);
    expect(host).toMatchObject({ user, authMethod: "password", hasPassword: true, hasKey: false });
    const id = host.id as string;

    await pw.trust(id);
    const test = await pw.api("POST", `/api/hosts/${id}/test`);
    expect(test.status).toBe(200);
    const result = await jsonOf(test);
    expect(result).toMatchObject({ ok: true, fingerprint: pw.sshd.hostKeyFingerprint });
    // sshd took the password itself (not a key, not keyboard-interactive).
    expect(pw.sshd.log()).toContain(`Accepted password for ${user} from 127.0.0.1`);

    const ssh = pw.attached.ssh.service;
    const who = await ssh.exec(id, 'id -u; id -g; echo "$HOME"');
    expect(who).toMatchObject({ code: 0, stdout: `${PASSWORD_USER_UID}\n${PASSWORD_USER_UID}\n${pw.sshd.dir}/home\n` });
    const sftp = await ssh.sftp(id);
    try {
      expect(await sftp.realpath(".")).toBe(`${pw.sshd.dir}/home`);
      // Real permissions apply to this user: root's home is 0700.
      await expect(sftp.readdir("/root")).rejects.toMatchObject({ code: "HOST_ERR_SFTP_PERMISSION_DENIED" });
    } finally {
      await sftp.close();
    }

    // The user exists for that sshd only: its sessions see it in /etc/passwd, this machine does not.
    expect((await ssh.exec(id, `grep -c '^${user}:' /etc/passwd`)).stdout).toBe("1\n");
    expect(readFileSync("/etc/passwd", "utf8")).not.toContain(`${user}:`);

    const answers = JSON.stringify([host, result, await jsonOf(await pw.api("GET", `/api/hosts/${id}`)), await jsonOf(await pw.api("GET", "/api/hosts"))]);
    for (const text of [answers, JSON.stringify(pw.t.lines), JSON.stringify(await pw.t.host.db.select().from(sshHosts))]) expect(text).not.toContain(password);
    expect(await pw.t.host.vault.open(`ssh-host:${id}`, "password")).toBe(password);
    expect((await pw.api("DELETE", `/api/hosts/${id}`)).status).toBe(204);

    // The key user signs in to the same sshd as before.
    const keyHost = await pw.addSshdHost("key-user");
    expect((await ssh.exec(keyHost, "id -u")).stdout).toBe(`${process.getuid?.()}\n`);
    expect((await pw.api("DELETE", `/api/hosts/${keyHost}`)).status).toBe(204);
  });

  it("refuses a wrong password for that user with HOST_ERR_SSH_AUTH_FAILED, keeping both passwords out of answers and logs", async () => {
    const user = pw.sshd.passwordUser as string;
    const wrong = `${pw.sshd.password as string}-wrong`;
    const add = await pw.api("POST", "/api/hosts", {
      name: "pw-wrong",
      address: pw.sshd.host,
      port: pw.sshd.port,
      user,
      authMethod: "password",
      password: wrong,
    });
    expect(add.status).toBe(201);
    const id = (await jsonOf(add)).id as string;
    await pw.trust(id);
    const test = await pw.api("POST", `/api/hosts/${id}/test`);
    expect(test.status).toBe(502);
    const body = await jsonOf(test);
    expect(body.error).toBe("HOST_ERR_SSH_AUTH_FAILED");
    await expect(pw.attached.ssh.service.exec(id, "true")).rejects.toMatchObject({ code: "HOST_ERR_SSH_AUTH_FAILED" });
    expect(pw.sshd.log()).toContain(`Failed password for ${user} from 127.0.0.1`);

    // The right password, set by an edit, signs in on the next use.
    const fixed = await pw.api("PUT", `/api/hosts/${id}`, { password: pw.sshd.password });
    expect(fixed.status).toBe(200);
    expect((await pw.attached.ssh.service.exec(id, "id -u")).stdout).toBe(`${PASSWORD_USER_UID}\n`);

    const texts = [JSON.stringify([body, await jsonOf(fixed)]), JSON.stringify(pw.t.lines)];
    for (const text of texts) {
      expect(text).not.toContain(wrong);
      expect(text).not.toContain(pw.sshd.password);
    }
    expect((await pw.api("DELETE", `/api/hosts/${id}`)).status).toBe(204);
  });
});
