/**
 * Container Detail View: the full inspect of a container (ports, networks, mounts, environment masked
 * until revealed, labels, restart policy, health checks and their last results, resource limits), its
 * logs searched and downloaded whole, and the same depth for images (layers, history, containers made
 * from it) and volumes (which containers mount it, where). It reads the engines through the Docker
 * plugin's `docker-engines` service, so every source kind works (unix, TCP/TLS, SSH). It stores nothing:
 * without the license it is not loaded, and the Docker page shows the module's lock in its place.
 */

import { DOCKER_ENGINES_SERVICE, type DockerEngines } from "@archnest/docker/service";
import { defineErrors, definePlugin, errorResponse, isCodedError, type PluginRequestEnv } from "@archnest/sdk/plugin";
import { Hono } from "hono";
import {
  type ContainerDetail,
  containerDetail,
  type EngineContainer,
  type EngineHistoryEntry,
  type EngineImage,
  type EngineListedContainer,
  type EngineVolume,
  type ImageDetail,
  imageDetail,
  splitEnv,
  type VolumeDetail,
  volumeDetail,
} from "./inspect.js";

export type { ContainerDetail, HealthCheck, ImageDetail, VolumeDetail } from "./inspect.js";

/** The plugin's error catalogue (README, "Errors"); codes are stable and never reused. */
export const DetailErrors = defineErrors("CONTAINER_DETAIL_ERR", {
  VALIDATION: { status: 400, message: "A query parameter is invalid; the message names it.", hint: "Correct it." },
  FORBIDDEN: { status: 403, message: "Only an admin reveals a container's environment values.", hint: "Ask an admin." },
  UNAVAILABLE: { status: 503, message: "The Docker plugin is not running.", hint: "Enable the Docker plugin." },
  LOG_ENDED: {
    status: 502,
    message: "The engine stopped sending the log part way; the message says why.",
    hint: "Search again; check the engine if it persists.",
  },
});

/** A log line as the search answers it: its number in the read (1-based), time, stream and text. */
export interface LogMatch {
  line: number;
  time: string | null;
  stream: string;
  text: string;
}

/** What `GET .../logs/search` answers. */
export interface LogSearch {
  query: string;
  /** Lines read from the engine (the whole log, or the last `tail`). */
  scanned: number;
  matches: LogMatch[];
  /** More lines matched than the first {@link MAX_MATCHES} answered. */
  truncated: boolean;
}

const MAX_MATCHES = 1000;
const MAX_QUERY = 200;

interface NdjsonLine {
  stream?: string;
  text?: string;
  time?: string;
  error?: string;
  message?: string;
}

/** Reads the Docker plugin's NDJSON log stream line by line. */
async function* logLines(body: ReadableStream<Uint8Array>): AsyncGenerator<NdjsonLine> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true });
    let at = buffered.indexOf("\n");
    while (at >= 0) {
      const line = buffered.slice(0, at);
      buffered = buffered.slice(at + 1);
      if (line) yield JSON.parse(line) as NdjsonLine;
      at = buffered.indexOf("\n");
    }
  }
  if (buffered) yield JSON.parse(buffered) as NdjsonLine;
}

function tailOf(value: string | undefined): number | "all" {
  if (value === undefined || value === "all") return "all";
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000)
    throw DetailErrors.create("CONTAINER_DETAIL_ERR_VALIDATION", 'tail is a whole number from 1 to 1000000, or "all".');
  return n;
}

