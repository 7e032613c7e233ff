import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

/** A running OpenSSH sshd for tests, on 127.0.0.1 with its own config, keys and authorized_keys. */
export interface TestSshd {
  readonly host: "127.0.0.1";
  readonly port: number;
  /** The user the test signs in as: the user running the tests (root in CI). */
  readonly user: string;
  /** An ed25519 private key (OpenSSH PEM) listed in this sshd's authorized_keys. */
  readonly privateKey: string;
  /**
   * A password that signs in, when the harness could set one up. It never creates system users or changes
   * passwords, so this is undefined: password sign-in can be tested for refusal only.
   */
  readonly password: string | undefined;
  /** The current host key's fingerprint as OpenSSH prints it (`SHA256:...`). */
  readonly hostKeyFingerprint: string;
  /** The temp folder holding config, keys and the log. */
  readonly dir: string;
  /** What sshd wrote to stderr so far (its log, with -e). */
  log(): string;
  /** Stops sshd and every connection it serves (their session processes too), as a crashed or stopped server. */
  stop(): Promise<void>;
  /** Starts sshd again on the same port with the same keys. */
  restart(): Promise<void>;
  /** Replaces the host key with a new one and restarts; returns the new fingerprint. */
  rotateHostKey(): Promise<string>;
  /** Stops sshd and deletes the temp folder. */
  cleanup(): Promise<void>;
}

export interface StartSshdOptions {
  /** The sshd binary (default /usr/sbin/sshd, Debian's openssh-server). */
  sshdPath?: string;
  /** sshd_config lines placed before the generated ones, so they override them (`MaxSessions 2`). */
  extraConfig?: string[];
}

function fingerprintOfPub(pubLine: string): string {
  const blob = Buffer.from(pubLine.trim().split(/\s+/)[1] ?? "", "base64");
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

function keygen(file: string, comment: string): void {
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", file], { stdio: "ignore" });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once the port answers with an SSH identification string. */
function sshBanner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: "127.0.0.1", port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once("data", (d) => done(d.toString("latin1").startsWith("SSH-")));
    sock.once("error", () => done(false));
  });
}

/** Every descendant of a process, read from /proc (sshd's per-connection children call setsid, so no process group holds them all). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name may hold spaces and parentheses: the fields after the last ")" are fixed.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // The process exited while we listed.
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/**
 * Starts a real OpenSSH sshd on 127.0.0.1 and a free port, with its own host key, config and
 * authorized_keys in a temp folder (key sign-in for the current user; TCP forwarding and the internal SFTP
 * server enabled). Needs Debian's openssh-server (`apt-get install openssh-server`); as root it creates
 * /run/sshd, the privilege separation folder sshd insists on.
 *
 * @example
 * ```ts
 * const sshd = await startSshd();
 * // add a host: address sshd.host, port sshd.port, user sshd.user, privateKey sshd.privateKey
 * await sshd.rotateHostKey(); // the next connection sees a changed key
 * await sshd.cleanup();
 * ```
 */
export async function startSshd(opts: StartSshdOptions = {}): Promise<TestSshd> {
  const sshdPath = opts.sshdPath ?? "/usr/sbin/sshd";
  if (!existsSync(sshdPath)) throw new Error(`${sshdPath} is missing: install openssh-server (scripts/install-system-deps.sh)`);
  const user = userInfo().username;
  if (process.getuid?.() === 0) mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), "archnest-sshd-"));
  keygen(join(dir, "client_ed25519"), "archnest-test-client");
  writeFileSync(join(dir, "authorized_keys"), readFileSync(join(dir, "client_ed25519.pub")), { mode: 0o600 });
  const privateKey = readFileSync(join(dir, "client_ed25519"), "utf8");
  const port = await freePort();
  let hostKeyN = 0;
  let hostKey = "";
  let fingerprint = "";
  const newHostKey = () => {
    hostKeyN += 1;
    hostKey = join(dir, `host_ed25519_${hostKeyN}`);
    keygen(hostKey, "archnest-test-host");
    fingerprint = fingerprintOfPub(readFileSync(`${hostKey}.pub`, "utf8"));
  };
  newHostKey();
  const configFile = join(dir, "sshd_config");
  const writeConfig = () =>
    writeFileSync(
      configFile,
      [
        // sshd keeps the first value of a keyword, so the caller's lines come first and win.
        ...(opts.extraConfig ?? []),
        `ListenAddress 127.0.0.1:${port}`,
        `HostKey ${hostKey}`,
        `PidFile ${join(dir, "sshd.pid")}`,
        `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
        "StrictModes no",
        "UsePAM no",
        "PermitRootLogin prohibit-password",
        "PubkeyAuthentication yes",
        // On, so password attempts reach the check and are refused (no user here has a usable password).
        "PasswordAuthentication yes",
        "KbdInteractiveAuthentication no",
        "AllowTcpForwarding yes",
        "UseDNS no",
        "PrintMotd no",
        "MaxSessions 64",
        "MaxStartups 100",
        "Subsystem sftp internal-sftp",
        "LogLevel VERBOSE",
        "",
      ].join("\n"),
    );
  writeConfig();

  let proc: ChildProcess | undefined;
  let stderr = "";
  const start = async () => {
    const p = spawn(sshdPath, ["-D", "-e", "-f", configFile], { stdio: ["ignore", "ignore", "pipe"] });
    proc = p;
    p.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString("utf8");
    });
    const exited = new Promise<void>((resolve) => p.once("exit", () => resolve()));
    let gone = false;
    void exited.then(() => {
      gone = true;
    });
    for (let i = 0; i < 200; i++) {
      if (gone) throw new Error(`sshd exited at start:\n${stderr}`);
      if (await sshBanner(port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`sshd did not answer on port ${port}:\n${stderr}`);
  };
  const stop = async () => {
    const p = proc;
    proc = undefined;
    if (!p?.pid || p.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => p.once("exit", () => resolve()));
    // Connections live in their own sessions: end them first, or they outlive the listener.
    for (const pid of descendants(p.pid).reverse()) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    p.kill("SIGTERM");
    await exited;
  };
  await start();

  return {
    host: "127.0.0.1",
    port,
    user,
    privateKey,
    password: undefined,
    get hostKeyFingerprint() {
      return fingerprint;
    },
    dir,
    log: () => stderr,
    stop,
    async restart() {
      await stop();
      await start();
    },
    async rotateHostKey() {
      newHostKey();
      writeConfig();
      await stop();
      await start();
      return fingerprint;
    },
    async cleanup() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
