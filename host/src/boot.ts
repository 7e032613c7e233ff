import { existsSync, readFileSync } from "node:fs";
import { parsePublicKeyPem } from "@archnest/sdk/trust";
import { loadWebApp, WebAppMissingError } from "@archnest/web/serve";
import { type CreateHostOptions, createHost, type Host } from "./app.js";
import type { HostConfig } from "./env.js";
import { HostError } from "./errors/index.js";
import { type AttachPluginsOptions, attachPlugins, type TrustAnchor } from "./plugins/index.js";

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

/** What a test or benchmark may set in place of the configuration's own choices. */
export interface BootOptions extends CreateHostOptions {
  /** Plugin runtime options over those the configuration gives (trust, registry, core plugins, ...). */
  plugins?: Partial<AttachPluginsOptions>;
  /** Serve the web app: "if-built" (the default) serves it when it is built, "required" refuses to start without it. */
  web?: "if-built" | "required" | "off";
}

/**
 * The host's composition root: the kernel, the plugin runtime (and the license client when a registry is
 * configured) and the web app, assembled in this one place and not yet listening. main.ts serves it; the
 * test harness (startPluginHost) and benchmarks boot through it too, changing only what BootOptions names.
 */
export async function bootHost(config: HostConfig, options: BootOptions = {}) {
  const { plugins: pluginOptions, web: webMode = "if-built", ...createOptions } = options;
  let web: ReturnType<typeof loadWebApp> | undefined;
  if (webMode !== "off") {
    try {
      web = loadWebApp(config.webDir);
    } catch (err) {
      if (!(err instanceof WebAppMissingError) || webMode === "required") throw err;
    }
  }
  const host: Host = await createHost(config, {
    ...createOptions,
    cspScriptHashes: [...(createOptions.cspScriptHashes ?? []), ...(web?.cspScriptHashes ?? [])],
  });
  if (!web && webMode !== "off") host.log.warn("the web app is not built; the API runs without it", { webDir: config.webDir });
  try {
    const plugins = await attachPlugins(host, {
      trust: pluginOptions?.trust ?? trustAnchors(config),
      ...(config.registryUrl !== undefined && { registryUrl: config.registryUrl }),
      corePluginsDir: config.corePluginsDir,
      ...(config.faultAt !== undefined && { faultAt: config.faultAt }),
      ...pluginOptions,
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
