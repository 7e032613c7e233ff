import semver from "semver";
import { PluginError } from "./plugin-errors.js";

/** A package to install from the registry: an npm package name and a semver version or range. */
export interface PackageRef {
  name: string;
  range: string;
}

// npm's rules for new package names (validate-npm-package-name): lowercase, URL-safe characters only, no
// leading dot or underscore, an optional `@scope/`, at most 214 characters. Nothing else can reach a URL.
const NPM_NAME = /^(?:@[a-z0-9-][a-z0-9._-]*\/)?[a-z0-9-][a-z0-9._-]*$/;
const MAX_NAME = 214;
const MAX_RANGE = 256;

function invalid(field: "name" | "range", message: string): never {
  throw new PluginError("HOST_ERR_PACKAGE_REF_INVALID", message, [field]);
}

/** Checks a package name against npm's naming rules; answers it unchanged. */
export function validPackageName(name: string): string {
  if (name.length === 0 || name.length > MAX_NAME || !NPM_NAME.test(name)) {
    invalid("name", `"${name.slice(0, 80)}" is not an npm package name (lowercase letters, digits, "-", "." and "_", optionally as @scope/name).`);
  }
  return name;
}

/** Checks a semver version or range (`1.2.0`, `^1.2.0`, `>=1 <3`, `*`); answers it unchanged. */
export function validRange(range: string): string {
  if (range.length === 0 || range.length > MAX_RANGE || semver.validRange(range) === null) {
    invalid("range", `"${range.slice(0, 80)}" is not a semver version or range (for example 1.2.0 or ^1.2.0).`);
  }
  return range;
}

/**
 * Reads what an install request names: `{name, range}` as separate fields, or `{ref: "name@range"}` (a bare
 * name means any version). Both parts are validated before anything is requested.
 *
 * @throws PluginError HOST_ERR_PACKAGE_REF_INVALID naming the field that is wrong.
 */
export function parsePackageRef(input: { ref?: unknown; name?: unknown; range?: unknown }): PackageRef {
  if (input.name !== undefined || input.range !== undefined) {
    if (typeof input.name !== "string") invalid("name", 'Send {name: "@scope/name", range: "^1.0.0"} or {ref: "@scope/name@^1.0.0"}.');
    if (input.range !== undefined && typeof input.range !== "string") invalid("range", "range must be a string such as ^1.0.0.");
    return { name: validPackageName(input.name), range: validRange(input.range ?? "*") };
  }
  if (typeof input.ref !== "string" || input.ref === "") invalid("name", 'Send {name, range}, {ref: "name@range"}, or upload a .tgz file.');
  // A scoped name starts with "@": the version separator is the next "@" after it.
  const at = input.ref.indexOf("@", 1);
  const name = at === -1 ? input.ref : input.ref.slice(0, at);
  const range = at === -1 ? "*" : input.ref.slice(at + 1);
  return { name: validPackageName(name), range: validRange(range) };
}

/** The path of a package's metadata on the registry, escaped as npm escapes it (`/@scope%2fname`). */
export function packumentPath(name: string): string {
  return `/${encodeURIComponent(validPackageName(name)).replace(/^%40/, "@")}`;
}

/** The path of one version's tarball on the registry (the registry's own tarball URLs have this form). */
export function tarballPath(name: string, version: string): string {
  if (semver.valid(version) === null) invalid("range", `"${version.slice(0, 80)}" is not a semver version.`);
  return `/v1/tarballs/${encodeURIComponent(validPackageName(name))}/${encodeURIComponent(version)}`;
}
