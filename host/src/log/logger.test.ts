import { describe, expect, it } from "vitest";
import { createLogger } from "./index.js";

function capture(level?: "debug" | "info" | "warn" | "error") {
  const lines: string[] = [];
  const log = createLogger({ ...(level ? { level } : {}), write: (l) => lines.push(l), now: () => new Date("2026-01-02T03:04:05.000Z") });
  return { log, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe("logger", () => {
  it("writes one JSON object per line with time, level, msg and fields", () => {
    const { log, parsed, lines } = capture();
    log.info("hello", { port: 8765 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain("\n");
    expect(parsed()[0]).toEqual({ time: "2026-01-02T03:04:05.000Z", level: "info", msg: "hello", port: 8765 });
  });

  it("binds fields in child loggers", () => {
    const { log, parsed } = capture();
    log.child({ requestId: "r-123456789" }).child({ pluginId: "notes" }).warn("slow");
    expect(parsed()[0]).toMatchObject({ level: "warn", msg: "slow", requestId: "r-123456789", pluginId: "notes" });
  });

  it("drops lines below the level", () => {
    const { log, parsed } = capture("warn");
    log.debug("d");
    log.info("i");
    log.error("e");
    expect(parsed().map((l) => l.msg)).toEqual(["e"]);
  });

  it("never prints the values of sensitive keys, at any depth or spelling", () => {
    const { log, lines } = capture();
    const secrets = [
      "hunter2-password",
      "s3cr3t-value",
      "tok-abc",
      "-----BEGIN PRIVATE KEY-----",
      "pass-phrase-x",
      "archnest_session=zzz",
      "Bearer qqq",
      "csrf-yyy",
    ];
    log.info("login", {
      password: secrets[0],
      nested: { apiSecret: secrets[1], list: [{ access_token: secrets[2] }] },
      privateKey: secrets[3],
      passphrase: secrets[4],
      headers: { Cookie: secrets[5], Authorization: secrets[6] },
      csrfToken: secrets[7],
      username: "ann",
    });
    const out = lines.join("\n");
    for (const s of secrets) expect(out).not.toContain(s);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ username: "ann", password: "[redacted]", headers: { Cookie: "[redacted]" } });
  });

  it("keeps msg/level/time from being overwritten and survives cycles and errors", () => {
    const { log, parsed } = capture();
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const err = Object.assign(new Error("boom"), { code: "HOST_ERR_X" });
    log.error("real", { msg: "fake", level: "debug", cyclic, err });
    const line = parsed()[0] as Record<string, unknown> & { err: Record<string, unknown>; cyclic: Record<string, unknown> };
    expect(line.msg).toBe("real");
    expect(line.level).toBe("error");
    expect(line.cyclic.self).toBe("[circular]");
    expect(line.err).toMatchObject({ name: "Error", message: "boom", code: "HOST_ERR_X" });
  });
});
