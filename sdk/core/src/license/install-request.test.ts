import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateKeyPair } from "../crypto/keys.js";
import { isSdkError } from "../errors/index.js";
import { INSTALL_REQUEST_HEADERS, installRequestCanonical, parseInstallRequestHeaders, signInstallRequest, verifyInstallRequest } from "./install-request.js";

const install = generateKeyPair();
const installId = "inst_0123456789";
const now = new Date("2026-03-01T12:00:00.000Z");

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return isSdkError(err) ? err.code : `not coded: ${String(err)}`;
  }
}

describe("install request signing", () => {
  it("builds the canonical string from method, path, timestamp, nonce and the body's SHA-256", () => {
    expect(installRequestCanonical("post", "/v1/license?x=1", "1700000000000", "abcdefghijklmnop", "hello")).toBe(
      "POST\n/v1/license?x=1\n1700000000000\nabcdefghijklmnop\n2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
    );
  });

  it("signs headers that the receiver verifies with the install's public key", () => {
    const body = JSON.stringify({ slug: "tmux" });
    const headers = signInstallRequest({ method: "POST", path: "/v1/checkout", body, installId, secretKey: install.secretKey, now });
    expect(Object.keys(headers).sort()).toEqual(Object.values(INSTALL_REQUEST_HEADERS).sort());
    const ok = verifyInstallRequest({ method: "POST", path: "/v1/checkout", body, headers: new Headers(headers), publicKey: install, now });
    expect(ok.installId).toBe(installId);
    expect(ok.nonce).toBe(headers["x-archnest-nonce"]);
  });

  it("verifies from headers the receiver already parsed, with the same checks", () => {
    const headers = signInstallRequest({ method: "GET", path: "/v1/status", installId, secretKey: install.secretKey, now });
    const parsed = parseInstallRequestHeaders(headers);
    const base = { method: "GET", path: "/v1/status", parsed, publicKey: install, now };
    expect(verifyInstallRequest(base)).toEqual(parsed);
    expect(code(() => verifyInstallRequest({ ...base, path: "/v1/license" }))).toBe("SDK_ERR_REQUEST_SIGNATURE");
    expect(code(() => verifyInstallRequest({ ...base, parsed: { ...parsed, nonce: `${parsed.nonce}x` } }))).toBe("SDK_ERR_REQUEST_SIGNATURE");
    expect(code(() => verifyInstallRequest({ ...base, now: new Date(now.getTime() + 6 * 60_000) }))).toBe("SDK_ERR_REQUEST_STALE");
  });

  it("gives every request a fresh nonce", () => {
    const a = signInstallRequest({ method: "GET", path: "/v1/status", installId, secretKey: install.secretKey, now });
    const b = signInstallRequest({ method: "GET", path: "/v1/status", installId, secretKey: install.secretKey, now });
    expect(a["x-archnest-nonce"]).not.toBe(b["x-archnest-nonce"]);
  });

  it("refuses a changed method, path or body, and another install's key", () => {
    const headers = signInstallRequest({ method: "POST", path: "/v1/checkout", body: "{}", installId, secretKey: install.secretKey, now });
    const base = { method: "POST", path: "/v1/checkout", body: "{}", headers, publicKey: install, now };
    expect(code(() => verifyInstallRequest({ ...base, method: "PUT" }))).toBe("SDK_ERR_REQUEST_SIGNATURE");
    expect(code(() => verifyInstallRequest({ ...base, path: "/v1/license" }))).toBe("SDK_ERR_REQUEST_SIGNATURE");
    expect(code(() => verifyInstallRequest({ ...base, body: '{"slug":"everything"}' }))).toBe("SDK_ERR_REQUEST_SIGNATURE");
    expect(code(() => verifyInstallRequest({ ...base, publicKey: generateKeyPair() }))).toBe("SDK_ERR_REQUEST_SIGNATURE");
  });

  it("refuses a stale timestamp in either direction", () => {
    const headers = signInstallRequest({ method: "GET", path: "/v1/status", installId, secretKey: install.secretKey, now });
    const base = { method: "GET", path: "/v1/status", headers, publicKey: install };
    expect(code(() => verifyInstallRequest({ ...base, now: new Date(now.getTime() + 6 * 60_000) }))).toBe("SDK_ERR_REQUEST_STALE");
    expect(code(() => verifyInstallRequest({ ...base, now: new Date(now.getTime() - 6 * 60_000) }))).toBe("SDK_ERR_REQUEST_STALE");
    expect(verifyInstallRequest({ ...base, now: new Date(now.getTime() + 4 * 60_000) }).installId).toBe(installId);
  });

  it("refuses missing or malformed headers as unsigned", () => {
    expect(code(() => parseInstallRequestHeaders({}))).toBe("SDK_ERR_REQUEST_UNSIGNED");
    const headers = signInstallRequest({ method: "GET", path: "/", installId, secretKey: install.secretKey, now });
    expect(code(() => parseInstallRequestHeaders({ ...headers, "x-archnest-timestamp": "yesterday" }))).toBe("SDK_ERR_REQUEST_UNSIGNED");
  });

  it("gives nothing but a coded error for arbitrary headers", () => {
    const names = Object.values(INSTALL_REQUEST_HEADERS);
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...names, "other"), fc.string()), fc.string(), (headers, path) => {
        const result = code(() => verifyInstallRequest({ method: "GET", path, headers, publicKey: install, now }));
        expect(result).toMatch(/^SDK_ERR_REQUEST_/);
      }),
      { numRuns: 500 },
    );
  });
});
