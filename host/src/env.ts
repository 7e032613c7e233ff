import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { HostError } from "./errors/index.js";
import { LOG_LEVELS, type LogLevel } from "./log/index.js";
import { HOST_PACKAGE_ROOT } from "./package-root.js";

/** Where the vault's master key comes from: the environment, or a key file (created on first boot). */
export type MasterKeySource = { source: "env"; key: Buffer } | { source: "file"; path: string };

/** The host's validated configuration; {@link loadEnv} builds it from ARCHNEST_* variables. */
export interface HostConfig {
  /** Absolute path of the data folder (database, plugins). */
  dataDir: string;
  /** TCP port to listen on; 0 picks a free one. */
  port: number;
  /** Address to listen on. */
  host: string;
  masterKey: MasterKeySource;
  /** Development mode (dev signing keys are trusted only here). */
  dev: boolean;
  logLevel: LogLevel;
  /** Trust X-Forwarded-For / X-Forwarded-Proto from a reverse proxy in front of the host. */
  trustProxy: boolean;
  /**
   * Host names (lower case, no port) the host answers to besides loopback names and IP addresses; a
   * request naming any other host is refused (DNS rebinding).
   */
  allowedHosts: ReadonlySet<string>;
  /** The registry (catalog, licenses, paid plugins); without one the host runs the free core only. */
  registryUrl: string | undefined;
  /** The official trust root and keyring (signing-keys/ unless overridden). */
  trust: { rootPub: string; keyring: string };
  /** A development root and keyring, trusted beside the official one in dev mode only. */
  devTrust: { rootPub: string; keyring: string } | undefined;
  /** Signed core plugins installed at first boot without a registry. */
  corePluginsDir: string;
  /** Where the built web app is served from. */
  webDir: string;
  /** The largest plugin package upload, in bytes. */
  maxUploadBytes: number;
  /** How many older versions of each plugin stay on disk for rollback. */
  pluginKeepVersions: number;
  /** Crash-test hook: the install step at which the process kills itself (never set in production). */
  faultAt: "after-stage" | "after-rename" | "before-commit" | undefined;
}

/** Folders shipped beside the host package (signing keys, core plugins, the web app). */
const REPO_ROOT = join(HOST_PACKAGE_ROOT, "..");

/**
 * Where something that ships with the host is: inside the host package when it carries it (the published
 * `@archnest/host` has `web/` and `signing-keys/`), else in the repository around it.
 */
function shipped(inPackage: string, inRepository: string): string {
  const packaged = join(HOST_PACKAGE_ROOT, inPackage);
  return existsSync(packaged) ? packaged : join(REPO_ROOT, inRepository);
}

export type EnvSource = Readonly<Record<string, string | undefined>>;

const MASTER_KEY = /^[A-Za-z0-9+/]{43}=?$/;

function fail(variable: string, problem: string): never {
  throw new HostError("HOST_ERR_CONFIG_INVALID", `${variable} ${problem}`, { details: [variable] });
}

function value(source: EnvSource, name: string): string | undefined {
  const v = source[name]?.trim();
  return v === undefined || v === "" ? undefined : v;
}

function parseBool(source: EnvSource, name: string): boolean {
  const v = value(source, name)?.toLowerCase();
  if (v === undefined) return false;
  if (["1", "true", "yes", "on"].includes(v)) return true;
  if (["0", "false", "no", "off"].includes(v)) return false;
  return fail(name, `must be 1/true or 0/false, got "${v}"`);
}

/** Decodes a master key given as base64 of exactly 32 bytes (what `openssl rand -base64 32` prints). */
export function decodeMasterKey(text: string, origin: string): Buffer {
  const t = text.trim();
  if (!MASTER_KEY.test(t)) throw new HostError("HOST_ERR_MASTER_KEY_INVALID", `${origin} must be the base64 encoding of exactly 32 bytes`);
  const key = Buffer.from(t, "base64");
  if (key.length !== 32) throw new HostError("HOST_ERR_MASTER_KEY_INVALID", `${origin} must be the base64 encoding of exactly 32 bytes`);
  return key;
}

/**
 * The default key file lives outside the data folder (docs/architecture.md section 5), so a copied or backed-up data
 * folder does not carry the key that opens its secrets; the name is derived from the data folder so
 * several installs on one machine keep separate keys.
 */
export function defaultMasterKeyFile(dataDir: string, source: EnvSource): string {
  const xdg = value(source, "XDG_CONFIG_HOME");
  const configHome = xdg !== undefined && isAbsolute(xdg) ? xdg : join(value(source, "HOME") ?? homedir(), ".config");
  const tag = createHash("sha256").update(dataDir).digest("hex").slice(0, 16);
  return join(configHome, "archnest", `master-${tag}.key`);
}

/**
 * Reads and validates the host's configuration. The only place the host reads the environment; tests pass
 * their own object.
 *
 * @throws HostError HOST_ERR_CONFIG_INVALID naming the variable that is wrong.
 */
