import {
  definePlugin,
  errorResponse,
  isCodedError,
  type ModuleRequiredBody,
  type PluginContext,
  type PluginRequestEnv,
  parseSshConfig,
  type SshHostSummary,
} from "@archnest/sdk/plugin";
import { Hono } from "hono";
import { chainOf, checkVia, type ImportApplied, type ImportSkip, MAX_HOPS, planImport } from "./chains/index.js";
import { JumpErrors } from "./errors/index.js";

const MODULE = "jump-host";
const KEY_PREFIX = "via:";
/** How long one hop of "Test chain" may take, connecting included. */
const CHECK_TIMEOUT_MS = 20_000;
/** Longest ssh_config the import reads. */
const MAX_CONFIG = 256 * 1024;

/** A host as the chain lists name it. */
export interface HopView {
  id: string;
  name: string;
  address: string;
  port: number;
}

/** One SSH host on the Jump hosts page. */
export interface ChainRow extends HopView {
  user: string;
  /** The id of the host it jumps through, or null when it connects directly. */
  via: string | null;
  /** The jump hosts before it, first hop first (empty when direct). */
  hops: HopView[];
  /** Why the chain cannot be used (a removed jump host), or null. */
  broken: string | null;
}

/** What `GET /chains` answers, licensed or not (chains stay readable, and keep routing, after a lapse). */
export interface ChainsBody {
  hosts: ChainRow[];
  maxHops: number;
  licensed: boolean;
  refusal: ModuleRequiredBody | null;
}

/** One hop of a chain test, first hop first, the host itself last. */
export interface HopCheck extends HopView {
  state: "ok" | "failed" | "not-tried";
  /** A command's round trip over the chain up to this hop (connecting included when it was not yet connected). */
  latencyMs?: number;
  code?: string;
  message?: string;
  details?: readonly string[];
}

/** What `GET /hosts/:id/check` answers. */
export interface ChainCheck {
  ok: boolean;
  hops: HopCheck[];
}

/** What `POST /import` answers. */
export interface ImportBody {
  applied: ImportApplied[];
  skipped: ImportSkip[];
}

const view = (h: SshHostSummary): HopView => ({ id: h.id, name: h.name, address: h.address, port: h.port });

/** The router's failure for one hop: names the hop and keeps the underlying code; an inner hop's own failure passes as it is. */
function hopFailed(hop: SshHostSummary, err: unknown): Error {
  if (JumpErrors.is(err)) return err;
  const code = isCodedError(err) || typeof (err as { code?: unknown })?.code === "string" ? String((err as { code: string }).code) : "HOST_ERR_SSH_UNREACHABLE";
  const where = `${hop.name} (${hop.address}:${hop.port})`;
  const raw = err instanceof Error ? err.message : String(err);
  // The host's own messages start with the same "name (address:port): "; say it once.
  const reason = raw.startsWith(`${where}: `) ? raw.slice(where.length + 2) : raw;
  const details = isCodedError(err) ? (err.details ?? []) : [];
  return JumpErrors.create("JUMP_HOST_ERR_HOP_FAILED", `through ${where}: ${reason}`, {
    cause: err,
    ...(isCodedError(err) && { status: err.status }),
    details: [`hop: ${hop.name}`, `code: ${code}`, ...details],
    extra: { hop: hop.name, hopId: hop.id, hopCode: code },
  });
}

async function readBody(request: Request): Promise<Record<string, unknown>> {
  const body: unknown = await request.json().catch(() => undefined);
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw JumpErrors.create("JUMP_HOST_ERR_BAD_REQUEST", "Send a JSON object.");
  return body as Record<string, unknown>;
}

/** The via map in the plugin's storage (`via:<hostId>` → the jump host's id), held in memory for routing. */
async function loadVias(ctx: PluginContext): Promise<Map<string, string>> {
  const vias = new Map<string, string>();
  for (const { key, value } of await ctx.storage.list<string>(KEY_PREFIX)) if (typeof value === "string") vias.set(key.slice(KEY_PREFIX.length), value);
  return vias;
}

