import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { hostKeyFingerprint } from "../ssh/fingerprint.js";

/** A running OpenSSH sshd for tests, on 127.0.0.1 with its own config, keys and authorized_keys. */
export interface TestSshd {
  readonly host: "127.0.0.1";
  readonly port: number;
  /** The user the test signs in as with {@link privateKey}: the user running the tests (root in CI). */
  readonly user: string;
  /** An ed25519 private key (OpenSSH PEM) listed in this sshd's authorized_keys. */
  readonly privateKey: string;
  /**
   * The password of {@link passwordUser}, when started with `passwordUser: true`; otherwise undefined (the
   * harness creates no system user and changes no password, so password sign-in is then refused).
   */
  readonly password: string | undefined;
  /**
   * With `passwordUser: true`: a non-root user (uid {@link PASSWORD_USER_UID}, home folder in {@link dir})
   * that signs in with {@link password} only. It exists for this sshd alone: the machine's /etc is untouched.
   */
  readonly passwordUser: string | undefined;
  /** The current host key's fingerprint as OpenSSH prints it (`SHA256:...`). */
  readonly hostKeyFingerprint: string;
  /** The temp folder holding config, keys and the log. */
  readonly dir: string;
  /** What sshd wrote to stderr so far (its log, with -e). */
  log(): string;
  /** Stops sshd and every connection it serves (their session processes too), as a crashed or stopped server. */
  stop(): Promise<void>;
  /**
   * Stops sshd the way a crashed server or a cut network looks to a client: the sshd process of each
   * connection dies before the shells it serves, so no exit status reaches the client, only a dropped
   * connection. ({@link stop} ends the shells first, which lets sshd report their exit: a client rightly
   * shows that as an ended session.)
   */
  crash(): Promise<void>;
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
  /**
   * Also accept a password sign-in as a non-root user ({@link TestSshd.passwordUser}), so real file
   * permissions apply to it. Needs root and util-linux's `unshare`: sshd then runs in its own mount
   * namespace where private copies of /etc/passwd and /etc/shadow are bind-mounted over the real ones.
   * Throws when that cannot be set up.
   */
  passwordUser?: boolean;
  /**
   * Environment of the key user's sessions, beside their own HOME (`PATH` without a tool, say, or
   * `TMUX_TMPDIR` so a test's tmux server is its own). Values without whitespace or quotes.
   */
  env?: Record<string, string>;
  /**
   * Names only this sshd resolves (`{ "inner.test": "127.0.0.1" }`): added to a private copy of /etc/hosts
   * that sshd sees in its own mount namespace, so a forward through it (`ssh -J`, a direct-tcpip channel)
   * reaches an address the machine itself cannot resolve. Needs root and `unshare`, as `passwordUser`.
   */
  etcHosts?: Record<string, string>;
}

/** The password user's name, as sshd and its sessions see it. */
export const PASSWORD_USER = "archnest-test";
/** The password user's uid and gid: Debian's nobody and nogroup, ids that own nothing on the machine. */
export const PASSWORD_USER_UID = 65534;

