import { describe, expect, expectTypeOf, it } from "vitest";
import { CodedError, defineErrors, errorBody, errorResponse, isCodedError } from "./define-errors.js";
import { SdkError, SdkErrors } from "./index.js";

const DockerErrors = defineErrors("DOCKER_ERR", {
  NOT_FOUND: { status: 404, message: "The engine has no such container.", hint: "It was removed; reload." },
  ENGINE: { message: "The engine failed." },
});

describe("defineErrors", () => {
  it("prefixes every key into a typed code and keeps the table's order, status, message and hint", () => {
    expect(DockerErrors.codes).toEqual({ NOT_FOUND: "DOCKER_ERR_NOT_FOUND", ENGINE: "DOCKER_ERR_ENGINE" });
    expectTypeOf(DockerErrors.codes.NOT_FOUND).toEqualTypeOf<"DOCKER_ERR_NOT_FOUND">();
    expect(Object.keys(DockerErrors.table)).toEqual(["DOCKER_ERR_NOT_FOUND", "DOCKER_ERR_ENGINE"]);
    expect(DockerErrors.table.DOCKER_ERR_ENGINE).toEqual({ status: 500, message: "The engine failed.", hint: undefined });
    expect(defineErrors("X_ERR", { A: { message: "a" } }, { status: 422 }).table.X_ERR_A.status).toBe(422);
  });

  it("makes errors with the catalogue's status and message unless the caller gives its own", () => {
    const err = DockerErrors.create("DOCKER_ERR_NOT_FOUND");
    expect(err).toBeInstanceOf(CodedError);
    expect(err).toBeInstanceOf(DockerErrors.Error);
    expect([err.code, err.status, err.message, err.hint]).toEqual([
      "DOCKER_ERR_NOT_FOUND",
      404,
      "The engine has no such container.",
      "It was removed; reload.",
    ]);
    const own = new DockerErrors.Error("DOCKER_ERR_ENGINE", "No answer from unix:///var/run/docker.sock.", { status: 504, cause: new Error("ETIMEDOUT") });
    expect([own.status, own.message]).toEqual([504, "No answer from unix:///var/run/docker.sock."]);
    expect(DockerErrors.is(own)).toBe(true);
    expect(DockerErrors.is(own, "DOCKER_ERR_NOT_FOUND")).toBe(false);
    expect(SdkErrors.is(own)).toBe(false);
  });

  it("refuses a code outside its table, a bad prefix or key, and a status that is not an error", () => {
    expect(() => DockerErrors.create("DOCKER_ERR_NOPE" as "DOCKER_ERR_ENGINE")).toThrow(/not a code of the DOCKER_ERR catalogue/);
    expect(() => defineErrors("docker", { A: { message: "a" } })).toThrow(TypeError);
    expect(() => defineErrors("D_ERR", { "not-upper": { message: "a" } })).toThrow(TypeError);
    expect(() => defineErrors("D_ERR", { OK: { status: 200, message: "a" } })).toThrow(/not 4xx or 5xx/);
  });

  it("recognises an error made by another copy of the SDK by its registered brand, not its class", () => {
    const foreign = new Error("from a plugin bundle");
    Object.defineProperty(foreign, Symbol.for("archnest.coded-error"), { value: true });
    expect(isCodedError(foreign)).toBe(true);
    expect(isCodedError(Object.assign(new Error("x"), { code: "DOCKER_ERR_ENGINE", status: 502 }))).toBe(false);
    expect(isCodedError(new SdkError("SDK_ERR_IO", "gone"))).toBe(true);
  });
});

describe("the wire shape", () => {
  it("puts error, message and requestId first, then details and extra fields that cannot replace them", () => {
    const err = DockerErrors.create("DOCKER_ERR_NOT_FOUND", "No container abc.", {
      details: ["abc"],
      extra: { source: "local", error: "forged", requestId: "forged" },
    });
    expect(errorBody(err, "req-12345678")).toEqual({
      error: "DOCKER_ERR_NOT_FOUND",
      message: "No container abc.",
      requestId: "req-12345678",
      details: ["abc"],
      source: "local",
    });
  });

  it("answers a plugin's coded error with its status and headers, and anything else without leaking it", async () => {
    const coded = errorResponse(DockerErrors.create("DOCKER_ERR_NOT_FOUND", undefined, { headers: { "retry-after": "3" } }), "req-12345678");
    expect(coded.status).toBe(404);
    expect(coded.headers.get("retry-after")).toBe("3");
    expect(coded.headers.get("x-request-id")).toBe("req-12345678");
    expect(await coded.json()).toEqual({ error: "DOCKER_ERR_NOT_FOUND", message: "The engine has no such container.", requestId: "req-12345678" });

    const leaked = errorResponse(new Error("SQLITE_ERROR at /srv/secret.ts"), "req-12345678");
    expect(leaked.status).toBe(500);
    const text = await leaked.text();
    expect(JSON.parse(text)).toMatchObject({ error: "HOST_ERR_INTERNAL", requestId: "req-12345678" });
    expect(text).not.toContain("SQLITE");

    const fallback = errorResponse(new Error("boom"), "req-12345678", DockerErrors.create("DOCKER_ERR_ENGINE"));
    expect([fallback.status, ((await fallback.json()) as { error: string }).error]).toEqual([500, "DOCKER_ERR_ENGINE"]);
  });
});
