#!/usr/bin/env node
// Packs the npm packages people install (@archnest/sdk, @archnest/plugin-cli, @archnest/create-plugin,
// create-archnest-plugin, and the Docker push agent @archnest/docker-agent) into a registry's library folder, as `npm start` does for its local registry: `node scripts/pack-libraries.mjs
// DIR`. Run after `npm run build` (the packages ship their dist).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { packFileList, writeTarball } from "@archnest/sdk/node";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The workspaces published as npm libraries, dependencies first. */
export const LIBRARIES = ["sdk/core", "sdk/cli", "sdk/create-plugin", "sdk/create-archnest-plugin", "plugins/docker-push-agent/agent"];

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
    const files = await packFileList(dir);
    const stage = mkdtempSync(join(tmpdir(), "archnest-library-"));
    try {
      for (const file of files) cpSync(join(dir, file), join(stage, file), { recursive: false });
      writeFileSync(join(stage, "package.json"), `${JSON.stringify(publishedPackageJson(pkg), null, 2)}\n`);
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