/** A command's path on PATH, or undefined. */
function onPath(command: string): string | undefined {
  for (const d of (process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
    const file = join(d || ".", command);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/**
 * Writes the private passwd and shadow for the password user under `dir` and returns the password.
 * The passwd is the machine's plus one line, so every other account (the key user, sshd's own privilege
 * separation user) resolves as before. The shadow is the machine's with every password hash replaced:
 * "!" where the account is locked, "*" (no password) otherwise. sshd without PAM refuses even a key
 * sign-in to an account it finds locked, and it counts an account with no shadow line as locked, so each
 * account keeps its line and its lock state while no hash of this machine is copied.
 */
function writePasswordUser(dir: string): string {
  const password = randomBytes(18).toString("base64url");
  // The password goes on stdin, so it never shows on a command line (ps, /proc/<pid>/cmdline).
  const hash = execFileSync("openssl", ["passwd", "-6", "-stdin"], { input: `${password}\n`, encoding: "utf8" }).trim();
  if (!hash.startsWith("$6$")) throw new Error("openssl passwd -6 did not print a SHA-512 crypt hash");
  const home = join(dir, "home");
  mkdirSync(home);
  chownSync(home, PASSWORD_USER_UID, PASSWORD_USER_UID);
  chmodSync(home, 0o755);
  // The user reaches its home through dir; 0711 lets it pass without listing. Keys and shadow stay 0600.
  chmodSync(dir, 0o711);
  const passwd = readFileSync("/etc/passwd", "utf8");
  const line = `${PASSWORD_USER}:x:${PASSWORD_USER_UID}:${PASSWORD_USER_UID}:ArchNest test:${home}:/bin/sh\n`;
  writeFileSync(join(dir, "passwd"), `${passwd}${passwd.endsWith("\n") ? "" : "\n"}${line}`, { mode: 0o644 });
  const shadow = readFileSync("/etc/shadow", "utf8")
    .split("\n")
    .filter((l) => l.includes(":"))
    .map((l) => {
      const [name, pw = "", ...rest] = l.split(":");
      return [name, pw.startsWith("!") ? "!" : "*", ...rest].join(":");
    });
  // Empty aging fields: no last-change date, so sshd never asks for a password change (which needs PAM).
  shadow.push(`${PASSWORD_USER}:${hash}:::::::`);
  writeFileSync(join(dir, "shadow"), `${shadow.join("\n")}\n`, { mode: 0o600 });
  return password;
}

/** The fingerprint of an OpenSSH `.pub` line (`type base64-blob comment`), as the host computes it. */
function fingerprintOfPub(pubLine: string): string {
  return hostKeyFingerprint(Buffer.from(pubLine.trim().split(/\s+/)[1] ?? "", "base64"));
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

/** Stops a process from running (SIGSTOP) until it is killed; gone already is fine. */
function freeze(pid: number): void {
  try {
    process.kill(pid, "SIGSTOP");
  } catch {
    // Already gone.
  }
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
 *
 * const withUser = await startSshd({ passwordUser: true });
 * // add a host: user withUser.passwordUser, authMethod "password", password withUser.password (uid 65534)
 * ```
 */
export async function startSshd(opts: StartSshdOptions = {}): Promise<TestSshd> {
  const sshdPath = opts.sshdPath ?? "/usr/sbin/sshd";
  if (!existsSync(sshdPath)) throw new Error(`${sshdPath} is missing: install openssh-server (scripts/install-system-deps.sh)`);
  const etcHosts = Object.entries(opts.etcHosts ?? {});
  const ownNamespace = opts.passwordUser === true || etcHosts.length > 0;
  const unshare = ownNamespace ? onPath("unshare") : undefined;
  if (etcHosts.length > 0) {
    if (process.getuid?.() !== 0) throw new Error("startSshd({ etcHosts }) needs root: it bind-mounts a private /etc/hosts for sshd");
    if (!unshare) throw new Error("startSshd({ etcHosts }) needs unshare (util-linux) on PATH");
    for (const [name, address] of etcHosts)
      if (!/^[A-Za-z0-9.-]{1,253}$/.test(name) || !/^[0-9A-Fa-f.:]{2,45}$/.test(address))
        throw new Error(`startSshd: etcHosts ${name} ${address} is not a name and an address`);
  }
  if (opts.passwordUser) {
    if (process.getuid?.() !== 0)
      throw new Error("startSshd({ passwordUser: true }) needs root: it bind-mounts a private /etc/passwd and /etc/shadow for sshd");
    if (!unshare) throw new Error("startSshd({ passwordUser: true }) needs unshare (util-linux) on PATH");
    if (!onPath("openssl")) throw new Error("startSshd({ passwordUser: true }) needs openssl to hash the password (scripts/install-system-deps.sh)");
  }
  const user = userInfo().username;
  if (process.getuid?.() === 0) mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), "archnest-sshd-"));
  keygen(join(dir, "client_ed25519"), "archnest-test-client");
  writeFileSync(join(dir, "authorized_keys"), readFileSync(join(dir, "client_ed25519.pub")), { mode: 0o600 });
  const privateKey = readFileSync(join(dir, "client_ed25519"), "utf8");
  // The key user's sessions get a home folder of their own: sshd runs its shell, which reads the machine
  // user's dotfiles (~/.bashrc) before every command, and those are no part of the test. A development
  // machine's shell init (version managers rehashing under a lock) made 20 parallel sessions wait 15 s.
  const keyUserHome = join(dir, "key-user-home");
  mkdirSync(keyUserHome, { mode: 0o700 });
  const password = opts.passwordUser ? writePasswordUser(dir) : undefined;
  // Files bind-mounted over /etc's in sshd's own mount namespace: [private copy, the path it hides].
  const binds: [string, string][] =
    password === undefined
      ? []
      : [
          [join(dir, "passwd"), "/etc/passwd"],
          [join(dir, "shadow"), "/etc/shadow"],
        ];
  if (etcHosts.length > 0) {
    const machine = existsSync("/etc/hosts") ? readFileSync("/etc/hosts", "utf8") : "";
    const lines = etcHosts.map(([name, address]) => `${address} ${name}`).join("\n");
    writeFileSync(join(dir, "hosts"), `${machine}${machine.endsWith("\n") || machine === "" ? "" : "\n"}${lines}\n`, { mode: 0o644 });
    binds.push([join(dir, "hosts"), "/etc/hosts"]);
  }
  // One SetEnv line: sshd keeps the first SetEnv that applies and ignores the rest.
  const sessionEnv = Object.entries(opts.env ?? {})
    .map(([k, v]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) || !/^[^\s"'\\]*$/.test(v)) throw new Error(`startSshd: env ${k} cannot be written to sshd_config`);
      return ` ${k}=${v}`;
    })
    .join("");
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
        // The temp folder and authorized_keys are not laid out as in a home folder, which StrictModes demands.
        "StrictModes no",
        // Without PAM sshd checks a password itself against getspnam's hash, so with passwordUser the
        // private shadow is all it reads; PAM would run the machine's own auth stack instead.
        "UsePAM no",
        // Root signs in with the key only; no AllowUsers line, so the password user is allowed too.
        "PermitRootLogin prohibit-password",
        "PubkeyAuthentication yes",
        // Password sign-in on: the password user signs in with it, and any other attempt reaches the
        // check and is refused (no other account has a password here).
        "PasswordAuthentication yes",
        // Passwords over "password" auth only: without PAM, keyboard-interactive would have no prompt to offer.
        "KbdInteractiveAuthentication no",
        "AllowTcpForwarding yes",
        "UseDNS no",
        "PrintMotd no",
        "MaxSessions 64",
        "MaxStartups 100",
        "Subsystem sftp internal-sftp",
        "LogLevel VERBOSE",
        // Last: Match applies to every line after it.
        `Match User ${user}`,
        `SetEnv HOME=${keyUserHome}${sessionEnv}`,
        "",
      ].join("\n"),
    );
  writeConfig();

  let proc: ChildProcess | undefined;
  let stderr = "";
  const start = async () => {
    const sshdArgs = ["-D", "-e", "-f", configFile];
    // With a password user or private host names, sshd runs in its own mount namespace, where private
    // copies are bind-mounted over /etc's files; the machine's mounts and files stay as they were.
    // unshare without --fork execs sh, which execs sshd: the PID held here is sshd's, as stop() expects.
    const p = unshare
      ? spawn(
          unshare,
          [
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            // Arguments: the number of binds, then each private file and its target, then sshd's command.
            'n=$1; shift; while [ "$n" -gt 0 ]; do mount --bind "$1" "$2" || exit 1; shift 2; n=$((n-1)); done; exec "$@"',
            "sh",
            String(binds.length),
            ...binds.flat(),
            sshdPath,
            ...sshdArgs,
          ],
          { stdio: ["ignore", "ignore", "pipe"] },
        )
      : spawn(sshdPath, sshdArgs, { stdio: ["ignore", "ignore", "pipe"] });
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
      if (gone)
        throw new Error(
          unshare
            ? `sshd in its own mount namespace (passwordUser, etcHosts) exited at start; unshare or mount may be refused here:\n${stderr}`
            : `sshd exited at start:\n${stderr}`,
        );
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
    // The listener is frozen first, so it cannot fork a connection's process between the listing below
    // and its own end (a client reconnecting at that moment would keep a live session on a "stopped" sshd).
    freeze(p.pid);
    // Connections live in their own sessions: end them first, or they outlive the listener.
    for (const pid of descendants(p.pid).reverse()) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    p.kill("SIGKILL");
    await exited;
  };
  await start();

  return {
    host: "127.0.0.1",
    port,
    user,
    privateKey,
    password,
    passwordUser: password === undefined ? undefined : PASSWORD_USER,
    get hostKeyFingerprint() {
      return fingerprint;
    },
    dir,
    log: () => stderr,
    stop,
    async crash() {
      if (proc?.pid && proc.exitCode === null) freeze(proc.pid);
      // Parents before children: descendants() lists them in that order.
      for (const pid of proc?.pid && proc.exitCode === null ? descendants(proc.pid) : []) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // Already gone.
        }
      }
      await stop();
    },
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