export function loadEnv(source: EnvSource = process.env, cwd: string = process.cwd()): HostConfig {
  const dataDir = resolve(cwd, value(source, "ARCHNEST_DATA_DIR") ?? "./data");

  const portText = value(source, "ARCHNEST_PORT") ?? "8765";
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) fail("ARCHNEST_PORT", `must be a port number from 0 to 65535, got "${portText}"`);
  const port = Number(portText);

  const host = value(source, "ARCHNEST_HOST") ?? "127.0.0.1";
  if (!/^[A-Za-z0-9.:[\]%-]+$/.test(host)) fail("ARCHNEST_HOST", `must be an IP address or host name, got "${host}"`);

  const keyText = value(source, "ARCHNEST_MASTER_KEY");
  const keyFile = value(source, "ARCHNEST_MASTER_KEY_FILE");
  let masterKey: MasterKeySource;
  if (keyText !== undefined && keyFile !== undefined) fail("ARCHNEST_MASTER_KEY", "and ARCHNEST_MASTER_KEY_FILE are both set: set only one");
  if (keyText !== undefined) {
    try {
      masterKey = { source: "env", key: decodeMasterKey(keyText, "ARCHNEST_MASTER_KEY") };
    } catch {
      // The value itself is never echoed: it is (or is meant to be) a secret.
      fail("ARCHNEST_MASTER_KEY", "must be the base64 encoding of exactly 32 bytes (e.g. `openssl rand -base64 32`)");
    }
  } else {
    masterKey = { source: "file", path: keyFile !== undefined ? resolve(cwd, keyFile) : defaultMasterKeyFile(dataDir, source) };
  }

  const levelText = value(source, "ARCHNEST_LOG_LEVEL")?.toLowerCase() ?? "info";
  if (!(LOG_LEVELS as readonly string[]).includes(levelText)) fail("ARCHNEST_LOG_LEVEL", `must be one of ${LOG_LEVELS.join(", ")}, got "${levelText}"`);

  const dev = parseBool(source, "ARCHNEST_DEV");
  const registryUrl = value(source, "ARCHNEST_REGISTRY_URL");
  if (registryUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(registryUrl)) fail("ARCHNEST_REGISTRY_URL", `must be an http(s) URL, got "${registryUrl}"`);
  const devRoot = value(source, "ARCHNEST_DEV_TRUST_ROOT");
  const devKeyring = value(source, "ARCHNEST_DEV_TRUST_KEYRING");
  if ((devRoot === undefined) !== (devKeyring === undefined)) fail("ARCHNEST_DEV_TRUST_ROOT", "and ARCHNEST_DEV_TRUST_KEYRING must be set together");
  // A development root is trusted only in dev mode (docs/architecture.md section 3): refuse the combination loudly.
  if (devRoot !== undefined && !dev) fail("ARCHNEST_DEV_TRUST_ROOT", "is set but ARCHNEST_DEV is not: a development root is trusted only in dev mode");
  const allowedHosts = new Set<string>();
  for (const entry of (value(source, "ARCHNEST_ALLOWED_HOSTS") ?? "").split(",")) {
    const name = entry.trim().toLowerCase();
    if (name === "") continue;
    // Names only: a port or scheme here would never match and leave the person wondering why.
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(name)) {
      fail("ARCHNEST_ALLOWED_HOSTS", `must be a comma-separated list of host names without scheme or port, got "${entry.trim()}"`);
    }
    allowedHosts.add(name);
  }
  const uploadText = value(source, "ARCHNEST_MAX_UPLOAD_BYTES") ?? String(200 * 1024 * 1024);
  if (!/^\d{1,15}$/.test(uploadText) || Number(uploadText) < 1)
    fail("ARCHNEST_MAX_UPLOAD_BYTES", `must be a whole number of bytes above 0, got "${uploadText}"`);
  const keepText = value(source, "ARCHNEST_PLUGIN_KEEP_VERSIONS") ?? "3";
  if (!/^\d{1,2}$/.test(keepText)) fail("ARCHNEST_PLUGIN_KEEP_VERSIONS", `must be a whole number from 0 to 99, got "${keepText}"`);
  const faultText = value(source, "ARCHNEST_FAULT_AT");
  const faults = ["after-stage", "after-rename", "before-commit"] as const;
  if (faultText !== undefined && !(faults as readonly string[]).includes(faultText)) fail("ARCHNEST_FAULT_AT", `must be one of ${faults.join(", ")}`);

  return {
    dataDir,
    port,
    host,
    masterKey,
    dev,
    logLevel: levelText as LogLevel,
    trustProxy: parseBool(source, "ARCHNEST_TRUST_PROXY"),
    allowedHosts,
    registryUrl: registryUrl?.replace(/\/+$/, ""),
    trust: {
      rootPub: resolve(cwd, value(source, "ARCHNEST_TRUST_ROOT") ?? join(shipped("signing-keys", "signing-keys"), "root.pub")),
      keyring: resolve(cwd, value(source, "ARCHNEST_TRUST_KEYRING") ?? join(shipped("signing-keys", "signing-keys"), "keyring.json")),
    },
    devTrust: devRoot !== undefined && devKeyring !== undefined ? { rootPub: resolve(cwd, devRoot), keyring: resolve(cwd, devKeyring) } : undefined,
    corePluginsDir: resolve(cwd, value(source, "ARCHNEST_CORE_PLUGINS_DIR") ?? join(HOST_PACKAGE_ROOT, "core-plugins")),
    webDir: resolve(cwd, value(source, "ARCHNEST_WEB_DIR") ?? shipped("web", join("web", "dist"))),
    maxUploadBytes: Number(uploadText),
    pluginKeepVersions: Number(keepText),
    faultAt: faultText as HostConfig["faultAt"],
  };
}
