// A read-only npm registry over a node_modules tree: the default registry for tests that run npm
// outside the repository without the internet. Each package folder is served as one version; its
// tarball is packed when its packument is first asked for. Scoped @archnest packages are not here:
// those come from the ArchNest registry under test, as an author's .npmrc routes them.
import { createHash } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import * as tar from "tar";

interface Found {
  dir: string;
  pkg: Record<string, unknown>;
}

interface Packed {
  bytes: Buffer;
  integrity: string;
  shasum: string;
}

export interface NpmMirror {
  url: string;
  close(): Promise<void>;
}

function index(root: string, into = new Map<string, Map<string, Found>>()): Map<string, Map<string, Found>> {
  if (!existsSync(root)) return into;
  for (const entry of readdirSync(root)) {
    if (entry.startsWith(".")) continue;
    const dirs = entry.startsWith("@") ? readdirSync(join(root, entry)).map((n) => join(root, entry, n)) : [join(root, entry)];
    for (const dir of dirs) {
      // Workspace links (the packages under test) are left out: they come from the registry under test.
      if (lstatSync(dir).isSymbolicLink() || !existsSync(join(dir, "package.json"))) continue;
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Record<string, unknown>;
      if (typeof pkg.name === "string" && typeof pkg.version === "string") {
        const versions = into.get(pkg.name) ?? new Map<string, Found>();
        if (!versions.has(pkg.version)) versions.set(pkg.version, { dir, pkg });
        into.set(pkg.name, versions);
      }
      index(join(dir, "node_modules"), into);
    }
  }
  return into;
}

async function pack(dir: string): Promise<Packed> {
  const files = readdirSync(dir).filter((f) => f !== "node_modules");
  const chunks: Buffer[] = [];
  const stream = tar.c(
    { cwd: dir, gzip: true, portable: true, prefix: "package/", filter: (p) => !p.includes("/node_modules/") && !p.startsWith("node_modules/") },
    files,
  );
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  const bytes = Buffer.concat(chunks);
  return { bytes, integrity: `sha512-${createHash("sha512").update(bytes).digest("base64")}`, shasum: createHash("sha1").update(bytes).digest("hex") };
}

/**
 * Serves `nodeModules` (and every nested node_modules) as an npm registry on 127.0.0.1.
 *
 * @example
 * ```ts
 * const mirror = await startNpmMirror("/repo/node_modules");
 * // npm_config_registry = mirror.url
 * ```
 */
export async function startNpmMirror(nodeModules: string, opts: { tarballs?: readonly string[] } = {}): Promise<NpmMirror> {
  const tree = index(nodeModules);
  const packed = new Map<string, Promise<Packed>>();
  // Packages published to the public registry as npm tarballs (an unscoped package of ours, say).
  for (const file of opts.tarballs ?? []) {
    let text = "";
    tar.t({ file, sync: true, filter: (p) => p === "package/package.json", onReadEntry: (e) => e.on("data", (c: Buffer) => (text += c.toString())) });
    const pkg = JSON.parse(text) as { name: string; version: string };
    const bytes = readFileSync(file);
    tree.set(pkg.name, new Map([[pkg.version, { dir: file, pkg }]]));
    packed.set(
      `${pkg.name}@${pkg.version}`,
      Promise.resolve({
        bytes,
        integrity: `sha512-${createHash("sha512").update(bytes).digest("base64")}`,
        shasum: createHash("sha1").update(bytes).digest("hex"),
      }),
    );
  }
  const packedOf = (name: string, version: string, dir: string) => {
    const key = `${name}@${version}`;
    let p = packed.get(key);
    if (!p) {
      p = pack(dir);
      packed.set(key, p);
    }
    return p;
  };
  let base = "";
  const server: Server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname).slice(1);
      const tarball = /^(.+)\/-\/(.+)@([^@/]+)\.tgz$/.exec(path);
      if (tarball) {
        const [, name = "", , version = ""] = tarball;
        const found = tree.get(name)?.get(version);
        if (!found) return void res.writeHead(404).end();
        const { bytes } = await packedOf(name, version, found.dir);
        res.writeHead(200, { "content-type": "application/octet-stream", "content-length": bytes.length }).end(bytes);
        return;
      }
      const versions = tree.get(path);
      if (!versions) {
        res.writeHead(404, { "content-type": "application/json" }).end('{"error":"Not found"}');
        return;
      }
      const out: Record<string, unknown> = {};
      let latest = "";
      for (const [version, found] of versions) {
        const p = await packedOf(path, version, found.dir);
        const file = `${path.replace(/^@[^/]+\//, "")}@${version}.tgz`;
        out[version] = { ...found.pkg, _id: `${path}@${version}`, dist: { tarball: `${base}/${path}/-/${file}`, integrity: p.integrity, shasum: p.shasum } };
        if (!latest || version.localeCompare(latest, undefined, { numeric: true }) > 0) latest = version;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ name: path, "dist-tags": { latest }, versions: out }));
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
