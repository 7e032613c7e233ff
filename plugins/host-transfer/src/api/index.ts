/**
 * The Host-to-Host Transfer HTTP API under /api/plugins/host-transfer. Reads (GET) answer with or without
 * the license, so the job history stays readable after it lapses; the host answers everything else with
 * the module's 402 then (`archnest.unlicensed: "read-only"`).
 */
import { posix } from "node:path";
import { errorResponse, isCodedError, isSshError, type ModuleRequiredBody, type PluginContext, type PluginRequestEnv } from "@archnest/sdk/plugin";
import { Hono } from "hono";
import { TransferErrors } from "../errors/index.js";
import { type ConflictAction, type ConflictPolicy, MODULE, type NewJob, type Transfers } from "../jobs/index.js";

type Env = { Bindings: PluginRequestEnv };

/** What `GET /status` answers: whether new transfers can start, and why not. */
export interface TransferStatus {
  licensed: boolean;
  /** The 402 body while unlicensed, for the lock. */
  refusal: ModuleRequiredBody | null;
}

/** One entry of `GET /browse`. */
export interface BrowseEntry {
  name: string;
  path: string;
  type: "file" | "directory" | "symlink" | "other";
  size: number;
  mtime: number;
}

const ACTIONS: readonly ConflictAction[] = ["skip", "overwrite", "rename"];
const POLICIES: readonly ConflictPolicy[] = ["ask", ...ACTIONS];
const MAX_PATHS = 1000;

function invalid(message: string): never {
  throw TransferErrors.create("TRANSFER_ERR_VALIDATION", message);
}

function absolutePath(value: unknown, field: string): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.length > 4096 || value.includes("\0")) invalid(`${field} must be an absolute path.`);
  return posix.normalize(value);
}

async function body(req: Request): Promise<Record<string, unknown>> {
  const parsed: unknown = await req.json().catch(() => invalid("The body must be JSON."));
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) invalid("The body must be a JSON object.");
  return parsed as Record<string, unknown>;
}

export function parseNewJob(b: Record<string, unknown>): NewJob {
  const kind = b.kind ?? "copy";
  if (kind !== "copy" && kind !== "move") invalid("kind must be copy or move.");
  if (typeof b.sourceHostId !== "string" || b.sourceHostId === "") invalid("sourceHostId must name an SSH host.");
  if (typeof b.targetHostId !== "string" || b.targetHostId === "") invalid("targetHostId must name an SSH host.");
  if (!Array.isArray(b.paths) || b.paths.length === 0 || b.paths.length > MAX_PATHS) invalid(`paths must list 1 to ${MAX_PATHS} files or folders.`);
  const paths = b.paths.map((p, i) => absolutePath(p, `paths[${i}]`));
  if (paths.includes("/")) invalid("The root folder cannot be transferred as a whole.");
  const policy = b.conflicts ?? "ask";
  if (!POLICIES.includes(policy as ConflictPolicy)) invalid("conflicts must be ask, skip, overwrite or rename.");
  return {
    kind,
    sourceHostId: b.sourceHostId,
    paths,
    targetHostId: b.targetHostId,
    folder: absolutePath(b.folder, "folder"),
    policy: policy as ConflictPolicy,
  };
}

export function createTransferApi(ctx: Pick<PluginContext, "license" | "log" | "ssh">, transfers: Transfers) {
  // The host answers 402 before these run without the license; this covers a lapse between the two checks.
  const locked = () => ctx.license.require(MODULE);
  // A member sees and acts on the transfers they started; an admin on every one. Another member's job
  // answers as if it did not exist, so its paths and hosts stay private.
  const mine = (user: PluginRequestEnv["user"], id: string): string => {
    const job = transfers.get(id);
    if (user?.role !== "admin" && job.createdBy !== user?.username) throw TransferErrors.create("TRANSFER_ERR_JOB_NOT_FOUND");
    return id;
  };
  return new Hono<Env>()
    .onError((err, c) => {
      const requestId = c.env?.requestId ?? "";
      if (isSshError(err)) {
        const status =
          err.code === "HOST_ERR_SSH_HOST_NOT_FOUND" || err.code === "HOST_ERR_SFTP_NO_SUCH_FILE"
            ? 404
            : err.code === "HOST_ERR_SFTP_PERMISSION_DENIED"
              ? 403
              : 502;
        return c.json({ error: err.code, message: err.message, requestId }, status);
      }
      if (!isCodedError(err)) ctx.log.error("transfer request failed", { error: String(err), requestId });
      return errorResponse(err, requestId, TransferErrors.create("TRANSFER_ERR_INTERNAL"));
    })
    .get("/status", (c) => c.json<TransferStatus>({ licensed: transfers.licensed(), refusal: ctx.license.refusal(MODULE) ?? null }))
    .get("/hosts", async (c) => c.json({ hosts: (await ctx.ssh.hosts()).map((h) => ({ id: h.id, name: h.name, address: h.address, user: h.user })) }))
    .get("/browse", async (c) => {
      const host = c.req.query("host") ?? invalid("host must name an SSH host.");
      const sftp = await ctx.ssh.sftp(host);
      try {
        const path = await sftp.realpath(c.req.query("path") || ".");
        const entries: BrowseEntry[] = (await sftp.readdir(path))
          .map((e) => ({ name: e.name, path: posix.join(path, e.name), type: e.type, size: e.size, mtime: e.mtime }))
          .sort((a, b) => ((a.type === "directory") !== (b.type === "directory") ? (a.type === "directory" ? -1 : 1) : a.name.localeCompare(b.name)));
        return c.json({ path, entries });
      } finally {
        await sftp.close();
      }
    })
    .get("/jobs", (c) => {
      const user = c.env.user;
      const jobs = transfers.list();
      return c.json({ jobs: user?.role === "admin" ? jobs : jobs.filter((j) => j.createdBy === user?.username) });
    })
    .post("/jobs", async (c) => {
      const refused = locked();
      if (refused) return refused;
      return c.json({ job: await transfers.create(parseNewJob(await body(c.req.raw)), c.env.user.username) }, 201);
    })
    .post("/jobs/:id/resolve", async (c) => {
      const refused = locked();
      if (refused) return refused;
      const b = await body(c.req.raw);
      if (!ACTIONS.includes(b.action as ConflictAction)) invalid("action must be skip, overwrite or rename.");
      if (b.target !== undefined && typeof b.target !== "string") invalid("target must be a destination path from the job's conflicts.");
      return c.json({ job: await transfers.resolve(mine(c.env.user, c.req.param("id")), b.action as ConflictAction, b.target as string | undefined) });
    })
    .post("/jobs/:id/cancel", async (c) => {
      const id = mine(c.env.user, c.req.param("id"));
      const b = await body(c.req.raw).catch(() => ({}) as Record<string, unknown>);
      return c.json({ job: await transfers.cancel(id, b.removePartial === true) });
    })
    .post("/jobs/:id/resume", async (c) => {
      const refused = locked();
      if (refused) return refused;
      return c.json({ job: await transfers.resume(mine(c.env.user, c.req.param("id"))) });
    })
    .delete("/jobs/:id", async (c) => {
      await transfers.remove(mine(c.env.user, c.req.param("id")));
      return c.json({ ok: true });
    });
}
