/**
 * Reading OpenSSH client configs (`~/.ssh/config`, ssh_config(5)): shared by the host's import of SSH hosts
 * and by plugins that read more of the same file (the jump-host module reads `ProxyJump`).
 */

/** One concrete host found in an OpenSSH client config. */
export interface SshConfigHost {
  /** The `Host` alias, used as the host's name. */
  alias: string;
  /** `HostName`, or the alias itself when none is given (as `ssh` does). */
  address: string;
  port: number;
  /** `User`, or undefined when the file names none. */
  user: string | undefined;
  /** `IdentityFile` as written (the file itself is not read). */
  identityFile: string | undefined;
  /**
   * `ProxyJump` split at its commas, first hop first, each as written (an alias or `[user@]host[:port]`);
   * undefined when the file names none or says `ProxyJump none`.
   */
  proxyJump: string[] | undefined;
}

/** Something in the file that was not imported, and why. */
export interface SshConfigSkip {
  /** The alias or directive, as written. */
  entry: string;
  line: number;
  reason: string;
}

const WILDCARD = /[*?!]/;

/** ssh_config(5) patterns: `*` and `?` globs, `!` negation; a host matches when a positive pattern matches and no negated one does. */
function matches(patterns: readonly string[], alias: string): boolean {
  let hit = false;
  for (const p of patterns) {
    const negated = p.startsWith("!");
    const body = negated ? p.slice(1) : p;
    const re = new RegExp(
      `^${body
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
      "i",
    );
    if (re.test(alias)) {
      if (negated) return false;
      hit = true;
    }
  }
  return hit;
}

/** Splits a config line into keyword and arguments: `Key value`, `Key=value`, quoted arguments. */
function splitLine(line: string): { key: string; args: string[] } | undefined {
  const m = /^\s*([A-Za-z][A-Za-z0-9]*)\s*(?:=\s*|\s+)(.*?)\s*$/.exec(line);
  if (!m) return undefined;
  const args: string[] = [];
  for (const a of (m[2] ?? "").matchAll(/"([^"]*)"|(\S+)/g)) args.push(a[1] ?? a[2] ?? "");
  return { key: (m[1] ?? "").toLowerCase(), args };
}

interface Block {
  patterns: string[];
  line: number;
  options: Map<string, { value: string; line: number }>;
  /** `Match` blocks are not evaluated; their options are ignored. */
  match: boolean;
}

/**
 * Reads an OpenSSH client config (ssh_config(5)) for the hosts it names: every non-wildcard alias of a
 * `Host` line becomes a host, with HostName, Port, User, IdentityFile and ProxyJump resolved the way `ssh`
 * does (the first value found in file order wins, so `Host *` defaults at the end apply). Wildcard
 * patterns, `Match` blocks, `Include` and invalid values are reported as skipped with the reason. Pure:
 * nothing is read from disk.
 *
 * @example
 * ```ts
 * const { hosts, skipped } = parseSshConfig("Host web\n  HostName 10.0.0.5\n  User deploy\n  ProxyJump bastion\n");
 * // hosts[0]: { alias: "web", address: "10.0.0.5", port: 22, user: "deploy", identityFile: undefined, proxyJump: ["bastion"] }
 * ```
 */
export function parseSshConfig(text: string): { hosts: SshConfigHost[]; skipped: SshConfigSkip[] } {
  const skipped: SshConfigSkip[] = [];
  const global: Block = { patterns: ["*"], line: 0, options: new Map(), match: false };
  const blocks: Block[] = [global];
  let current = global;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const line = raw.replace(/^\s+/, "");
    if (line === "" || line.startsWith("#")) return;
    const parsed = splitLine(line);
    if (!parsed) return;
    const { key, args } = parsed;
    if (key === "host") {
      current = { patterns: args, line: lineNo, options: new Map(), match: false };
      blocks.push(current);
      return;
    }
    if (key === "match") {
      current = { patterns: [], line: lineNo, options: new Map(), match: true };
      blocks.push(current);
      skipped.push({ entry: `Match ${args.join(" ")}`, line: lineNo, reason: "Match blocks are not supported; add these hosts by hand" });
      return;
    }
    if (key === "include") {
      skipped.push({ entry: `Include ${args.join(" ")}`, line: lineNo, reason: "included files are not read; paste their contents instead" });
      return;
    }
    if (["hostname", "port", "user", "identityfile", "proxyjump"].includes(key) && args[0] !== undefined && !current.options.has(key))
      current.options.set(key, { value: args[0], line: lineNo });
  });

  const hosts: SshConfigHost[] = [];
  const seen = new Set<string>();
  for (const block of blocks) {
    if (block === global || block.match) continue;
    for (const alias of block.patterns) {
      if (WILDCARD.test(alias)) {
        skipped.push({ entry: alias, line: block.line, reason: "wildcard patterns name no single host" });
        continue;
      }
      if (seen.has(alias.toLowerCase())) continue;
      seen.add(alias.toLowerCase());
      const option = (key: string): { value: string; line: number } | undefined => {
        for (const b of blocks) {
          if (b.match) continue;
          const v = b.options.get(key);
          if (v && (b === global || matches(b.patterns, alias))) return v;
        }
        return undefined;
      };
      const portOpt = option("port");
      const port = portOpt ? Number(portOpt.value) : 22;
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        skipped.push({ entry: alias, line: portOpt?.line ?? block.line, reason: `Port ${JSON.stringify(portOpt?.value)} is not a port number` });
        continue;
      }
      // %h and friends in HostName expand to the alias (ssh_config TOKENS); only %h and %% are common here.
      const hostName = option("hostname")?.value.replace(/%h/g, alias).replace(/%%/g, "%") ?? alias;
      // `ProxyJump none` switches a jump off where a later `Host *` would set one (ssh_config(5)).
      const jump = option("proxyjump")?.value;
      const proxyJump = jump === undefined || jump.toLowerCase() === "none" ? undefined : jump.split(",").filter((hop) => hop !== "");
      hosts.push({ alias, address: hostName, port, user: option("user")?.value, identityFile: option("identityfile")?.value, proxyJump });
    }
  }
  return { hosts, skipped };
}
