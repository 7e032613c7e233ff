// `archnest-plugin publish` against a registry listening on a loopback port.

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { main } from "@archnest/plugin-cli";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuthor, devBuy, makePlugin, registerInstall, signed, startRegistry, type TestRegistry } from "./helpers.js";

let reg: TestRegistry;
let server: ReturnType<typeof serve>;
let url: string;
let token: string;

function capture(isTTY = false) {
  let text = "";
  const stream = Object.assign(
    new Writable({
      write(chunk, _enc, cb) {
        text += chunk.toString();
        cb();
      },
    }),
    { isTTY, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true },
  );
  return { stream, text: () => text };
}

beforeAll(async () => {
  reg = await startRegistry({ devCheckout: true });
  token = await createAuthor(reg.app, ["@acme/*"]);
  server = serve({ fetch: reg.app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((r) => server.once("listening", () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await reg.cleanup();
});

describe("archnest-plugin publish", () => {
  it("streams a signed tarball to the registry with a progress bar on a terminal", async () => {
    const file = await makePlugin(reg.dir, { name: "@acme/big", version: "1.0.0", module: "free", key: reg.keys.thirdParty, padBytes: 2 * 1024 * 1024 });
    const out = capture();
    const err = capture(true);
    const code = await main(["publish", file, "--registry", url, "--token", token], { stdout: out.stream, stderr: err.stream, env: {}, cwd: reg.dir });
    expect(code).toBe(0);
    expect(out.text()).toContain("Published @acme/big@1.0.0");
    expect(err.text()).toMatch(/publish \[.*\] 100%/);
    const packument = await fetch(`${url}/@acme/big`);
    expect(((await packument.json()) as { "dist-tags": { latest: string } })["dist-tags"].latest).toBe("1.0.0");
  });

  it("reports the registry's refusal with its code, taking the token from the environment", async () => {
    const file = await makePlugin(reg.dir, { name: "@acme/unsigned", version: "1.0.0", module: "free", key: undefined });
    const out = capture();
    const code = await main(["publish", file, "--registry", url, "--json"], {
      stdout: out.stream,
      stderr: capture().stream,
      env: { ARCHNEST_REGISTRY_TOKEN: token },
      cwd: reg.dir,
    });
    expect(code).toBe(1);
    expect(JSON.parse(out.text())).toMatchObject({ ok: false, status: 422, code: "SDK_ERR_SIGNATURE_MISSING" });
  });

  it("streams a paid tarball over the socket to an install that bought it, and 402 to one that did not", async () => {
    const file = await makePlugin(reg.dir, { name: "@acme/vnc-extra", version: "1.0.0", module: "vnc", key: reg.keys.thirdParty, padBytes: 300_000 });
    expect(
      await main(["publish", file, "--registry", url, "--token", token], { stdout: capture().stream, stderr: capture().stream, env: {}, cwd: reg.dir }),
    ).toBe(0);
    const buyer = await registerInstall(reg.app);
    await devBuy(reg.app, buyer, "vnc");
    const path = "/v1/tarballs/%40acme%2Fvnc-extra/1.0.0";
    const res = await fetch(`${url}${path}`, { headers: signed(buyer, "GET", path).init.headers as Record<string, string> });
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.equals(readFileSync(file))).toBe(true);
    expect(res.headers.get("etag")).toBe(`"${createHash("sha256").update(bytes).digest("hex")}"`);
    expect(res.headers.get("x-request-id")).toBeTruthy();
    const stranger = await registerInstall(reg.app);
    const refused = await fetch(`${url}${path}`, { headers: signed(stranger, "GET", path).init.headers as Record<string, string> });
    expect(refused.status).toBe(402);
  });

  it("refuses to run without a token", async () => {
    const err = capture();
    const code = await main(["publish", "x.tgz", "--registry", url], { stdout: capture().stream, stderr: err.stream, env: {}, cwd: reg.dir });
    expect(code).toBe(2);
    expect(err.text()).toContain("--token");
  });
});
