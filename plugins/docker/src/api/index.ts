/**
 * The Docker plugin's HTTP API, mounted by the host under /api/plugins/docker. Sources are managed by
 * admins; everyone signed in can see containers and act on them. A source past the free cap (after a
 * license lapse) stays visible but read-only, answering changes with the host's 402.
 */
import { existsSync } from "node:fs";
import { errorResponse, isCodedError, type Json, type PluginContext, type PluginRequestEnv } from "@archnest/sdk/plugin";
import { type Context, Hono } from "hono";
import {
  type ContainerView,
  containerUsage,
  containerView,
  countContainers,
  DEADLINES,
  type EngineClients,
  Engines,
  mapLimited,
  testSource,
  withDeadline,
} from "../engine/index.js";
import { classifyEngineError, DockerErrors, DockerPluginError } from "../errors/index.js";
import type { DockerEngines, DockerTransport, DockerTransportKind, DockerTransportTarget } from "../service/api.js";
import { type DockerSource, describeSource, parseSourceInput, type SourceInput, SourceStore } from "../sources/index.js";
import { countsAgainstCap, isTransportKind, moduleOfKind, TRANSPORT_KINDS } from "../sources/kinds.js";
import { openLogStream, parseLogOptions } from "./logs.js";

type Env = { Bindings: PluginRequestEnv };

/** A source as the API shows it: never its certificates. */
export interface SourceView extends DockerSource {
  address: string;
  /**
   * Visible, read-only: past the free cap after a license lapse (`lockedBy: "cap"`), or an SSH or agent
   * source while its module (Docker over SSH, Docker Push Agent) is not licensed (`"module"`).
   */
  locked: boolean;
  lockedBy?: "cap" | "module";
}

/**
 * What `GET /sources` says of the sources of a transport kind (`ssh`, `agent`): whether they can be added,
 * and the hosts (or agents) they may point at.
 */
export interface TransportSourcesState {
  module: string;
  licensed: boolean;
  /** The module's plugin runs and has registered its transport. */
  available: boolean;
  hosts: DockerTransportTarget[];
}

/** The state of SSH sources (the name of {@link TransportSourcesState} before agent sources). */
export type SshSourcesState = TransportSourcesState;

/** One source's health and container counts, for the dashboard and the infrastructure page. */
export interface SourceOverview extends SourceView {
  status: "ok" | "unreachable" | "error";
  error?: { error: string; message: string };
  engine?: { version: string; apiVersion: string; os: string; arch: string };
  containers?: { running: number; paused: number; stopped: number; total: number };
}

const LOCAL_SOCKET = "/var/run/docker.sock";
/** The module whose plugin reaches SSH sources (and lifts the cap of one source). */
export const SSH_MODULE = TRANSPORT_KINDS.ssh.module;
/** The module whose plugin reaches agent sources. Agent sources do not count against the cap. */
export const AGENT_MODULE = TRANSPORT_KINDS.agent.module;
const ACTIONS = new Set(["start", "stop", "restart"]);

export interface DockerApi {
  app: Hono<Env>;
  store: SourceStore;
  engines: Engines;
  /** Registers a transport (the `docker-transports` service's `register`). */
  registerTransport(transport: DockerTransport): { dispose(): void };
  /** The `docker-engines` service. */
  enginesService: DockerEngines;
}

