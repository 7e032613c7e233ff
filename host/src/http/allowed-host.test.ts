import { afterEach, describe, expect, it } from "vitest";
import { createTestHost, jsonOf, type TestHost } from "../testing/index.js";
import { hostAllowed } from "./allowed-host.js";

let t: TestHost | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

describe("hostAllowed", () => {
  const allowed = new Set(["archnest.example.com"]);

  it("accepts loopback names, IP addresses and listed names with any port", () => {
    for (const host of [
      "localhost",
      "LOCALHOST:8765",
      "127.0.0.1:1",
      "[::1]:8765",
      "192.168.1.20:8765",
      "[fd00::5]",
      "archnest.example.com",
      "Archnest.Example.Com:443",
    ]) {
      expect(hostAllowed(host, allowed), host).toBe(true);
    }
  });

  it("refuses other names, look-alikes, and malformed or missing values", () => {
    for (const host of [
      "evil.example",
      "localhost.evil.example",
      "archnest.example.com.evil.example",
      "127.0.0.1.nip.io",
      "user@localhost",
      "localhost/x",
      "",
      undefined,
    ]) {
      expect(hostAllowed(host, allowed), String(host)).toBe(false);
    }
  });
});

describe("the host behind a trusted proxy", () => {
  it("checks X-Forwarded-Host, the name the browser used, rather than the proxy's Host", async () => {
    t = await createTestHost({ env: { ARCHNEST_TRUST_PROXY: "1", ARCHNEST_ALLOWED_HOSTS: "archnest.example.com" } });
    const get = (headers: Record<string, string>) => t?.host.app.request("http://upstream:8765/api/setup", { headers }) as Promise<Response>;
    expect((await get({ "x-forwarded-host": "archnest.example.com" })).status).toBe(200);
    const rebound = await get({ "x-forwarded-host": "evil.example" });
    expect(rebound.status).toBe(421);
    expect((await jsonOf(rebound)).error).toBe("HOST_ERR_HOST_NOT_ALLOWED");
    // Without the forwarded name the proxy's own Host decides, and upstream is not a name the host serves.
    expect((await get({})).status).toBe(421);
  });

  it("ignores X-Forwarded-Host when the proxy is not trusted", async () => {
    t = await createTestHost();
    const res = await t.host.app.request("http://localhost/healthz", { headers: { "x-forwarded-host": "evil.example" } });
    expect(res.status).toBe(200);
  });

  it("refuses an invalid ARCHNEST_ALLOWED_HOSTS entry at start, naming the variable", async () => {
    await expect(createTestHost({ env: { ARCHNEST_ALLOWED_HOSTS: "ok.example, https://bad.example:443" } })).rejects.toMatchObject({
      code: "HOST_ERR_CONFIG_INVALID",
      message: expect.stringContaining("ARCHNEST_ALLOWED_HOSTS"),
    });
  });
});
