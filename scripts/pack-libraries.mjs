#!/usr/bin/env node
// Packs the npm packages people install (@archnest/sdk, @archnest/plugin-cli, @archnest/create-plugin,
// create-archnest-plugin, the Docker push agent @archnest/docker-agent, and @archnest/host with its
// test harness and program) into a registry's library folder, as `npm start` does for its
// local registry: `node scripts/pack-libraries.mjs DIR`. Run after `npm run build` (the packages ship
// their dist).
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { packFileList, writeTarball } from "@archnest/sdk/node";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The workspaces published as npm libraries, dependencies first. */
export const LIBRARIES = ["sdk/core", "sdk/cli", "sdk/create-plugin", "sdk/create-archnest-plugin", "plugins/docker-push-agent/agent", "host"];

/**
 * Libraries published other than as their workspace. The host is published whole: its library entries
 * (`@archnest/host`, and `@archnest/host/testing`, the harness first-party plugins test with), and the
 * `archnest-host` program that `archnest-plugin dev` starts (the bundled dist/main.js), with its database
 * migrations, the web app and the official trust roots. The web app's static file server, which the host
 * imports from the unpublished web workspace, goes along in dist/vendor/.
 */
const LAYOUTS = {
  host: {
    /** [from, relative to the repository; to, in the package; files left out] */
    files: [
      ["host/dist", "dist"],
      ["host/drizzle", "drizzle"],
      ["host/core-plugins/README.md", "core-plugins/README.md"],
      ["host/PACKAGE.md", "README.md"],
      ["web/dist", "web", (f) => f.startsWith("server/")],
      ["web/dist/server", "dist/vendor/web-serve", (f) => !f.endsWith(".js") && !f.endsWith(".d.ts")],
      ["signing-keys/root.pub", "signing-keys/root.pub"],
      ["signing-keys/keyring.json", "signing-keys/keyring.json"],
    ],
    /** The staged files that import the web workspace, pointed at the vendored copy. */
    rewrite: { "dist/boot.js": ["@archnest/web/serve", "./vendor/web-serve/index.js"] },
    /** @param {Record<string, any>} pkg */
    packageJson: (pkg) => {
      const { "@archnest/web": _web, ...dependencies } = pkg.dependencies;
      return {
        name: pkg.name,
        version: pkg.version,
        description: pkg.description,
        type: "module",
        license: "Apache-2.0",
        bin: { "archnest-host": "dist/main.js" },
        exports: publishedPackageJson(pkg).exports,
        engines: { node: ">=20.19" },
        // The test harness drives chromium through playwright-core (which downloads no browser).
        dependencies: { ...dependencies, "playwright-core": pkg.devDependencies["playwright-core"] },
      };
    },
  },
};

/** Every file under `dir`, relative to it. @param {string} dir @returns {string[]} */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => statSync(join(dir, f)).isFile());
}

/**
 * Stages a library laid out by {@link LAYOUTS}. @param {string} stage @param {(typeof LAYOUTS)["host"]} layout
 * @returns {string[]} the staged files
 */
function stageLayout(stage, layout) {
  const files = [];
  for (const [from, to, skip] of layout.files) {
    const source = join(ROOT, from);
    const relatives = statSync(source).isDirectory()
      ? filesUnder(source)
          .filter((f) => !skip?.(f))
          .map((f) => [join(source, f), join(to, f)])
      : [[source, to]];
    for (const [src, dest] of relatives) {
      mkdirSync(dirname(join(stage, dest)), { recursive: true });
      cpSync(src, join(stage, dest));
      files.push(dest);
    }
  }
  for (const [file, [from, to]] of Object.entries(layout.rewrite)) {
    const text = readFileSync(join(stage, file), "utf8");
    if (!text.includes(from)) throw new Error(`${file} no longer imports ${from}: update LAYOUTS`);
    writeFileSync(join(stage, file), text.replaceAll(`"${from}"`, `"${to}"`));
  }
  return files;
}

/**
 * The package.json as published: the `archnest-source` export condition points at TypeScript sources
 * that only this repository has, so it is left out, and the package resolves to its built dist.
 * @param {Record<string, unknown>} pkg
 */
export function publishedPackageJson(pkg) {
  /** @param {unknown} node @returns {unknown} */
  const strip = (node) => {
    if (typeof node !== "object" || node === null || Array.isArray(node)) return node;
    return Object.fromEntries(
      Object.entries(node)
        .filter(([key]) => key !== "archnest-source")
        .map(([key, value]) => [key, strip(value)]),
    );
  };
  return { ...pkg, ...(pkg.exports !== undefined && { exports: strip(pkg.exports) }) };
}

/**
 * Packs each library as `npm pack` would choose its files, into `outDir` under npm's file names
 * (`archnest-sdk-1.1.0.tgz`). Returns what it wrote.
 * @param {string} outDir
 * @returns {Promise<{ name: string, version: string, file: string }[]>}
 */
export async function packLibraries(outDir) {
  mkdirSync(outDir, { recursive: true });
  const written = [];
  for (const workspace of LIBRARIES) {
    const dir = join(ROOT, workspace);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const layout = LAYOUTS[/** @type {keyof typeof LAYOUTS} */ (workspace)];
    const stage = mkdtempSync(join(tmpdir(), "archnest-library-"));
    try {
      let files;
      if (layout) files = [...stageLayout(stage, layout), "package.json"];
      else {
        files = await packFileList(dir);
        for (const file of files) cpSync(join(dir, file), join(stage, file), { recursive: false });
      }
      writeFileSync(join(stage, "package.json"), `${JSON.stringify(layout ? layout.packageJson(pkg) : publishedPackageJson(pkg), null, 2)}\n`);
      const file = join(outDir, `${String(pkg.name).replace(/^@/, "").replace("/", "-")}-${pkg.version}.tgz`);
      await writeTarball(stage, files, file);
      written.push({ name: pkg.name, version: pkg.version, file });
    } finally {
      rmSync(stage, { recursive: true, force: true });
    }
  }
  return written;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) {
    console.error("Usage: node scripts/pack-libraries.mjs DIR");
    process.exit(2);
  }
  for (const { name, version, file } of await packLibraries(resolve(out))) console.log(`${name}@${version} -> ${file}`);
}
