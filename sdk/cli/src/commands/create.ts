import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createKeyring, SdkError } from "@archnest/sdk";
import { writeKeyPairFiles } from "@archnest/sdk/node";
import type { Args } from "../args.js";
import { type CliIo, line } from "../io.js";

/**
 * The template is a real plugin named `@me/my-plugin` that this repository typechecks and tests; `create`
 * copies it and renames it. Same depth from src/commands and dist/commands, so one path serves both.
 */
export const TEMPLATE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../templates/plugin");

// npm publishes neither .gitignore files nor, by convention, dot folders: the template keeps them
// under plain names and `create` restores the dots.
const RENAMES: Record<string, string> = { gitignore: ".gitignore", github: ".github" };

const NAME = /^[a-z0-9][a-z0-9-]{0,38}$/;
const SCOPE = /^@[a-z0-9][a-z0-9-._]{0,38}$/;

function words(id: string): string[] {
  return id.split("-").filter(Boolean);
}

/** Splits `@scope/name` or `name` (with --scope, else `@me`) into its parts, refusing what npm would. */
export function parseTarget(target: string, scopeOption: string | undefined): { scope: string; name: string } {
  const scoped = /^(@[^/]+)\/(.+)$/.exec(target);
  const scope = scoped?.[1] ?? scopeOption ?? "@me";
  const name = scoped?.[2] ?? basename(target);
  if (!NAME.test(name)) {
    throw new SdkError(
      "SDK_ERR_USAGE",
      `"${name}" cannot be a plugin name: use lowercase letters, digits and dashes (at most 39), starting with a letter or digit.`,
    );
  }
  if (!SCOPE.test(scope)) throw new SdkError("SDK_ERR_USAGE", `"${scope}" is not an npm scope: write it as @yourname.`);
  return { scope, name };
}

function copyTemplate(from: string, to: string, replace: (text: string) => string): string[] {
  const written: string[] = [];
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist") continue;
    const source = join(from, entry.name);
    const target = join(to, RENAMES[entry.name] ?? entry.name);
    if (entry.isDirectory()) {
      mkdirSync(target, { recursive: true });
      written.push(...copyTemplate(source, target, replace));
    } else {
      writeFileSync(target, replace(readFileSync(source, "utf8")));
      written.push(target);
    }
  }
  return written;
}

/**
 * `archnest-plugin create [@scope/]NAME [--scope @scope]`: a TypeScript plugin with a server route, a
 * Solid page and a Glance widget, settings, a test on the SDK harness, a release workflow, and a
 * development trust chain in `keys/` (git-ignored) with the keyring that binds the release key to the scope.
 */
export function create(args: Args, io: CliIo): number {
  const json = Boolean(args.values.json);
  const target = args.positionals[1];
  if (!target) throw new SdkError("SDK_ERR_USAGE", "Usage: archnest-plugin create [@scope/]NAME [--scope @scope]");
  const scopeOption = Array.isArray(args.values.scope) ? args.values.scope[0] : undefined;
  const { scope, name } = parseTarget(target, scopeOption);
  const dir = resolve(io.cwd, target.startsWith("@") ? name : target);
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0)) {
    throw new SdkError("SDK_ERR_CREATE_TARGET_EXISTS", `${dir} already exists and is not empty; create writes into a new folder.`);
  }
  const title = words(name)
    .map((w, i) => (i === 0 ? w[0]?.toUpperCase() + w.slice(1) : w))
    .join(" ");
  const pascal = words(name)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join("");
  // Longest tokens first: "@me/my-plugin" holds "my-plugin".
  const upper = name.toUpperCase().replaceAll("-", "_");
  const replace = (text: string) =>
    text
      .replaceAll("@me/my-plugin", `${scope}/${name}`)
      .replaceAll("MyPlugin", pascal)
      .replaceAll("MY_PLUGIN", upper)
      .replaceAll("My plugin", title)
      .replaceAll("my-plugin", name);

  mkdirSync(dir, { recursive: true });
  const files = copyTemplate(TEMPLATE_DIR, dir, replace);

  // The author's own trust chain: the root signs only the keyring, the release key signs packages in
  // the scope. Both private keys are git-ignored; CI gets the release key from a secret.
  const keysDir = join(dir, "keys");
  const root = writeKeyPairFiles(keysDir, "root");
  const release = writeKeyPairFiles(keysDir, "release");
  const keyring = createKeyring([root.key], { keys: [{ key: release.key, name: "release", roles: ["release"], scopes: [`${scope}/*`] }] });
  writeFileSync(join(dir, "keyring.json"), `${JSON.stringify(keyring, null, 2)}\n`);

  if (json) {
    line(io.stdout, JSON.stringify({ ok: true, dir, name: `${scope}/${name}`, fingerprint: root.key.keyid, files: files.map((f) => relative(dir, f)) }));
    return 0;
  }
  line(io.stdout, `Created ${scope}/${name} in ${dir}`);
  line(io.stdout, `  your fingerprint: ${root.key.keyid}`);
  line(io.stdout, "  keys/root.key signs only keyring.json: keep it offline; keys/release.key signs releases (CI secret ARCHNEST_SIGNING_KEY).");
  line(io.stdout);
  line(io.stdout, "Next:");
  line(io.stdout, `  cd ${relative(io.cwd, dir) || "."} && npm install`);
  line(io.stdout, "  npm test");
  line(io.stdout, "  npx archnest-plugin publish --registry URL      build, pack, sign and publish");
  line(io.stdout, "  npx archnest-plugin install --host URL --user NAME   trust yourself and install it on a host");
  return 0;
}
