import { describe, expect, it } from "vitest";
import { parseSshConfig } from "./parse-ssh-config.js";

describe("parseSshConfig", () => {
  it("reads Host blocks with HostName, Port, User and IdentityFile, and applies Host * defaults placed last", () => {
    const { hosts, skipped } = parseSshConfig(`
# comment
Host web web-alias
  HostName 10.0.0.5
  Port 2222
  User deploy
  IdentityFile ~/.ssh/web_ed25519

Host db
  HostName=db.internal
Host *
  User fallback
  Port 22
`);
    expect(hosts).toEqual([
      { alias: "web", address: "10.0.0.5", port: 2222, user: "deploy", identityFile: "~/.ssh/web_ed25519" },
      { alias: "web-alias", address: "10.0.0.5", port: 2222, user: "deploy", identityFile: "~/.ssh/web_ed25519" },
      { alias: "db", address: "db.internal", port: 22, user: "fallback", identityFile: undefined },
    ]);
    expect(skipped).toEqual([{ entry: "*", line: 11, reason: "wildcard patterns name no single host" }]);
  });

  it("lets the first value win, uses the alias when HostName is missing, and reports wildcards, Match, Include and bad ports", () => {
    const { hosts, skipped } = parseSshConfig(
      ["User first", "Include ~/.ssh/conf.d/*", "Host a", "  User second", "Host b?", "  Port 1", "Host bad", "  Port 99999", "Match host x", "  User m"].join(
        "\n",
      ),
    );
    expect(hosts).toEqual([{ alias: "a", address: "a", port: 22, user: "first", identityFile: undefined }]);
    expect(skipped.map((s) => [s.entry, s.line])).toEqual([
      ["Include ~/.ssh/conf.d/*", 2],
      ["Match host x", 9],
      ["b?", 5],
      ["bad", 8],
    ]);
    expect(skipped.find((s) => s.entry === "bad")?.reason).toMatch(/not a port/);
  });

  it("honours negated patterns when resolving options", () => {
    const { hosts } = parseSshConfig("Host one two\nHost * !two\n  User u1\nHost *\n  User u2\n");
    expect(hosts.map((h) => [h.alias, h.user])).toEqual([
      ["one", "u1"],
      ["two", "u2"],
    ]);
  });

  it("reads ProxyJump as its list of hops, first hop first, and ProxyJump none as no jump", () => {
    const { hosts } = parseSshConfig(
      ["Host inner", "  HostName 10.0.0.9", "  ProxyJump bastion,ops@10.0.0.2:2222", "Host bastion", "  ProxyJump none", "Host *", "  ProxyJump gw"].join("\n"),
    );
    expect(hosts.map((h) => [h.alias, h.proxyJump])).toEqual([
      ["inner", ["bastion", "ops@10.0.0.2:2222"]],
      ["bastion", undefined],
    ]);
  });
});