export default definePlugin({
  setup(ctx) {
    const engines = (): DockerEngines => {
      const service = ctx.services.consume<DockerEngines>(DOCKER_ENGINES_SERVICE);
      if (!service) throw DetailErrors.create("CONTAINER_DETAIL_ERR_UNAVAILABLE");
      return service;
    };
    const id = (value: string) => encodeURIComponent(value);
    const inspect = (sid: string, cid: string) => engines().get<EngineContainer>(sid, `/containers/${id(cid)}/json`);

    const app = new Hono<{ Bindings: PluginRequestEnv }>()
      .onError((err, c) => {
        if (!isCodedError(err)) ctx.log.error("container detail request failed", { error: String(err), requestId: c.env.requestId });
        return errorResponse(err, c.env.requestId);
      })
      .get("/sources/:sid/containers/:cid", async (c) => c.json<ContainerDetail>(containerDetail(await inspect(c.req.param("sid"), c.req.param("cid")))))
      // Values are read from the engine when a person asks, answered once, and never logged or kept.
      .get("/sources/:sid/containers/:cid/env", async (c) => {
        if (c.env.user?.role !== "admin") throw DetailErrors.create("CONTAINER_DETAIL_ERR_FORBIDDEN");
        const env = splitEnv((await inspect(c.req.param("sid"), c.req.param("cid"))).Config.Env);
        return c.json({ env }, 200, { "cache-control": "no-store" });
      })
      .get("/sources/:sid/containers/:cid/logs/search", async (c) => {
        const query = (c.req.query("q") ?? "").trim();
        if (query.length === 0 || query.length > MAX_QUERY) throw DetailErrors.create("CONTAINER_DETAIL_ERR_VALIDATION", `q is 1-${MAX_QUERY} characters.`);
        const tail = tailOf(c.req.query("tail"));
        const body = await engines().logs(c.req.param("sid"), c.req.param("cid"), { tail, follow: false, timestamps: true }, c.req.raw.signal);
        const needle = query.toLowerCase();
        const result: LogSearch = { query, scanned: 0, matches: [], truncated: false };
        for await (const l of logLines(body)) {
          if (l.error) throw DetailErrors.create("CONTAINER_DETAIL_ERR_LOG_ENDED", `${l.message ?? "The log ended early"} (${l.error}).`);
          result.scanned++;
          if (!(l.text ?? "").toLowerCase().includes(needle)) continue;
          if (result.matches.length >= MAX_MATCHES) {
            result.truncated = true;
            continue;
          }
          result.matches.push({ line: result.scanned, time: l.time ?? null, stream: l.stream ?? "stdout", text: l.text ?? "" });
        }
        return c.json(result);
      })
      // The whole log (or its last `tail` lines) as a text file, each line after its time, streamed.
      .get("/sources/:sid/containers/:cid/logs/download", async (c) => {
        const tail = tailOf(c.req.query("tail"));
        const sid = c.req.param("sid");
        const cid = c.req.param("cid");
        const name = (await inspect(sid, cid)).Name.replace(/^\//, "").replace(/[^\w.-]+/g, "_") || "container";
        const body = await engines().logs(sid, cid, { tail, follow: false, timestamps: true }, c.req.raw.signal);
        const encoder = new TextEncoder();
        const lines = logLines(body);
        const text = new ReadableStream<Uint8Array>({
          async pull(controller) {
            const next = await lines.next();
            if (next.done) return controller.close();
            const l = next.value;
            const line = l.error
              ? `# the log ended early: ${l.message ?? l.error}`
              : `${l.time ?? ""}${l.time ? " " : ""}${l.stream === "stderr" ? "[stderr] " : ""}${l.text ?? ""}`;
            controller.enqueue(encoder.encode(`${line}\n`));
          },
          async cancel() {
            await lines.return(undefined);
          },
        });
        return new Response(text, {
          headers: {
            "content-type": "text/plain; charset=utf-8",
            "content-disposition": `attachment; filename="${name}-logs.txt"`,
            "cache-control": "no-store",
          },
        });
      })
      .get("/sources/:sid/images/:iid", async (c) => {
        const sid = c.req.param("sid");
        const iid = c.req.param("iid");
        const [image, history, containers] = await Promise.all([
          engines().get<EngineImage>(sid, `/images/${id(iid)}/json`),
          engines().get<EngineHistoryEntry[]>(sid, `/images/${id(iid)}/history`),
          engines().get<EngineListedContainer[]>(sid, "/containers/json", { all: true }),
        ]);
        const made = containers
          .filter((x) => x.ImageID === image.Id)
          .map((x) => ({ id: x.Id, name: (x.Names?.[0] ?? x.Id.slice(0, 12)).replace(/^\//, ""), state: x.State }));
        return c.json<ImageDetail>(imageDetail(image, history, made));
      })
      .get("/sources/:sid/volumes/:name", async (c) => {
        const sid = c.req.param("sid");
        const name = c.req.param("name");
        const [volume, containers] = await Promise.all([
          engines().get<EngineVolume>(sid, `/volumes/${id(name)}`),
          engines().get<EngineListedContainer[]>(sid, "/containers/json", { all: true, filters: JSON.stringify({ volume: [name] }) }),
        ]);
        return c.json<VolumeDetail>(volumeDetail(volume, containers));
      });
    ctx.routes.mount(app);
  },
});
