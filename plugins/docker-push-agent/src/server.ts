/**
 * Docker Push Agent: Docker hosts ArchNest cannot reach. An agent on the host (`npx @archnest/docker-agent`,
 * or its container image) enrolls once with a one-time token, then connects out over a WebSocket, proving
 * its Ed25519 key on each connection. It pushes its engine's state and container events, and carries the
 * Docker plugin's Engine API calls to its engine through its own policy: reading always, start, stop,
 * restart and exec only when the admin allows them here (none by default) and the agent's `--allow`
 * ceiling does too. The plugin registers the `agent` transport of the Docker plugin, so an enrolled agent's
 * host is a Docker source like any other, with its last-seen time.
 *
 * Without the license the plugin stays loaded read-only: agents and their last state stay listed, the host
 * refuses new agent connections and this plugin closes open ones, and the Docker plugin keeps agent
 * sources listed, read-only.
 */

import { DOCKER_TRANSPORTS_SERVICE, type DockerTransports } from "@archnest/docker/service";
import { AGENT_ACTIONS, type AgentAction } from "@archnest/docker-agent/protocol";
import { definePlugin, errorResponse, isCodedError, type PluginContext, type PluginRequestEnv } from "@archnest/sdk/plugin";
import { type Context, Hono } from "hono";
import { DockerAgentErrors } from "./errors.js";
import { AgentHub, type AgentView, MODULE } from "./hub.js";

export { DockerAgentErrors } from "./errors.js";
export type { AgentView } from "./hub.js";

type Env = { Bindings: PluginRequestEnv };

/** What `GET /agents` answers, licensed or not. */
export interface AgentsBody {
  agents: AgentView[];
  actions: readonly AgentAction[];
  pendingTokens: { name: string; createdAt: number; expiresAt: number }[];
  licensed: boolean;
  /** The module's 402 body while it is not licensed (for the page's lock), else null. */
  refusal: ReturnType<PluginContext["license"]["refusal"]> | null;
}

/** What `POST /tokens` answers: the token, shown once. */
export interface TokenBody {
  token: string;
  name: string;
  expiresAt: number;
}

const NAME = /^[\w .@-]{1,60}$/;

function forbidIfMember(c: Context<Env>): void {
  if (c.env?.user?.role !== "admin") throw DockerAgentErrors.create("DOCKER_AGENT_ERR_FORBIDDEN", "Only an admin can enroll, change or remove agents.");
}

function parseName(v: unknown, field: string): string {
  const name = typeof v === "string" ? v.trim() : "";
  if (!NAME.test(name)) throw DockerAgentErrors.create("DOCKER_AGENT_ERR_VALIDATION", `${field} is 1-60 letters, digits, spaces, dots, dashes or underscores.`);
  return name;
}

export function createAgentApi(ctx: Pick<PluginContext, "license" | "log">, hub: AgentHub): Hono<Env> {
  return new Hono<Env>()
    .onError((err, c) => {
      const requestId = c.env?.requestId ?? "";
      if (isCodedError(err)) return errorResponse(err, requestId);
      ctx.log.error("docker agents request failed", { error: String(err), requestId });
      return errorResponse(err, requestId);
    })
    .get("/agents", async (c) =>
      c.json<AgentsBody>({
        agents: await hub.list(),
        actions: AGENT_ACTIONS,
        pendingTokens: c.env?.user?.role === "admin" ? await hub.pendingTokens() : [],
        licensed: ctx.license.licensed(MODULE),
        refusal: ctx.license.refusal(MODULE) ?? null,
      }),
    )
    .post("/tokens", async (c) => {
      forbidIfMember(c);
      const locked = ctx.license.require(MODULE);
      if (locked) return locked;
      const body = (await c.req.json().catch(() => ({}))) as { name?: unknown };
      const name = body.name === undefined || body.name === "" ? "" : parseName(body.name, "name");
      return c.json<TokenBody>(await hub.createToken(name, c.env.user.username), 201);
    })
    .put("/agents/:id", async (c) => {
      forbidIfMember(c);
      const locked = ctx.license.require(MODULE);
      if (locked) return locked;
      const body = (await c.req.json().catch(() => undefined)) as { name?: unknown; actions?: unknown } | undefined;
      if (typeof body !== "object" || body === null) throw DockerAgentErrors.create("DOCKER_AGENT_ERR_VALIDATION", "Send a JSON object: {name?, actions?}.");
      let actions: AgentAction[] | undefined;
      if (body.actions !== undefined) {
        if (!Array.isArray(body.actions) || body.actions.some((a) => !(AGENT_ACTIONS as readonly unknown[]).includes(a)))
          throw DockerAgentErrors.create("DOCKER_AGENT_ERR_VALIDATION", `actions is a list of ${AGENT_ACTIONS.join(", ")}.`);
        actions = AGENT_ACTIONS.filter((a) => (body.actions as unknown[]).includes(a));
      }
      const record = await hub.update(c.req.param("id"), {
        ...(body.name !== undefined && { name: parseName(body.name, "name") }),
        ...(actions && { actions }),
      });
      return c.json(hub.view(record));
    })
    .delete("/agents/:id", async (c) => {
      forbidIfMember(c);
      const locked = ctx.license.require(MODULE);
      if (locked) return locked;
      await hub.remove(c.req.param("id"));
      return c.json({ ok: true });
    });
}

export default definePlugin({
  setup(ctx) {
    const hub = new AgentHub(ctx);
    ctx.onDispose(() => hub.close());
    ctx.onDispose(ctx.ws.handleAgent("connect", (socket, req) => hub.accept(socket, req.remoteAddress)).dispose);
    ctx.routes.mount(createAgentApi(ctx, hub));
    const transports = ctx.services.consume<DockerTransports>(DOCKER_TRANSPORTS_SERVICE);
    const registration = transports?.register({
      kind: "agent",
      module: MODULE,
      async targets() {
        return (await hub.list()).map((a) => ({
          id: a.id,
          name: a.name,
          address: a.online
            ? `online, ${a.hostname}`
            : a.lastSeen
              ? `offline, last seen ${new Date(a.lastSeen).toISOString().slice(0, 16).replace("T", " ")} UTC`
              : "never connected",
          online: a.online,
          lastSeen: a.lastSeen,
          actions: [...a.actions],
        }));
      },
      connect: (target, opts) => hub.open(target.hostId, opts.timeoutMs),
    });
    if (registration) ctx.onDispose(() => registration.dispose());
    else ctx.log.warn("the Docker plugin's docker-transports service is missing: agents connect, but their hosts are not Docker sources");
    ctx.log.info("docker push agent ready");
  },
});
