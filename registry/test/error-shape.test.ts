// Every error the registry answers over HTTP has the one wire shape {error, message, requestId}; the
// request id is the X-Request-Id header and the id of the request's log line. `code` still repeats `error`
// for hosts before SDK 1.1.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, type ServedRegistry, serveRegistry, startRegistry, type TestRegistry } from "./helpers.js";

let reg: TestRegistry;
let served: ServedRegistry;

beforeAll(async () => {
  reg = await startRegistry({ adminToken: ADMIN_TOKEN });
  served = await serveRegistry(reg);
}, 60_000);

afterAll(async () => {
  await served?.close();
  await reg?.cleanup();
});

async function errorOf(res: Response, status: number, code: string): Promise<Record<string, unknown>> {
  expect(res.status).toBe(status);
  const body = (await res.json()) as Record<string, unknown>;
  const requestId = res.headers.get("x-request-id");
  expect(requestId).toMatch(/\S{8,}/);
  expect(body).toMatchObject({ error: code, message: expect.stringMatching(/\S/), requestId, code });
  return body;
}

describe("the registry's error wire shape", () => {
  it("is the same for unknown routes, bad paths, bad bodies, missing tokens and unsigned install requests", async () => {
    await errorOf(await served.request("/v1/no/such/route"), 404, "REG_ERR_NOT_FOUND");
    await errorOf(await served.request("/v1/modules/%ff"), 400, "REG_ERR_BAD_PATH");
    await errorOf(
      await served.request("/v1/installs", { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" }),
      400,
      "REG_ERR_BAD_REQUEST",
    );
    await errorOf(await served.request("/v1/packages", { method: "PUT", body: "x" }), 401, "REG_ERR_AUTH");
    await errorOf(await served.request("/v1/admin/authors", { method: "POST", body: "{}" }), 401, "REG_ERR_ADMIN_AUTH");
    await errorOf(await served.request("/v1/license", { method: "POST", body: "{}" }), 401, "REG_ERR_INSTALL_UNSIGNED");
  });

  it("keeps a caller's safe X-Request-Id in the body and the log line", async () => {
    const res = await served.request("/v1/no/such/route", { headers: { "x-request-id": "trace-registry-42" } });
    expect((await errorOf(res, 404, "REG_ERR_NOT_FOUND")).requestId).toBe("trace-registry-42");
    expect(reg.logs).toContainEqual(expect.objectContaining({ msg: "request", requestId: "trace-registry-42", status: 404 }));
  });
});
