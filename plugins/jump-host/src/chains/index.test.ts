import type { SshHostSummary } from "@archnest/sdk/plugin";
import { parseSshConfig } from "@archnest/sdk/plugin";
import { describe, expect, it } from "vitest";
import { chainOf, checkVia, findHop, MAX_HOPS, parseHop, planImport } from "./index.js";

const host = (id: string, over: Partial<SshHostSummary> = {}): SshHostSummary => ({
  id,
  name: id,
  address: `${id}.example`,
  port: 22,
  user: "ops",
  tags: [],
  authMethod: "key",
  fingerprint: null,
  ...over,
});
const names = (id: string) => id;

describe("chainOf", () => {
  it("lists the jump hosts first hop first, and stops at a loop", () => {
    expect(
      chainOf(
        new Map([
          ["t", "b"],
          ["b", "a"],
        ]),
        "t",
      ),
    ).toEqual({ hops: ["a", "b"], cycle: false, tooDeep: false });
    expect(chainOf(new Map(), "t").hops).toEqual([]);
    expect(
      chainOf(
        new Map([
          ["t", "b"],
          ["b", "t"],
        ]),
        "t",
      ).cycle,
    ).toBe(true);
  });
});

describe("checkVia", () => {
  it("refuses a host jumping through itself or into a loop, with the loop named", () => {
    expect(() => checkVia(new Map(), "t", "t", names)).toThrow(expect.objectContaining({ code: "JUMP_HOST_ERR_CYCLE" }));
    expect(() =>
      checkVia(
        new Map([
          ["b", "a"],
          ["a", "t"],
        ]),
        "t",
        "b",
        names,
      ),
    ).toThrow("b already jumps through t: t → a → b → t would loop.");
  });

  it("allows chains of 8 jump hosts and refuses a 9th, also when the host changed sits in the middle of a chain", () => {
    const vias = new Map<string, string>();
    for (let i = 1; i < MAX_HOPS; i++) vias.set(`h${i}`, `h${i - 1}`);
    // h7 → ... → h0 is 7 hops before h7; t via h7 makes 8 before t.
    expect(() => checkVia(vias, "t", `h${MAX_HOPS - 1}`, names)).not.toThrow();
    vias.set("t", `h${MAX_HOPS - 1}`);
    expect(() => checkVia(vias, "u", "t", names)).toThrow(expect.objectContaining({ code: "JUMP_HOST_ERR_TOO_DEEP" }));
    // h0 jumping through a new host would push t to 9.
    expect(() => checkVia(vias, "h0", "x", names)).toThrow(expect.objectContaining({ code: "JUMP_HOST_ERR_TOO_DEEP" }));
  });
});

describe("ProxyJump hops", () => {
  it("reads aliases and [user@]host[:port], IPv6 in brackets", () => {
    expect(parseHop("bastion")).toEqual({ user: undefined, host: "bastion", port: undefined });
    expect(parseHop("ops@10.0.0.2:2222")).toEqual({ user: "ops", host: "10.0.0.2", port: 2222 });
    expect(parseHop("[fd00::1]:22")).toEqual({ user: undefined, host: "fd00::1", port: 22 });
  });

  it("finds the registered host by name, else by address, port and user", () => {
    const hosts = [host("bastion", { address: "10.0.0.2", port: 2222 }), host("web")];
    expect(findHop(hosts, "BASTION")?.id).toBe("bastion");
    expect(findHop(hosts, "ops@10.0.0.2:2222")?.id).toBe("bastion");
    expect(findHop(hosts, "root@10.0.0.2:2222")).toBeUndefined();
    expect(findHop(hosts, "10.0.0.2")).toBeUndefined();
  });

  it("sets each hop's jump host along the chain, skipping entries that clash with chains already set", () => {
    const hosts = ["a", "b", "c", "t", "u"].map((id) => host(id));
    const parsed = parseSshConfig("Host t\n  ProxyJump a,b\nHost u\n  ProxyJump c,b\nHost a\n  ProxyJump t\n");
    const plan = planImport(parsed.hosts, hosts, new Map());
    expect(plan.applied).toEqual([{ host: "t", chain: ["a", "b", "t"] }]);
    expect(plan.skipped.map((s) => [s.entry, s.code ?? null])).toEqual([
      ["u", null],
      ["a", "JUMP_HOST_ERR_CYCLE"],
    ]);
    expect(plan.skipped[0]?.reason).toBe("b already jumps through a, not c: change it on the Jump hosts page first");
    expect([...plan.vias]).toEqual([
      ["b", "a"],
      ["t", "b"],
    ]);
    expect([...plan.changed]).toEqual(["b", "t"]);
  });
});