/** Engine API paths the `docker-engines` service reads: an object's inspect, history or a listing. */
const READABLE_PATH = /^\/(containers|images|volumes|networks)(\/[^?#]*)?$/;

export function createDockerApi(ctx: Pick<PluginContext, "storage" | "secrets" | "limits" | "log" | "events" | "docker" | "license">): DockerApi {
  const store = new SourceStore(ctx);
  const transports = new Map<DockerTransportKind, DockerTransport>();
  const lookup = (kind: DockerTransportKind) => transports.get(kind);
  const engines = new Engines(store, ctx.docker, lookup);
  const registerTransport = (transport: DockerTransport) => {
    if (!isTransportKind(transport?.kind) || typeof transport.connect !== "function" || typeof transport.targets !== "function")
      throw new DockerPluginError("DOCKER_ERR_VALIDATION", 'A transport needs kind "ssh" or "agent", targets() and connect().');
    if (transports.has(transport.kind)) throw new DockerPluginError("DOCKER_ERR_VALIDATION", `A transport of kind "${transport.kind}" is registered already.`);
    transports.set(transport.kind, transport);
    ctx.events.emit("sources.changed", {});
    return {
      dispose: () => {
        if (transports.get(transport.kind) !== transport) return;
        transports.delete(transport.kind);
        ctx.events.emit("sources.changed", {});
      },
    };
  };

  // The module a source needs and whether it counts against the free cap both come from TRANSPORT_KINDS.
  const capped = (s: Pick<DockerSource, "kind">) => countsAgainstCap(s.kind);
  // The views are derived from the store's list, the cap and the transport modules' licenses, and rebuilt
  // only when one changes: every container call looks its source up here, and the same view object keeps
  // its engine clients found by identity.
  let derived: { list: readonly DockerSource[]; cap: number | null; licenses: string; views: readonly SourceView[]; byId: Map<string, SourceView> } | undefined;
  const current = async () => {
    const list = await store.list();
    const { cap } = ctx.limits.get("docker-sources");
    const licenses = Object.values(TRANSPORT_KINDS)
      .map((k) => (ctx.license.licensed(k.module) ? "1" : "0"))
      .join("");
    if (derived?.list !== list || derived.cap !== cap || derived.licenses !== licenses) {
      let counted = 0;
      const built = list.map((s): SourceView => {
        const module = moduleOfKind(s.kind);
        const index = capped(s) ? counted++ : -1;
        const lockedBy = module && !ctx.license.licensed(module) ? "module" : cap !== null && index >= cap ? "cap" : undefined;
        return Object.freeze({ ...s, address: describeSource(s), locked: lockedBy !== undefined, ...(lockedBy && { lockedBy }) });
      });
      derived = { list, cap, licenses, views: Object.freeze(built), byId: new Map(built.map((v) => [v.id, v])) };
    }
    return derived;
  };
  /** How many sources count against the free cap. */
  const cappedCount = async () => (await store.list()).filter(capped).length;
  /** The module's 402 for an SSH or agent source's input while its module is not licensed. */
  const kindRefused = (input: SourceInput): Response | undefined => {
    const module = moduleOfKind(input.kind);
    return module ? ctx.license.require(module) : undefined;
  };
  /** An SSH or agent source's input checked against its transport, with the host's (agent's) name to show. */
  const withTarget = async (input: SourceInput): Promise<SourceInput & { hostName?: string }> => {
    const kind = input.kind;
    if (!isTransportKind(kind)) return input;
    const transport = transports.get(kind);
    const { plugin, target, source } = TRANSPORT_KINDS[kind];
    if (!transport) throw new DockerPluginError("DOCKER_ERR_TRANSPORT_UNAVAILABLE", `Install and enable the ${plugin} plugin to add ${source}s.`);
    const host = (await transport.targets()).find((h) => h.id === input.hostId);
    if (!host) throw new DockerPluginError("DOCKER_ERR_VALIDATION", `hostId: no ${target} "${input.hostId}" in this install.`);
    return { ...input, hostName: host.name };
  };
  const views = async (): Promise<readonly SourceView[]> => (await current()).views;
  const viewOf = async (id: string): Promise<SourceView> => {
    const view = (await current()).byId.get(id);
    if (!view) throw new DockerPluginError("DOCKER_ERR_SOURCE_NOT_FOUND", `No Docker source "${id}".`);
    return view;
  };
  const sourceOf = async (id: string): Promise<{ view: SourceView; clients: EngineClients }> => {
    const view = await viewOf(id);
    return { view, clients: await engines.clients(view) };
  };
  // A change to a source past the cap answers the host's 402, naming the module that lifts the cap; to an
  // SSH or agent source while its module is not licensed, that module's.
  const guardLocked = async (view: SourceView): Promise<Response | undefined> => {
    if (!view.locked) return undefined;
    if (view.lockedBy === "module") return ctx.license.require(moduleOfKind(view.kind) as string);
    const index = (await store.list()).filter(capped).findIndex((s) => s.id === view.id);
    return ctx.limits.check("docker-sources", index);
  };
  // "Save anyway": an admin may keep a source whose engine is not reachable yet (it is being set up).
  const untested = (c: Context<Env>) => c.req.query("untested") === "1";
  const requireAdmin = (c: Context<Env>) => {
    if (c.env?.user?.role !== "admin") throw new DockerPluginError("DOCKER_ERR_FORBIDDEN", "Only an admin can manage Docker sources.");
  };

  const overviewOf = async (view: SourceView): Promise<SourceOverview> => {
    const clients = await engines.clients(view);
    try {
      const [version, list] = await withDeadline(clients, view.id, DEADLINES.probe, (docker) =>
        Promise.all([docker.version(), docker.listContainers({ all: true })]),
      );
      return {
        ...view,
        status: "ok",
        engine: { version: version.Version, apiVersion: version.ApiVersion, os: version.Os, arch: version.Arch },
        containers: countContainers(list.map((c) => ({ state: c.State }))),
      };
    } catch (err) {
      const e = classifyEngineError(err, clients.where, view.id);
      const unreachable = e.code === "DOCKER_ERR_ENGINE_UNREACHABLE" || e.code === "DOCKER_ERR_ENGINE_TIMEOUT";
      return { ...view, status: unreachable ? "unreachable" : "error", error: { error: e.code, message: e.message } };
    }
  };

  const app = new Hono<Env>()
    .onError((err, c) => {
      // A test may call the app without the host's env; the host always passes it.
      const requestId = c.env?.requestId ?? "";
      if (isCodedError(err)) return errorResponse(err, requestId);
      ctx.log.error("docker request failed", { error: String(err), requestId });
      return errorResponse(err, requestId, DockerErrors.create("DOCKER_ERR_ENGINE", `The Docker plugin failed: ${(err as Error).message}`, { status: 500 }));
    })
    .get("/sources", async (c) => {
      const state = async (kind: DockerTransportKind): Promise<TransportSourcesState> => {
        const transport = transports.get(kind);
        const module = TRANSPORT_KINDS[kind].module;
        return {
          module,
          licensed: ctx.license.licensed(module),
          available: transport !== undefined,
          hosts: transport ? await transport.targets().catch(() => []) : [],
        };
      };
      const [ssh, agent] = await Promise.all([state("ssh"), state("agent")]);
      return c.json({
        sources: await views(),
        limit: ctx.limits.get("docker-sources"),
        suggested: existsSync(LOCAL_SOCKET) ? { kind: "unix", socketPath: LOCAL_SOCKET } : null,
        ssh,
        agent,
      });
    })
    .post("/sources", async (c) => {
      requireAdmin(c);
      const parsed = parseSourceInput(await c.req.json().catch(() => undefined));
      const refused = kindRefused(parsed);
      if (refused) return refused;
      const over = capped(parsed) ? ctx.limits.check("docker-sources", await cappedCount()) : undefined;
      if (over) return over;
      const input = await withTarget(parsed);
      if (!untested(c)) await testSource(ctx.docker, lookup, { ...input, tls: Boolean(input.tls) }, input.tls ?? undefined);
      const source = await store.create(input);
      ctx.events.emit("sources.changed", { id: source.id });
      const view = (await views()).find((s) => s.id === source.id) as SourceView;
      return c.json(view, 201);
    })
    .put("/sources/:sid", async (c) => {
      requireAdmin(c);
      const parsed = parseSourceInput(await c.req.json().catch(() => undefined));
      const id = c.req.param("sid");
      const view = await viewOf(id);
      // A source past the cap is read-only: editing it answers 402 like its container actions.
      const locked = await guardLocked(view);
      if (locked) return locked;
      const refused = kindRefused(parsed);
      if (refused) return refused;
      // A source that did not count against the free cap (an agent source) turned into one that does is
      // an added one for the cap.
      const over = capped(parsed) && !capped(view) ? ctx.limits.check("docker-sources", await cappedCount()) : undefined;
      if (over) return over;
      const input = await withTarget(parsed);
      if (!untested(c)) {
        // TLS left out of an edit keeps the stored material, so the test uses it too.
        const tls = input.tls === undefined && input.kind === "tcp" && view.tls ? await store.tls(id) : (input.tls ?? undefined);
        await testSource(ctx.docker, lookup, { ...input, tls: tls !== undefined }, tls);
      }
      const source = await store.update(id, input);
      engines.forget(source.id);
      ctx.events.emit("sources.changed", { id: source.id });
      return c.json((await views()).find((s) => s.id === source.id) as SourceView);
    })
    .delete("/sources/:sid", async (c) => {
      requireAdmin(c);
      const id = c.req.param("sid");
      if (!(await store.remove(id))) throw new DockerPluginError("DOCKER_ERR_SOURCE_NOT_FOUND", `No Docker source "${id}".`);
      engines.forget(id);
      ctx.events.emit("sources.changed", { id });
      return c.json({ ok: true });
    })
    // Every source probed in parallel, each with its own short deadline: one dead engine costs the page
    // at most DEADLINES.probe, and only its own row.
    .get("/overview", async (c) => c.json({ sources: await Promise.all((await views()).map(overviewOf)), limit: ctx.limits.get("docker-sources") }))
    .get("/sources/:sid/containers", async (c) => {
      const t0 = performance.now();
      const { view, clients } = await sourceOf(c.req.param("sid"));
      const t1 = performance.now();
      const list = await withDeadline(clients, view.id, DEADLINES.list, (docker) => docker.listContainers({ all: true }));
      const t2 = performance.now();
      const containers: ContainerView[] = list.map(containerView);
      // Server-Timing shows in the browser's devtools how much of a slow list is the engine's. Headers as a
      // plain object: the server writes them as they are, without building a Headers object on the way.
      return new Response(JSON.stringify({ source: view, containers, counts: countContainers(containers) }), {
        headers: { "content-type": "application/json", "server-timing": `source;dur=${(t1 - t0).toFixed(2)}, engine;dur=${(t2 - t1).toFixed(2)}` },
      });
    })
    // CPU and memory of the running containers: a separate call because the engine needs about a second
    // to take two CPU samples; the list shows at once and the numbers fill in.
    .get("/sources/:sid/containers/usage", async (c) => {
      const { view, clients } = await sourceOf(c.req.param("sid"));
      const running = await withDeadline(clients, view.id, DEADLINES.list, (docker) => docker.listContainers({ all: false }));
      const signal = AbortSignal.timeout(DEADLINES.usage);
      const usage = await mapLimited(running, 16, (r) =>
        containerUsage(clients.within(DEADLINES.usage), r.Id, signal).catch((err) => ({
          id: r.Id,
          error: classifyEngineError(err, clients.where, view.id).toJSON(),
        })),
      );
      return c.json({ usage });
    })
    .post("/sources/:sid/containers/:cid/:action", async (c) => {
      const action = c.req.param("action");
      if (!ACTIONS.has(action)) throw new DockerPluginError("DOCKER_ERR_VALIDATION", `Unknown action "${action}": use start, stop or restart.`);
      const { view, clients } = await sourceOf(c.req.param("sid"));
      const locked = await guardLocked(view);
      if (locked) return locked;
      const cid = c.req.param("cid");
      let changed = true;
      await withDeadline(clients, view.id, DEADLINES.action, async (docker) => {
        const container = docker.getContainer(cid);
        try {
          if (action === "start") await container.start();
          else if (action === "stop") await container.stop({ t: 10 });
          else await container.restart({ t: 10 });
        } catch (err) {
          // 304: already in the asked-for state; not an error for a person clicking a button.
          if ((err as { statusCode?: number }).statusCode === 304) changed = false;
          else throw err;
        }
      });
      ctx.events.emit("containers.changed", { source: view.id, id: cid, action } as Json);
      return c.json({ ok: true, changed });
    })
    .delete("/sources/:sid/containers/:cid", async (c) => {
      const { view, clients } = await sourceOf(c.req.param("sid"));
      const locked = await guardLocked(view);
      if (locked) return locked;
      const cid = c.req.param("cid");
      const force = c.req.query("force") === "1" || c.req.query("force") === "true";
      await withDeadline(clients, view.id, DEADLINES.action, (docker) => docker.getContainer(cid).remove({ force }));
      ctx.events.emit("containers.changed", { source: view.id, id: cid, action: "remove" } as Json);
      return c.json({ ok: true });
    })
    .get("/sources/:sid/containers/:cid/logs", async (c) => {
      const opts = parseLogOptions((n) => c.req.query(n));
      if (typeof opts === "string") throw new DockerPluginError("DOCKER_ERR_VALIDATION", opts);
      const { view, clients } = await sourceOf(c.req.param("sid"));
      const body = await openLogStream(clients.stream, c.req.param("cid"), opts, clients.where, view.id, c.req.raw.signal);
      return new Response(body, {
        headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff" },
      });
    })
    .get("/sources/:sid/images", async (c) => {
      const { view, clients } = await sourceOf(c.req.param("sid"));
      const list = await withDeadline(clients, view.id, DEADLINES.list, (docker) => docker.listImages());
      return c.json({
        images: list.map((i) => ({ id: i.Id, tags: i.RepoTags ?? [], size: i.Size, createdAt: i.Created * 1000, containers: i.Containers })),
      });
    })
    .get("/sources/:sid/volumes", async (c) => {
      const { view, clients } = await sourceOf(c.req.param("sid"));
      const res = await withDeadline(clients, view.id, DEADLINES.list, (docker) => docker.listVolumes());
      return c.json({
        volumes: (res.Volumes ?? []).map((v) => ({
          name: v.Name,
          driver: v.Driver,
          mountpoint: v.Mountpoint,
          scope: v.Scope,
          createdAt: (v as { CreatedAt?: string }).CreatedAt ?? null,
        })),
      });
    })
    .get("/sources/:sid/networks", async (c) => {
      const { view, clients } = await sourceOf(c.req.param("sid"));
      const list = await withDeadline(clients, view.id, DEADLINES.list, (docker) => docker.listNetworks());
      return c.json({
        networks: list.map((n) => ({
          id: n.Id,
          name: n.Name,
          driver: n.Driver,
          scope: n.Scope,
          internal: Boolean(n.Internal),
          subnets: (n.IPAM?.Config ?? []).map((cfg) => cfg.Subnet).filter((s): s is string => typeof s === "string"),
        })),
      });
    });

  const enginesService: DockerEngines = {
    sources: () => views(),
    async get<T>(sourceId: string, path: string, query: Record<string, string | number | boolean> = {}): Promise<T> {
      if (typeof path !== "string" || !READABLE_PATH.test(path) || path.includes(".."))
        throw new DockerPluginError("DOCKER_ERR_VALIDATION", `Not an Engine API path this service reads: ${String(path).slice(0, 100)}`);
      const { view, clients } = await sourceOf(sourceId);
      return withDeadline(clients, view.id, DEADLINES.list, (docker) => dialGet<T>(docker, path, query));
    },
    async logs(sourceId, containerId, opts, signal) {
      const { view, clients } = await sourceOf(sourceId);
      return openLogStream(clients.stream, containerId, opts, clients.where, view.id, signal);
    },
    async exec(sourceId, containerId, opts) {
      const { view, clients } = await sourceOf(sourceId);
      // A shell changes the container: a read-only source refuses it as it refuses a stop.
      if (view.locked)
        throw new DockerPluginError(
          "DOCKER_ERR_LOCKED",
          `"${view.name}" is read-only: ${
            view.lockedBy === "module" && isTransportKind(view.kind)
              ? `${TRANSPORT_KINDS[view.kind].plugin} is not licensed`
              : "it is past the free cap of Docker sources"
          }.`,
          view.id,
        );
      const exec = await withDeadline(clients, view.id, DEADLINES.action, (docker) =>
        docker.getContainer(containerId).exec({
          Cmd: opts.cmd,
          AttachStdin: true,
          AttachStdout: true,
          AttachStderr: true,
          Tty: true,
          ...(opts.user && { User: opts.user }),
          ...(opts.env && { Env: opts.env }),
        }),
      );
      // The stream client: a shell may stay quiet for hours.
      const started = clients.stream.getExec(exec.id);
      const stream = (await withDeadline(clients, view.id, DEADLINES.action, () =>
        started.start({ hijack: true, stdin: true, Tty: true } as import("dockerode").ExecStartOptions),
      )) as unknown as import("node:stream").Duplex;
      // Paused until the caller reads: a quick process's output and end must not pass before it listens.
      stream.pause();
      const resize = (cols: number, rows: number) =>
        withDeadline(clients, view.id, DEADLINES.action, () => started.resize({ w: cols, h: rows }).then(() => undefined));
      await resize(opts.cols, opts.rows).catch(() => undefined);
      return {
        stream,
        resize,
        exitCode: async () => {
          const info = await withDeadline(clients, view.id, DEADLINES.list, () => started.inspect());
          return info.Running ? null : (info.ExitCode ?? null);
        },
      };
    },
  };

  return { app, store, engines, registerTransport, enginesService };
}

/** One GET through dockerode's modem, which answers the parsed JSON and turns statuses into errors. */
function dialGet<T>(docker: import("dockerode"), path: string, query: Record<string, string | number | boolean>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    docker.modem.dial(
      // The modem appends the query to a path that ends with "?".
      { path: `${path}?`, method: "GET", options: query, statusCodes: { 200: true, 400: "bad parameter", 404: "no such object", 500: "server error" } },
      (err: unknown, data: unknown) => (err ? reject(err) : resolve(data as T)),
    );
  });
}
