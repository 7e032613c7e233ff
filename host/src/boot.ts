import { existsSync, readFileSync } from "node:fs";
import { parsePublicKeyPem } from "@archnest/sdk/trust";
import { loadWebApp, WebAppMissingError } from "@archnest/web/serve";
import { type CreateHostOptions, createHost, type Host } from "./app.js";
import type { HostConfig } from "./env.js";
import { HostError } from "./errors/index.js";
import { attachPlugins, type TrustAnchor } from "./plugins/index.js";

function anchor(files: { rootPub: string; keyring: string }): TrustAnchor {
  try {
    return { rootKeys: [parsePublicKeyPem(readFileSync(files.rootPub, "utf8"))], keyring: JSON.parse(readFileSync(files.keyring, "utf8")) as unknown };
  } catch (cause) {
    throw new HostError("HOST_ERR_CONFIG_INVALID", `cannot read the trust root ${files.rootPub} or keyring ${files.keyring}`, { cause });
  }
}

/** The trust anchors of a configuration: the official root, plus the development root in dev mode. */
export function trustAnchors(config: HostConfig): TrustAnchor[] {
  const anchors: TrustAnchor[] = [];
  if (existsSync(config.trust.rootPub) && existsSync(config.trust.keyring)) anchors.push(anchor(config.trust));
  if (config.dev && config.devTrust) anchors.push(anchor(config.devTrust));
  if (anchors.length === 0)
    throw new HostError("HOST_ERR_CONFIG_INVALID", `no trust root: ${config.trust.rootPub} is missing (set ARCHNEST_TRUST_ROOT and ARCHNEST_TRUST_KEYRING)`);
  return anchors;
}

/**
 * The whole host, not yet listening: kernel, plugin runtime (and the license client when a registry is
 * configured) and the web app. main.ts serves it; tests and benchmarks drive it directly.
 */
export async function bootHost(config: HostConfig, options: CreateHostOptions = {}) {
  let web: ReturnType<typeof loadWebApp> | undefined;
  try {
    web = loadWebApp(config.webDir);
  } catch (err) {
    if (!(err instanceof WebAppMissingError)) throw err;
  }
  const host: Host = await createHost(config, { ...options, cspScriptHashes: [...(options.cspScriptHashes ?? []), ...(web?.cspScriptHashes ?? [])] });
  if (!web) host.log.warn("the web app is not built; the API runs without it", { webDir: config.webDir });
  try {
    const plugins = await attachPlugins(host, {
      trust: trustAnchors(config),
      ...(config.registryUrl !== undefined && { registryUrl: config.registryUrl }),
      corePluginsDir: config.corePluginsDir,
      ...(config.faultAt !== undefined && { faultAt: config.faultAt }),
    });
    if (web) {
      const app = web;
      host.app.get("*", async (c, next) => app.handle(c.req.raw) ?? next());
    }
    return { host, plugins };
  } catch (err) {
    await host.close();
    throw err;
  }
}
