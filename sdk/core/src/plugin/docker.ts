/**
 * The Docker capability the host lends to plugins as `ctx.docker`. The host opens the connection to a
 * Docker engine (a unix socket, or TCP with optional TLS client certificates) and owns it: every socket it
 * lends is closed when the plugin is disposed. The plugin speaks the Engine API over it, usually through
 * dockerode with the {@link PluginDocker.agent} as its `agent`. Both members need the `docker` permission
 * in `archnest.permissions` and throw an SdkError with code `SDK_ERR_CAPABILITY_UNDECLARED` without it.
 *
 * Endpoints are a union on `kind`; Docker over SSH will be a further kind naming an SSH host, so code that
 * switches on `kind` keeps compiling when it arrives.
 */
import type { Agent } from "node:http";
import type { Duplex } from "node:stream";

/** An engine behind a unix socket on the host's machine, such as `/var/run/docker.sock`. */
export interface DockerUnixEndpoint {
  kind: "unix";
  /** Absolute path of the socket. */
  socketPath: string;
}

/** An engine listening on TCP, in plain text (port 2375) or with TLS client certificates (port 2376). */
export interface DockerTcpEndpoint {
  kind: "tcp";
  /** Host name or IP address (IPv6 without brackets). */
  host: string;
  port: number;
  /** PEM material for TLS; without it the connection is plain TCP. */
  tls?: { cert: string; key: string; ca?: string };
}

/** Where a Docker engine answers. */
export type DockerEndpoint = DockerUnixEndpoint | DockerTcpEndpoint;

/** Options of {@link PluginDocker.connect} and {@link PluginDocker.agent}. */
export interface DockerConnectOptions {
  /** Give up with `HOST_ERR_DOCKER_CONNECT_TIMEOUT` when the connection is not up after this many ms (default 10000). */
  timeoutMs?: number;
}

/**
 * Stable codes of the errors `ctx.docker` throws (the host documents them in its error catalogue).
 *
 * - `HOST_ERR_DOCKER_ENDPOINT_INVALID`: the endpoint is malformed (unknown kind, relative socket path, bad port).
 * - `HOST_ERR_DOCKER_UNREACHABLE`: the socket or address refused the connection or does not exist.
 * - `HOST_ERR_DOCKER_CONNECT_TIMEOUT`: the connection (or TLS handshake) did not finish in time.
 * - `HOST_ERR_DOCKER_TLS_FAILED`: the TLS handshake failed (certificate refused, unknown CA, bad key).
 */
export type DockerErrorCode =
  | "HOST_ERR_DOCKER_ENDPOINT_INVALID"
  | "HOST_ERR_DOCKER_UNREACHABLE"
  | "HOST_ERR_DOCKER_CONNECT_TIMEOUT"
  | "HOST_ERR_DOCKER_TLS_FAILED";

/**
 * Docker engines as the host lends them.
 *
 * @example
 * ```ts
 * import Docker from "dockerode";
 * const docker = new Docker({ host: "docker", port: 2375, protocol: "http", agent: ctx.docker.agent({ kind: "unix", socketPath: "/var/run/docker.sock" }) });
 * const containers = await docker.listContainers({ all: true });
 * ```
 */
export interface PluginDocker {
  /** Opens one connection to the engine; the plugin writes HTTP/1.1 requests of the Engine API on it. */
  connect(endpoint: DockerEndpoint, options?: DockerConnectOptions): Promise<Duplex>;
  /**
   * An HTTP agent whose every connection goes to the engine through {@link PluginDocker.connect}. Give it
   * to an HTTP client with protocol `http` whatever the endpoint: TLS, when the endpoint has it, is done
   * by the host under the agent. The host name in request URLs is ignored.
   */
  agent(endpoint: DockerEndpoint, options?: DockerConnectOptions): Agent;
}

/** The permission each `ctx.docker` member needs. */
export const DOCKER_PERMISSIONS = { connect: "docker", agent: "docker" } as const satisfies Record<keyof PluginDocker, string>;

/** True when an error thrown by `ctx.docker` carries one of the {@link DockerErrorCode}s. */
export function isDockerError(error: unknown): error is Error & { code: DockerErrorCode } {
  return (
    error instanceof Error &&
    typeof (error as { code?: unknown }).code === "string" &&
    String((error as { code?: unknown }).code).startsWith("HOST_ERR_DOCKER_")
  );
}
