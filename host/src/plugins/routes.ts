import { createReadStream } from "node:fs";
import { rm, stat } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { Readable } from "node:stream";
import type { RequestUser } from "@archnest/sdk/plugin";
import { type Context, Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { CSRF_HEADER, requireRole } from "../auth/session-guard.js";
import type { BodyLimits } from "../http/body-limit.js";
import { forwardedRequest } from "./forwarded-request.js";
import { type PackageRef, parsePackageRef } from "./package-ref.js";
import { PluginError } from "./plugin-errors.js";
import type { PluginRecord, UpdatePolicy } from "./plugin-repo.js";
import { displayNameOf, type InstallOptions, type PluginRuntime } from "./runtime.js";
import type { UiEvents } from "./ui-events.js";
import { receiveUpload, type Upload } from "./upload.js";

/** How long a request to a plugin that is starting waits for it (a license just bought, an update). */
const SETTLE_WAIT_MS = 10_000;

/** The Hono environment the plugin routes expect: the host's auth puts the user on the context. */
export interface PluginApiEnv {
  Variables: { user: RequestUser; requestId: string };
}

/** What an install from the registry did: `changed` is false when an update found nothing newer. */
export interface RegistryInstallOutcome {
  plugin: PluginRecord;
  changed: boolean;
}

/** Installs a validated registry reference; supplied by the license/registry client when configured. */
export type RegistryInstaller = (ref: PackageRef, options: InstallOptions) => Promise<RegistryInstallOutcome>;

/** What `POST /api/plugins/:id/update` did, in its `result` field. */
export type UpdateResult = "updated" | "up-to-date" | "pinned";

export interface PluginApiOptions {
  runtime: PluginRuntime;
  events: UiEvents;
  registryInstall?: RegistryInstaller;
  /** The host's body limits: the upload route and each plugin's routes add their caps there. */
  bodyLimits: BodyLimits;
  /** Uploads are streamed into folders here (the host sweeps it at boot). */
  tmpDir: string;
  /** The largest package upload (default 200 MiB). */
  maxUploadBytes?: number;
}

/** The largest settings object a plugin's settings form sends. */
const SETTINGS_MAX_BYTES = 64 * 1024;

/** The host's own routes under `/api/plugins/<id>/`: a plugin's declared body caps never apply to them. */
const HOST_PLUGIN_ROUTES = new Set(["/settings", "/enable", "/disable", "/pin", "/unpin", "/rollback", "/update", "/policy"]);

const PLUGIN_PATH = /^\/api\/plugins\/([^/]+)(\/.*)$/;

const MIME: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".map": "application/json",
};

/** `/api/plugins/<id>` and the slash after it, cut from the URL a plugin sees (its routes start at `/`). */
const PLUGIN_PREFIX = /^([a-z]+:\/\/[^/]+)\/api\/plugins\/[^/?]+\/?/;

/** Request headers a plugin never sees: the person's session and CSRF token stay with the host (plugins get the user in env). */
const HOST_ONLY_HEADERS = new Set(["cookie", CSRF_HEADER]);

/**
 * The headers forwarded to a plugin's route. Read from Node's raw header list when the request came over
 * node:http, which is cheaper than copying a Headers object (that sorts and re-validates every entry).
 */
function forwardedHeaders(raw: Request, incoming: IncomingMessage | undefined): [string, string][] {
  const out: [string, string][] = [];
  if (incoming?.rawHeaders) {
    const list = incoming.rawHeaders;
    for (let i = 0; i + 1 < list.length; i += 2) {
      const name = (list[i] as string).toLowerCase();
      if (!HOST_ONLY_HEADERS.has(name)) out.push([name, list[i + 1] as string]);
    }
    return out;
  }
  raw.headers.forEach((value, name) => {
    if (!HOST_ONLY_HEADERS.has(name)) out.push([name, value]);
  });
  return out;
}

/**
 * Public view of a plugin record for the API and the web app. `previousVersion` is the version Roll back
 * goes to; `dependents` (when known) are the active plugins that stop if this one is disabled or removed.
 */
export function presentPlugin(p: PluginRecord, dependents?: readonly string[]) {
  return {
    id: p.id,
    name: p.packageName,
    displayName: displayNameOf(p),
    version: p.version,
    previousVersion: p.previousVersions[0] ?? null,
    previousVersions: p.previousVersions,
    highestSeenVersion: p.highestSeenVersion,
    state: p.state,
    error: p.error,
    errorCode: p.errorCode,
    policy: p.policy,
    pinnedFrom: p.pinnedFrom,
    source: p.source,
    module: p.module,
    signer: { keyid: p.signerKeyid, name: p.signerName },
    permissions: p.permissions,
    grantedPermissions: p.grantedPermissions,
    installedAt: p.installedAt,
    updatedAt: p.updatedAt,
    ...(dependents && { dependents: [...dependents] }),
  };
}