export default definePlugin({
  async setup(ctx) {
    const vias = await loadVias(ctx);

    // Every new connection the host opens asks here first: a host with a jump host gets a direct-tcpip
    // channel opened on the jump host's pooled connection, which is itself opened through this router,
    // so chains of any length compose. Routing goes on after a license lapse: hosts stay reachable.
    ctx.ssh.registerRouter({
      async route(host, signal) {
        const viaId = vias.get(host.id);
        if (viaId === undefined) return undefined;
        const hosts = await ctx.ssh.hosts();
        const via = hosts.find((h) => h.id === viaId);
        if (!via)
          throw JumpErrors.create(
            "JUMP_HOST_ERR_HOP_MISSING",
            `${host.name} jumps through a host that was removed: choose another jump host for it on the Jump hosts page.`,
            {
              details: [`host: ${host.name}`],
            },
          );
        const { cycle, tooDeep } = chainOf(vias, host.id);
        if (cycle) throw JumpErrors.create("JUMP_HOST_ERR_CYCLE", `The jump hosts of ${host.name} loop back to it.`);
        if (tooDeep) throw JumpErrors.create("JUMP_HOST_ERR_TOO_DEEP", `The jump hosts of ${host.name} are more than ${MAX_HOPS}.`);
        try {
          return await ctx.ssh.openTcp(via.id, { host: host.address, port: host.port, signal });
        } catch (err) {
          throw hopFailed(via, err);
        }
      },
    });

    const rows = async (): Promise<ChainRow[]> => {
      const hosts = await ctx.ssh.hosts();
      const byId = new Map(hosts.map((h) => [h.id, h]));
      return hosts.map((h) => {
        const { hops } = chainOf(vias, h.id);
        const missing = hops.find((id) => !byId.has(id));
        return {
          ...view(h),
          user: h.user,
          via: vias.get(h.id) ?? null,
          hops: hops.filter((id) => byId.has(id)).map((id) => view(byId.get(id) as SshHostSummary)),
          broken: missing ? "jumps through a host that was removed" : null,
        };
      });
    };

    const hostOr404 = async (id: string): Promise<SshHostSummary> => {
      const host = (await ctx.ssh.hosts()).find((h) => h.id === id);
      if (!host) throw JumpErrors.create("JUMP_HOST_ERR_HOST_NOT_FOUND", `No SSH host has the id ${JSON.stringify(id.slice(0, 80))}.`);
      return host;
    };

    const setVia = async (hostId: string, viaId: string | null) => {
      if (viaId === null) {
        vias.delete(hostId);
        await ctx.storage.delete(`${KEY_PREFIX}${hostId}`);
      } else {
        vias.set(hostId, viaId);
        await ctx.storage.set(`${KEY_PREFIX}${hostId}`, viaId);
      }
    };

    // Chains decide where every plugin's SSH traffic goes: only an admin changes them.
    const adminOnly = (user: PluginRequestEnv["user"]) => {
      if (user?.role !== "admin") throw JumpErrors.create("JUMP_HOST_ERR_FORBIDDEN");
    };

    // A removed host's own chain goes with it (while licensed: nothing is written without the license).
    // Chains through a removed host stay, shown broken, so a host never silently goes direct.
    ctx.ssh.onHostsChanged((hosts) => {
      if (!ctx.license.licensed(MODULE)) return;
      const ids = new Set(hosts.map((h) => h.id));
      for (const id of [...vias.keys()])
        if (!ids.has(id))
          void setVia(id, null).catch((err: unknown) => ctx.log.warn("forgetting a removed host's jump host failed", { error: (err as Error).message }));
    });

    const app = new Hono<{ Bindings: PluginRequestEnv }>()
      .onError((err, c) => errorResponse(err, c.env.requestId))
      .get("/chains", async (c) =>
        c.json<ChainsBody>({ hosts: await rows(), maxHops: MAX_HOPS, licensed: ctx.license.licensed(MODULE), refusal: ctx.license.refusal(MODULE) ?? null }),
      )
      // Sets or clears (via: null) the host this one jumps through. Applies from the host's next connection.
      .put("/hosts/:id/via", async (c) => {
        const locked = ctx.license.require(MODULE);
        if (locked) return locked;
        adminOnly(c.env.user);
        const host = await hostOr404(c.req.param("id"));
        const body = await readBody(c.req.raw);
        const { via } = body;
        if (via !== null && (typeof via !== "string" || via.length === 0 || via.length > 128))
          throw JumpErrors.create("JUMP_HOST_ERR_BAD_REQUEST", "via must be the id of another SSH host, or null to connect directly.");
        if (via !== null) {
          const hosts = await ctx.ssh.hosts();
          const target = hosts.find((h) => h.id === via);
          if (!target) throw JumpErrors.create("JUMP_HOST_ERR_HOST_NOT_FOUND", "The jump host chosen is not a registered SSH host.");
          checkVia(vias, host.id, via, (id) => hosts.find((h) => h.id === id)?.name ?? id);
        }
        await setVia(host.id, via);
        ctx.log.info(via === null ? "jump host cleared" : "jump host set", { hostId: host.id, ...(via !== null && { via }) });
        return c.json((await rows()).find((r) => r.id === host.id));
      })
      // A live check of the chain, hop by hop from the first: each answers a command over the chain so far.
      // A read: it changes nothing, so it also answers after a license lapse.
      .get("/hosts/:id/check", async (c) => {
        const host = await hostOr404(c.req.param("id"));
        const hosts = await ctx.ssh.hosts();
        const byId = new Map(hosts.map((h) => [h.id, h]));
        const { hops } = chainOf(vias, host.id);
        const path = [...hops.map((id) => byId.get(id)), host];
        const checks: HopCheck[] = [];
        let failed = false;
        for (const hop of path) {
          if (!hop) {
            failed = true;
            checks.push({
              id: "",
              name: "(removed host)",
              address: "",
              port: 0,
              state: "failed",
              code: "JUMP_HOST_ERR_HOP_MISSING",
              message: "this jump host was removed",
            });
            continue;
          }
          if (failed) {
            checks.push({ ...view(hop), state: "not-tried" });
            continue;
          }
          const started = performance.now();
          try {
            const r = await ctx.ssh.exec(hop.id, "true", { timeoutMs: CHECK_TIMEOUT_MS });
            if (r.code !== 0) throw new Error(`the test command exited with ${r.code ?? r.signal}`);
            checks.push({ ...view(hop), state: "ok", latencyMs: Math.round((performance.now() - started) * 10) / 10 });
          } catch (err) {
            failed = true;
            const e = err as Error & { code?: unknown; details?: readonly string[] };
            // The row names the hop already: the host's "name (address:port): " prefix is not repeated.
            const where = `${hop.name} (${hop.address}:${hop.port}): `;
            checks.push({
              ...view(hop),
              state: "failed",
              code: typeof e.code === "string" ? e.code : "HOST_ERR_SSH_UNREACHABLE",
              message: e.message.startsWith(where) ? e.message.slice(where.length) : e.message,
              ...(e.details && { details: e.details }),
            });
          }
        }
        return c.json<ChainCheck>({ ok: !failed, hops: checks });
      })
      // Reads ProxyJump lines from a pasted ssh_config and sets the chains of hosts already registered.
      .post("/import", async (c) => {
        const locked = ctx.license.require(MODULE);
        if (locked) return locked;
        adminOnly(c.env.user);
        const { config } = await readBody(c.req.raw);
        if (typeof config !== "string" || config.length > MAX_CONFIG)
          throw JumpErrors.create("JUMP_HOST_ERR_BAD_REQUEST", "config must be the text of an OpenSSH client config (at most 256 KiB).");
        const parsed = parseSshConfig(config);
        const plan = planImport(parsed.hosts, await ctx.ssh.hosts(), vias);
        for (const id of plan.changed) await setVia(id, plan.vias.get(id) ?? null);
        const skipped: ImportSkip[] = [
          ...parsed.skipped
            .filter((s) => s.reason !== "wildcard patterns name no single host")
            .map((s) => ({ entry: s.entry, line: s.line, reason: s.reason })),
          ...plan.skipped,
        ];
        return c.json<ImportBody>({ applied: plan.applied, skipped });
      });
    ctx.routes.mount(app);
  },
});
