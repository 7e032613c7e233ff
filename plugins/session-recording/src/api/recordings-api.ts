/**
 * The Session Recording HTTP API under /api/plugins/session-recording. Reads (GET) answer with or
 * without the license, so recordings stay listed, playable and downloadable after it lapses; the host
 * answers everything else with the module's 402 then (`archnest.unlicensed: "read-only"`).
 */
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { errorResponse, isCodedError, type ModuleRequiredBody, type PluginContext, type PluginRequestEnv } from "@archnest/sdk/plugin";
import { Hono } from "hono";
import { RecordingErrors } from "../errors/index.js";
import { MODULE, type Recordings } from "../recordings/index.js";
import type { Recording } from "../store/index.js";

type Env = { Bindings: PluginRequestEnv };

/** What `GET /status` answers: whether new recordings can start, and why not. */
export interface RecordingStatus {
  licensed: boolean;
  /** The 402 body while unlicensed, for the lock. */
  refusal: ModuleRequiredBody | null;
  /** False while the terminal's session service is not running. */
  terminal: boolean;
}

/** `web-1-2026-12-04-1405.cast`: the host's name and the start, safe in any file system. */
export function castFileName(r: Recording): string {
  const when = new Date(r.startedAt).toISOString().slice(0, 16).replace(/[T:]/g, "-");
  const host = r.host.name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "session";
  return `${host}-${when}.cast`;
}

export function createRecordingsApi(ctx: Pick<PluginContext, "license" | "log">, recordings: Recordings, terminalUp: () => boolean) {
  const castResponse = (r: Recording, attachment: boolean) =>
    new Response(Readable.toWeb(createReadStream(recordings.file(r))) as ReadableStream, {
      headers: {
        "content-type": "application/x-asciicast",
        "cache-control": "no-store",
        ...(attachment && { "content-disposition": `attachment; filename="${castFileName(r)}"` }),
      },
    });

  return new Hono<Env>()
    .onError((err, c) => {
      const requestId = c.env?.requestId ?? "";
      if (!isCodedError(err)) ctx.log.error("session recording request failed", { error: String(err), requestId });
      return errorResponse(err, requestId, RecordingErrors.create("RECORDING_ERR_INTERNAL"));
    })
    .get("/status", (c) => c.json<RecordingStatus>({ licensed: recordings.licensed(), refusal: ctx.license.refusal(MODULE) ?? null, terminal: terminalUp() }))
    .get("/recordings", async (c) => c.json({ recordings: await recordings.list(c.env.user) }))
    .get("/recordings/:id", async (c) => c.json({ recording: await recordings.visible(c.req.param("id"), c.env.user) }))
    .get("/recordings/:id/cast", async (c) => castResponse(await recordings.visible(c.req.param("id"), c.env.user), false))
    .get("/recordings/:id/download", async (c) => castResponse(await recordings.visible(c.req.param("id"), c.env.user), true))
    .delete("/recordings/:id", async (c) => {
      await recordings.delete(c.req.param("id"), c.env.user);
      return c.json({ ok: true });
    })
    .get("/sessions/:sessionId/recording", (c) => c.json({ recording: recordings.current(c.req.param("sessionId")) ?? null }))
    .post("/sessions/:sessionId/recording", async (c) => {
      // The host already answers 402 here without the license; this covers a lapse between the two checks.
      const locked = ctx.license.require(MODULE);
      if (locked) return locked;
      return c.json({ recording: await recordings.record(c.req.param("sessionId"), c.env.user) }, 201);
    })
    .delete("/sessions/:sessionId/recording", async (c) => c.json({ recording: await recordings.stop(c.req.param("sessionId"), c.env.user) }));
}