function errorResponse(c: Context, err: unknown) {
  if (err instanceof PluginError) {
    if (err.body) return c.json(err.body, err.status as 402);
    const body: Record<string, unknown> = { error: err.code, message: err.message };
    if (err.details.length > 0) body.details = err.details;
    if (err.code === "HOST_ERR_PERMISSIONS_NOT_ACCEPTED") body.permissions = err.details;
    if (err.code === "HOST_ERR_HAS_DEPENDENTS") body.dependents = err.details;
    return c.json(body, err.status as 400);
  }
  throw err;
}

/** Reads of a plugin whose manifest keeps it read-only without its license (`archnest.unlicensed`). */
function readOnlyRequest(instance: { manifest: { unlicensed?: "read-only" | undefined } } | undefined, method: string): boolean {
  return instance?.manifest.unlicensed === "read-only" && (method === "GET" || method === "HEAD");
}

function listParam(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(listParam);
  if (typeof value !== "string" || value === "") return [];
  if (value.startsWith("[")) {
    try {
      const parsed = JSON.parse(value) as unknown;
      return Array.isArray(parsed) ? parsed.map(String) : [];
    } catch {
      return [];
    }
  }
  return value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The plugin admin API (`/api/plugins...`), the UI manifest and its event stream (`/api/ui/...`), plugin
 * web assets, and the dispatcher that forwards `/api/plugins/<id>/*` to a plugin's own routes behind the
 * license gate. Mounted under `/api`, after the host's session middleware.
 */
export function pluginApi(opts: PluginApiOptions): Hono<PluginApiEnv> {
  const { runtime, events } = opts;
  const maxUpload = opts.maxUploadBytes ?? 200 * 1024 * 1024;
  const app = new Hono<PluginApiEnv>();

  // A JSON install names a registry package: a small body. Anything else is the package itself.
  opts.bodyLimits.add((method, path, type) =>
    method === "POST" && path === "/api/plugins/install" && !type.startsWith("application/json")
      ? { maxBytes: maxUpload, code: "HOST_ERR_UPLOAD_TOO_LARGE" }
      : undefined,
  );
  opts.bodyLimits.add((method, path) => {
    const m = PLUGIN_PATH.exec(path);
    if (!m) return undefined;
    const [, id, rest] = m as unknown as [string, string, string];
    if (HOST_PLUGIN_ROUTES.has(rest)) return method === "PUT" && rest === "/settings" ? { maxBytes: SETTINGS_MAX_BYTES } : undefined;
    const declared = runtime.instance(id)?.bodyLimits[`${method} ${rest}`];
    return declared === undefined ? undefined : { maxBytes: declared };
  });

  runtime.onManifestChange((version) => events.publish({ event: "manifest", data: { version } }));

  // Installing, changing and removing plugins, and their settings, are the admin's; members use them.
  const admin = requireRole("admin");
  app.get("/plugins", async (c) => {
    const dependents = await runtime.dependentsById();
    return c.json((await runtime.list()).map((p) => presentPlugin(p, dependents.get(p.id) ?? [])));
  });

  app.post("/plugins/install", admin, async (c) => {
    const type = c.req.header("content-type") ?? "";
    let upload: Upload | undefined;
    const progressId = c.req.query("progressId") ?? crypto.randomUUID();
    const progress: InstallOptions["onProgress"] = (phase, p) => events.publish({ event: "install", data: { id: progressId, phase, progress: p } });
    try {
      let accept: string[] = listParam(c.req.query("acceptPermissions"));
      let allowDowngrade = c.req.query("allowDowngrade") === "true";
      if (type.startsWith("application/json")) {
        const body = (await c.req.json().catch(() => ({}))) as {
          ref?: unknown;
          name?: unknown;
          range?: unknown;
          acceptPermissions?: unknown;
          allowDowngrade?: unknown;
        };
        // Validated before anything else: only a well-formed name and range ever reach the registry client.
        const ref = parsePackageRef(body);
        if (!opts.registryInstall) throw new PluginError("HOST_ERR_NO_REGISTRY", "No registry is configured; install from a file instead.");
        const { plugin: rec } = await opts.registryInstall(ref, {
          source: "registry",
          acceptPermissions: listParam(body.acceptPermissions),
          allowDowngrade: body.allowDowngrade === true,
          onProgress: progress,
        });
        events.publish({ event: "install", data: { id: progressId, phase: "done", progress: 1 } });
        return c.json(presentPlugin(rec), 201);
      }
      upload = await receiveUpload(c.req.raw.body, type, opts.tmpDir);
      accept = [...accept, ...listParam(upload.fields.acceptPermissions)];
      allowDowngrade ||= upload.fields.allowDowngrade?.includes("true") === true;
      const rec = await runtime.install(upload.file, { source: "file", acceptPermissions: accept, allowDowngrade, onProgress: progress });
      events.publish({ event: "install", data: { id: progressId, phase: "done", progress: 1 } });
      return c.json(presentPlugin(rec), 201);
    } catch (err) {
      if (err instanceof PluginError) events.publish({ event: "install", data: { id: progressId, phase: "error", progress: 1, message: err.message } });
      return errorResponse(c, err);
    } finally {
      if (upload) await rm(upload.dir, { recursive: true, force: true });
    }
  });

  const action = (name: string, run: (id: string) => Promise<PluginRecord>) =>
    app.post(`/plugins/:id/${name}`, admin, async (c) => {
      try {
        return c.json(presentPlugin(await run(c.req.param("id"))));
      } catch (err) {
        return errorResponse(c, err);
      }
    });
  action("enable", (id) => runtime.enable(id));
  app.post("/plugins/:id/disable", admin, async (c) => {
    try {
      return c.json(presentPlugin(await runtime.disable(c.req.param("id"), { withDependents: c.req.query("withDependents") === "true" })));
    } catch (err) {
      return errorResponse(c, err);
    }
  });
  action("pin", (id) => runtime.setPolicy(id, "pinned"));
  action("unpin", (id) => runtime.unpin(id));
  action("rollback", (id) => runtime.rollback(id));
  // Update within the plugin's policy; a body {acceptPermissions} accepts what a newer version asks for.
  // The answer is the plugin's view plus `result`, so a client never reports an update that did not happen.
  app.post("/plugins/:id/update", admin, async (c) => {
    try {
      const rec = await runtime.repo.get(c.req.param("id"));
      if (!rec) throw new PluginError("HOST_ERR_PLUGIN_NOT_FOUND", `No plugin "${c.req.param("id")}" is installed.`);
      if (rec.policy === "pinned") return c.json({ ...presentPlugin(rec), result: "pinned" satisfies UpdateResult });
      if (!opts.registryInstall) {
        throw new PluginError("HOST_ERR_NO_REGISTRY", "Updates come from the registry; none is configured. Install a newer package from a file instead.");
      }
      const body = (await c.req.json().catch(() => ({}))) as { acceptPermissions?: unknown };
      const progressId = c.req.query("progressId") ?? crypto.randomUUID();
      const outcome = await opts.registryInstall(
        { name: rec.packageName, range: rangeFor(rec.policy, rec.version) },
        {
          source: "registry",
          acceptPermissions: listParam(body.acceptPermissions),
          onlyIfNewer: true,
          onProgress: (phase, p) => events.publish({ event: "install", data: { id: progressId, phase, progress: p } }),
        },
      );
      events.publish({ event: "install", data: { id: progressId, phase: "done", progress: 1 } });
      return c.json({ ...presentPlugin(outcome.plugin), result: (outcome.changed ? "updated" : "up-to-date") satisfies UpdateResult });
    } catch (err) {
      return errorResponse(c, err);
    }
  });

  app.put("/plugins/:id/policy", admin, async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { policy?: unknown };
    const policy = body.policy;
    if (policy !== "pinned" && policy !== "patch" && policy !== "minor" && policy !== "latest") {
      return c.json({ error: "HOST_ERR_VALIDATION", message: "policy must be pinned, patch, minor or latest." }, 400);
    }
    try {
      return c.json(presentPlugin(await runtime.setPolicy(c.req.param("id"), policy as UpdatePolicy)));
    } catch (err) {
      return errorResponse(c, err);
    }
  });

  app.delete("/plugins/:id", admin, async (c) => {
    try {
      await runtime.uninstall(c.req.param("id"), c.req.query("purge") === "true", { withDependents: c.req.query("withDependents") === "true" });
      return c.json({ ok: true, dataKept: c.req.query("purge") !== "true" });
    } catch (err) {
      return errorResponse(c, err);
    }
  });

  app.get("/plugins/:id/settings", async (c) => {
    try {
      return c.json({ values: await runtime.getSettings(c.req.param("id")) });
    } catch (err) {
      return errorResponse(c, err);
    }
  });

  app.put("/plugins/:id/settings", admin, async (c) => {
    const body = (await c.req.json().catch(() => undefined)) as { values?: unknown } | undefined;
    if (!body || typeof body.values !== "object" || body.values === null || Array.isArray(body.values)) {
      return c.json({ error: "HOST_ERR_VALIDATION", message: "Send {values: {...}}." }, 400);
    }
    try {
      return c.json({ values: await runtime.putSettings(c.req.param("id"), body.values as Record<string, unknown>) });
    } catch (err) {
      return errorResponse(c, err);
    }
  });

  // A plugin's own routes, behind the license gate.
  app.all("/plugins/:id/*", async (c) => {
    const id = c.req.param("id");
    let rec = await runtime.repo.peek(id);
    if (!rec) return c.json({ error: "HOST_ERR_PLUGIN_NOT_FOUND", message: `No plugin "${id}" is installed.` }, 404);
    if (!runtime.licensed(rec.module) && !readOnlyRequest(runtime.instance(id), c.req.method)) return c.json(runtime.gate.body(rec.module), 402);
    if (rec.state !== "active" || !runtime.instance(id)?.handler) {
      // A plugin the license just unlocked (or one being updated) starts in a moment: the request waits for
      // the queued state changes, up to a bound, instead of failing in that gap.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([runtime.settled(), new Promise((resolve) => (timer = setTimeout(resolve, SETTLE_WAIT_MS)))]);
      clearTimeout(timer);
      rec = (await runtime.repo.peek(id)) ?? rec;
    }
    const handler = runtime.instance(id)?.handler;
    if (!handler || rec.state !== "active") {
      return c.json({ error: "HOST_ERR_PLUGIN_INACTIVE", message: `${rec.packageName} is ${rec.state}.`, state: rec.state }, 503);
    }
    const raw = c.req.raw;
    const forwarded = forwardedRequest({
      url: c.req.url.replace(PLUGIN_PREFIX, "$1/"),
      incoming: raw,
      headers: forwardedHeaders(raw, (c.env as { incoming?: IncomingMessage } | undefined)?.incoming),
    });
    try {
      return await handler.fetch(forwarded, { user: c.get("user"), requestId: c.get("requestId") });
    } catch (err) {
      runtime.bus.emit("plugin.error", { id, error: String(err) });
      return c.json({ error: "HOST_ERR_INTERNAL", message: `${rec.packageName} failed to answer.` }, 500);
    }
  });

  app.get("/ui/manifest", (c) => c.json(runtime.uiManifest()));

  app.get("/ui/events", (c) =>
    streamSSE(c, async (stream) => {
      let id = 0;
      // Serialised when queued, so a later change to the event object cannot alter what this stream sends.
      const queue: { event: string; data: string }[] = [];
      let wake: (() => void) | undefined;
      const unsubscribe = events.subscribe((e) => {
        queue.push({ event: e.event, data: JSON.stringify(e.data) });
        wake?.();
      });
      stream.onAbort(() => {
        unsubscribe();
        wake?.();
      });
      await stream.writeSSE({ event: "manifest", data: JSON.stringify({ version: runtime.uiManifest().version }), id: String(id++) });
      while (!stream.aborted) {
        if (queue.length === 0) {
          let timer: ReturnType<typeof setTimeout> | undefined;
          await new Promise<void>((resolve) => {
            wake = resolve;
            // A comment line every 25 s keeps proxies from closing an idle stream.
            timer = setTimeout(resolve, 25_000);
          });
          // Woken by an event or a closed stream: the pending keepalive timer must not hold the process open.
          clearTimeout(timer);
          wake = undefined;
          if (queue.length === 0 && !stream.aborted) await stream.write(": keepalive\n\n");
          continue;
        }
        const next = queue.shift() as { event: string; data: string };
        await stream.writeSSE({ event: next.event, data: next.data, id: String(id++) });
      }
      unsubscribe();
    }),
  );

  app.get("/ui/assets/:id/:version/*", async (c) => {
    const dir = await runtime.assetDir(c.req.param("id"), c.req.param("version"));
    if (!dir) return c.json({ error: "HOST_ERR_NOT_FOUND", message: "No such plugin asset." }, 404);
    const prefix = `/api/ui/assets/${c.req.param("id")}/${c.req.param("version")}/`;
    const rel = decodeURIComponent(new URL(c.req.url).pathname.slice(prefix.length));
    const file = normalize(join(dir, rel));
    if (!file.startsWith(dir + sep) || rel.split("/").includes("..")) return c.json({ error: "HOST_ERR_NOT_FOUND", message: "No such plugin asset." }, 404);
    const st = await stat(file).catch(() => undefined);
    if (!st?.isFile()) return c.json({ error: "HOST_ERR_NOT_FOUND", message: "No such plugin asset." }, 404);
    const type = MIME[extname(file)];
    if (!type) return c.json({ error: "HOST_ERR_NOT_FOUND", message: "No such plugin asset." }, 404);
    // The URL carries the version, and a version's files never change: cache for good.
    return new Response(Readable.toWeb(createReadStream(file)) as ReadableStream, {
      headers: { "content-type": type, "content-length": String(st.size), "cache-control": "private, max-age=31536000, immutable" },
    });
  });

  return app;
}

/** The semver range an update may move within under a policy. */
export function rangeFor(policy: UpdatePolicy, version: string): string {
  switch (policy) {
    case "pinned":
      return version;
    case "patch":
      return `~${version}`;
    case "minor":
      return `^${version}`;
    case "latest":
      return `>=${version}`;
  }
}
