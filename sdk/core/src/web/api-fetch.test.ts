import { afterEach, describe, expect, it, vi } from "vitest";
import { apiFetch, onUnauthorized, pluginApi, setCsrfToken } from "./api-fetch.js";
import { ApiError, describeError, isModuleRequired, ModuleRequiredError } from "./errors.js";

function answer(status: number, body?: unknown, headers?: Record<string, string>) {
  const calls: { url: string; init: RequestInit }[] = [];
  vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(body === undefined ? null : JSON.stringify(body), { status, ...(headers && { headers }) });
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

  it("reads the one wire shape: the request id of the body, else of the X-Request-Id header, and shows it with the message", async () => {
    answer(404, { error: "TUNNELS_ERR_NOT_FOUND", message: "No such tunnel.", requestId: "req-from-body" }, { "x-request-id": "req-from-header" });
    const error = (await apiFetch("/api/plugins/tunnels/tunnels/x").catch((e: unknown) => e)) as ApiError;
    expect([error.code, error.message, error.requestId]).toEqual(["TUNNELS_ERR_NOT_FOUND", "No such tunnel.", "req-from-body"]);
    expect(describeError(error)).toBe("No such tunnel. (request req-from-body)");

    answer(502, "Bad Gateway", { "x-request-id": "req-from-header" });
    const bare = (await apiFetch("/api/x").catch((e: unknown) => e)) as ApiError;
    expect([bare.code, bare.requestId]).toEqual(["HTTP_502", "req-from-header"]);

    answer(402, { error: "module_required", message: "needs it", requestId: "req-402", module: "tmux", price: "$5", purchaseUrl: "/settings/store#tmux" });
    const locked = (await apiFetch("/api/plugins/tmux/x").catch((e: unknown) => e)) as ModuleRequiredError;
    expect([locked.module, locked.requestId]).toEqual(["tmux", "req-402"]);
    expect(describeError(new Error("plain"))).toBe("plain");
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
