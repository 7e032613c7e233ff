import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packAndSign } from "@archnest/sdk/testing";
import type { KeyPair } from "@archnest/sdk/trust";

/** A hand-written plugin for runtime tests: plain ESM whose default export has definePlugin's tag. */
export interface FixturePlugin {
  id: string;
  /** The name people see (the id when left out). */
  displayName?: string;
  name?: string;
  version?: string;
  module?: string;
  sdk?: string;
  permissions?: string[];
  dependencies?: Record<string, string>;
  /** Free caps the plugin declares (`archnest.limits`). */
  limits?: Record<string, { cap: number; module: string }>;
  /** What a paid plugin does without its license (`archnest.unlicensed`). */
  unlicensed?: "read-only";
  /** The body of `setup(ctx)`, as JavaScript. */
  setup?: string;
  /** Module-level JavaScript before the export (helpers, state). */
  prelude?: string;
  web?: string;
  slots?: { slot: string; id: string; component: string; title?: string }[];
  settings?: Record<string, unknown>;
}

/** Writes a fixture plugin folder and returns its path. */
export function writeFixturePlugin(p: FixturePlugin, root = mkdtempSync(join(tmpdir(), "archnest-fixture-"))): string {
  const dir = join(root, `${p.id}-${p.version ?? "1.0.0"}`);
  mkdirSync(dir, { recursive: true });
  const archnest: Record<string, unknown> = {
    id: p.id,
    displayName: p.displayName ?? p.id,
    module: p.module ?? "free",
    sdk: p.sdk ?? "^1.0.0",
    server: "server.js",
    permissions: p.permissions ?? [],
    dependencies: p.dependencies ?? {},
    ...(p.limits && { limits: p.limits }),
    ...(p.unlicensed && { unlicensed: p.unlicensed }),
  };
  if (p.web) {
    archnest.web = "web.js";
    archnest.contributes = { slots: p.slots ?? [], settings: p.settings ?? {} };
    writeFileSync(join(dir, "web.js"), p.web);
  } else if (p.settings) archnest.contributes = { settings: p.settings };
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: p.name ?? `@test/${p.id}`, version: p.version ?? "1.0.0", type: "module", archnest }, null, 2),
  );
  writeFileSync(join(dir, "server.js"), `${p.prelude ?? ""}\nexport default { $archnest: "plugin", sdk: "1.0.0", async setup(ctx) {\n${p.setup ?? ""}\n} };\n`);
  return dir;
}

/** Writes, packs and signs a fixture plugin; returns the tarball path. */
export async function fixtureTarball(p: FixturePlugin, key: KeyPair): Promise<string> {
  const dir = writeFixturePlugin(p);
  return packAndSign(dir, key, join(dir, "..", `${p.id}-${p.version ?? "1.0.0"}.tgz`));
}

/** A fetch handler in plain JavaScript answering GET /hello with the plugin id (no bundler needed). */
export const HELLO_ROUTES = `ctx.routes.mount({ fetch: async (req, env) => {
  const url = new URL(req.url);
  if (url.pathname === "/hello") return Response.json({ hello: ctx.plugin.id, user: env.user.username });
  if (url.pathname === "/count") {
    const n = ((await ctx.storage.get("n")) ?? 0) + 1;
    await ctx.storage.set("n", n);
    return Response.json({ n });
  }
  if (url.pathname === "/secret") return Response.json({ has: (await ctx.secrets.get("k")) !== undefined });
  return new Response("not found", { status: 404 });
} });`;
