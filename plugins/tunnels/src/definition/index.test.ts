import { describe, expect, it } from "vitest";
import { parseTunnelInput } from "./index.js";

const ok = { name: " web ", hostId: "h1", kind: "local", bindPort: "8080", targetHost: "127.0.0.1", targetPort: 80 };

describe("tunnel definitions", () => {
  it("accepts a local forward, trims the name, defaults the bind address to loopback and reads ports from strings", () => {
    expect(parseTunnelInput(ok)).toEqual({
      name: "web",
      hostId: "h1",
      kind: "local",
      bindHost: "127.0.0.1",
      bindPort: 8080,
      targetHost: "127.0.0.1",
      targetPort: 80,
    });
    expect(parseTunnelInput({ ...ok, kind: "remote", bindHost: "::1", bindPort: 0, targetHost: "db.internal" }).bindHost).toBe("::1");
  });

  it.each([
    [{ ...ok, name: "" }, "name:"],
    [{ ...ok, kind: "dynamic" }, "kind:"],
    [{ ...ok, hostId: 5 }, "hostId:"],
    [{ ...ok, bindPort: 70000 }, "bindPort:"],
    [{ ...ok, targetPort: 0 }, "targetPort:"],
    [{ ...ok, targetHost: "bad host;rm" }, "targetHost:"],
    [{ ...ok, bindHost: "a..b" }, "bindHost:"],
  ])("refuses %j with a coded error naming the field", (input, field) => {
    expect(() => parseTunnelInput(input)).toThrow(expect.objectContaining({ code: "TUNNELS_ERR_VALIDATION", message: expect.stringContaining(field) }));
  });
});
