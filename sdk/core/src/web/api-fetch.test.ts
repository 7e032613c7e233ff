import { afterEach, describe, expect, it, vi } from "vitest";
import { apiFetch, onUnauthorized, pluginApi, setCsrfToken } from "./api-fetch.js";
import { ApiError, isModuleRequired, ModuleRequiredError } from "./errors.js";

function answer(status: number, body?: unknown) {
  const calls: { url: string; init: RequestInit }[] = [];
  vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(body === undefined ? null : JSON.stringify(body), { status });
  });
  return calls;
}

afterEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken(undefined);
  onUnauthorized(undefined);
});

describe("apiFetch", () => {
  it("sends the CSRF token on changes but not on reads", async () => {
    setCsrfToken("tok");
    const calls = answer(200, { ok: true });
    await apiFetch("/api/x");
    await apiFetch("/api/x", { method: "POST", json: { a: 1 } });
    expect(new Headers(calls[0]?.init.headers).get("x-archnest-csrf")).toBeNull();
    const post = new Headers(calls[1]?.init.headers);
    expect(post.get("x-archnest-csrf")).toBe("tok");
    expect(post.get("content-type")).toBe("application/json");
    expect(calls[1]?.init.body).toBe('{"a":1}');
  });

  it("turns a 402 module_required into a ModuleRequiredError", async () => {
    answer(402, { error: "module_required", module: "unlimited-bookmarks", price: "$5", purchaseUrl: "/settings/store#unlimited-bookmarks" });
    const error = await apiFetch("/api/plugins/bookmarks/items", { method: "POST" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleRequiredError);
    expect(isModuleRequired(error)).toBe(true);
    expect((error as ModuleRequiredError).module).toBe("unlimited-bookmarks");
  });

  it("carries the host's error code and message", async () => {
    answer(409, { error: "HOST_ERR_PERMISSIONS_NOT_ACCEPTED", message: "accept them", permissions: ["docker"] });
    const error = (await apiFetch("/api/plugins/install", { method: "POST" }).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect([error.status, error.code, error.message]).toEqual([409, "HOST_ERR_PERMISSIONS_NOT_ACCEPTED", "accept them"]);
    expect(isModuleRequired(error)).toBe(false);
  });

  it("reports an expired session once signed in, but not a wrong password", async () => {
    setCsrfToken("tok");
    const expired = vi.fn();
    onUnauthorized(expired);
    answer(401, { error: "HOST_ERR_UNAUTHENTICATED" });
    await apiFetch("/api/auth/password", { method: "POST" }).catch(() => undefined);
    expect(expired).not.toHaveBeenCalled();
    await apiFetch("/api/plugins").catch(() => undefined);
    expect(expired).toHaveBeenCalledOnce();
  });

  it("prefixes a plugin's own routes", async () => {
    const calls = answer(200, []);
    await pluginApi("notes")("items");
    expect(calls[0]?.url).toBe("/api/plugins/notes/items");
  });
});
