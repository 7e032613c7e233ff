import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { definePlugin } from "../plugin/index.js";
import { createTestContext } from "./index.js";

const noop = definePlugin({ setup() {} });

async function failure(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (e) {
    return (e as { code?: unknown }).code;
  }
  return "no error";
}

describe("createTestContext's ctx.fetch and ctx.docker", () => {
  it("refuses both to a plugin that declared neither", async () => {
    const { ctx } = await createTestContext(noop, { permissions: ["storage"], fetch: async () => new Response("sent") });
    expect(await failure(() => ctx.fetch("https://api.example.com/"))).toBe("SDK_ERR_CAPABILITY_UNDECLARED");
    expect(await failure(() => ctx.docker.connect({ kind: "unix", socketPath: "/var/run/docker.sock" }))).toBe("SDK_ERR_CAPABILITY_UNDECLARED");
    expect(await failure(() => ctx.docker.agent({ kind: "unix", socketPath: "/var/run/docker.sock" }))).toBe("SDK_ERR_CAPABILITY_UNDECLARED");
  });

  it("hands requests to declared hosts to the given fetch and refuses the others with the host's code", async () => {
    const asked: string[] = [];
    const { ctx } = await createTestContext(noop, {
      permissions: ["net:outbound:api.example.com", "net:outbound:*.cdn.example:8443"],
      fetch: async (url) => {
        asked.push(String(url));
        return new Response("ok");
      },
    });
    expect(await (await ctx.fetch("https://api.example.com/v1")).text()).toBe("ok");
    expect(await (await ctx.fetch("https://a.cdn.example:8443/x")).text()).toBe("ok");
    expect(await failure(() => ctx.fetch("https://api.example.com:8443/"))).toBe("HOST_ERR_FETCH_HOST_UNDECLARED");
    expect(await failure(() => ctx.fetch("https://cdn.example:8443/"))).toBe("HOST_ERR_FETCH_HOST_UNDECLARED");
    expect(await failure(() => ctx.fetch("https://evil.example/"))).toBe("HOST_ERR_FETCH_HOST_UNDECLARED");
    expect(asked).toEqual(["https://api.example.com/v1", "https://a.cdn.example:8443/x"]);
  });

  it("connects ctx.docker for real by default and closes the connection on dispose", async () => {
    const dir = mkdtempSync(join(tmpdir(), "an-test-docker-"));
    const socketPath = join(dir, "engine.sock");
    let open = 0;
    const engine = createServer((req, res) => res.end(req.url));
    engine.on("connection", (s) => {
      open++;
      s.on("close", () => open--);
    });
    await new Promise<void>((r) => engine.listen(socketPath, r));
    try {
      const t = await createTestContext(noop, { permissions: ["docker"] });
      const socket = await t.ctx.docker.connect({ kind: "unix", socketPath });
      socket.write("GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n");
      const reply = await new Promise<string>((r) => socket.once("data", (c: Buffer) => r(c.toString())));
      expect(reply).toMatch(/^HTTP\/1.1 200[\s\S]*\/_ping$/);
      expect(await failure(() => t.ctx.docker.connect({ kind: "unix", socketPath: join(dir, "none.sock") }))).toBe("HOST_ERR_DOCKER_UNREACHABLE");
      await t.dispose();
      await expect.poll(() => open).toBe(0);
    } finally {
      engine.closeAllConnections();
      await new Promise((r) => engine.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
