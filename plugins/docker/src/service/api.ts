/**
 * The `docker-transports` service (version 1) the Docker plugin provides to other plugins on the server:
 * ways to reach an engine beyond a local unix socket and TCP. The Docker over SSH module registers the
 * `ssh` transport, the Docker Push Agent module the `agent` transport (version 1.1); sources of those kinds
 * are kept by the Docker plugin like any other and reach their engine through the transport. A provider
 * declares `"consumes": {"docker-transports": "^1.0.0"}` (`^1.1.0` for `agent`) and
 * `"dependencies": {"docker": "^1.0.0"}`, then:
 *
 * ```ts
 * const transports = ctx.services.consume<DockerTransports>(DOCKER_TRANSPORTS_SERVICE);
 * const registration = transports?.register({ kind: "ssh", module: "docker-over-ssh", targets, connect });
 * ctx.onDispose(() => registration?.dispose());
 * ```
 *
 * While no transport of a kind is registered, sources of that kind stay listed and say what is missing.
 */

import type { Duplex } from "node:stream";
import type { Disposable } from "@archnest/sdk/plugin";
import type { SourceView } from "../api/index.js";

/** The name the Docker plugin provides the service under (`archnest.provides`). */
export const DOCKER_TRANSPORTS_SERVICE = "docker-transports";

/** How an SSH source reaches the engine's socket on its host. */
export type DockerSshVia = "auto" | "socket" | "cli";

/** Where an SSH source's engine is: the SSH host, the engine's socket there, and how to reach it. */
export interface DockerSshTarget {
  hostId: string;
  /** The host's name when the source was saved, for messages. */
  hostName: string;
  /** Absolute path of the engine's socket on the SSH host. */
  socketPath: string;
  /**
   * `socket`: the socket forwarded over the SSH connection (stream-local forwarding); `cli`: `docker
   * system dial-stdio` run on the host, for servers that forbid forwarding; `auto`: the socket, falling
   * back to the CLI when the server refuses the forward.
   */
  via: DockerSshVia;
}

/** Where an agent source's engine is: the agent (its id), and its name when the source was saved. */
export interface DockerAgentTarget {
  hostId: string;
  hostName: string;
}

/** The kinds of source reached through a transport another plugin registers. */
export type DockerTransportKind = "ssh" | "agent";

/** A host a source of the transport's kind may point at, for the form. */
export interface DockerTransportTarget {
  id: string;
  name: string;
  /** `user@address:port` of an SSH host; an agent's state ("online", "last seen ..."), for people. */
  address: string;
  /** An agent's: whether it is connected now, and when it was last heard from (ms since the epoch). */
  online?: boolean;
  lastSeen?: number | null;
  /** An agent's: the container actions it carries (`start`, `stop`, `restart`, `exec`); it refuses the rest. */
  actions?: string[];
}

interface DockerTransportBase {
  /** The module that sells it: adding or changing its sources, and acting on their containers, needs it. */
  module: string;
  /** The hosts (or agents) a source may point at. */
  targets(): Promise<DockerTransportTarget[]>;
}

/**
 * A transport opens one connection to the engine per call; HTTP/1.1 of the Engine API is spoken on it.
 * `connect` rejects with a coded error saying why the engine cannot be reached, within `timeoutMs`.
 */
export interface DockerSshTransport extends DockerTransportBase {
  kind: "ssh";
  connect(target: DockerSshTarget, opts: { timeoutMs: number }): Promise<Duplex>;
}

/** The Docker Push Agent's: a channel to the engine of an agent that connected out to ArchNest. */
export interface DockerAgentTransport extends DockerTransportBase {
  kind: "agent";
  connect(target: DockerAgentTarget, opts: { timeoutMs: number }): Promise<Duplex>;
}

export type DockerTransport = DockerSshTransport | DockerAgentTransport;

export interface DockerTransports {
  /** Registers a transport (one per kind: a second registration of a kind throws). */
  register(transport: DockerTransport): Disposable;
}

/** The name of the Docker plugin's read access to its engines (`archnest.provides`). */
export const DOCKER_ENGINES_SERVICE = "docker-engines";

/** Options of a log read: the last `tail` lines (or all), then following new ones if `follow`. */
export interface DockerLogOptions {
  tail: number | "all";
  follow: boolean;
  timestamps: boolean;
}

/**
 * The `docker-engines` service (version 1): read-only Engine API calls on the sources an admin added,
 * through the Docker plugin's connections, deadlines and coded errors (`DOCKER_ERR_*`, with `status`).
 * The Container Detail View module reads inspects, histories and logs through it.
 *
 * ```ts
 * const engines = ctx.services.consume<DockerEngines>(DOCKER_ENGINES_SERVICE);
 * const inspect = await engines?.get<ContainerInspect>(sourceId, `/containers/${encodeURIComponent(id)}/json`);
 * ```
 */
/** A process to start in a running container (`docker exec`). */
export interface DockerExecOptions {
  /** The command and its arguments, such as `["/bin/bash", "-l"]`. */
  cmd: string[];
  /** `name`, `uid` or `uid:gid`; the image's user when left out. */
  user?: string;
  /** `NAME=value` pairs added to the container's environment (`TERM=xterm-256color`). */
  env?: string[];
  /** The pseudo-terminal's size, set once the process starts. */
  cols: number;
  rows: number;
}

/** A started `docker exec` on a pseudo-terminal. */
export interface DockerExecSession {
  /**
   * The process's terminal: keystrokes in, output out (raw bytes, one stream with a tty). It starts paused,
   * so nothing passes before the caller reads (`resume()` or a `data` listener and `resume()`); it ends
   * when the process exits.
   */
  stream: Duplex;
  /** Changes the pseudo-terminal's size. */
  resize(cols: number, rows: number): Promise<void>;
  /** The process's exit code once it ended, or null while it runs (or when the engine cannot say). */
  exitCode(): Promise<number | null>;
}

export interface DockerEngines {
  /** The sources, as `GET /sources` lists them. */
  sources(): Promise<readonly SourceView[]>;
  /** `GET` of an Engine API path (`/containers/{id}/json`, `/images/{id}/history`, ...) with a query; the parsed JSON. */
  get<T>(sourceId: string, path: string, query?: Record<string, string | number | boolean>): Promise<T>;
  /**
   * A container's logs as NDJSON bytes, one `{stream, text, time?}` per line (the Docker plugin's own log
   * route's format); ends when the container's output ends (or with `signal`, when following).
   */
  logs(sourceId: string, containerId: string, opts: DockerLogOptions, signal: AbortSignal): Promise<ReadableStream<Uint8Array>>;
  /**
   * Starts a process on a pseudo-terminal in a running container, through the source's connection (every
   * source kind). Refused with the Docker plugin's coded errors (`DOCKER_ERR_CONFLICT` for a container that
   * is not running, `DOCKER_ERR_NOT_FOUND`, ...). Acting on a source past the cap, or an SSH or agent source
   * without its module, answers `DOCKER_ERR_LOCKED`.
   */
  exec(sourceId: string, containerId: string, opts: DockerExecOptions): Promise<DockerExecSession>;
}

export type { SourceView, SshSourcesState, TransportSourcesState } from "../api/index.js";
export type { ContainerView } from "../engine/index.js";
