import { isIP, connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import type { DockerConnectOptions, DockerEndpoint, DockerErrorCode, PluginDocker } from "../plugin/docker.js";
import type { Disposable } from "../plugin/index.js";
import { streamAgent } from "./stream-agent.js";

/** A failure of a lent Docker connection, with the code the host's catalogue documents. */
export class DockerConnectError extends Error {
  constructor(
    readonly code: DockerErrorCode,
    message: string,
    options?: { cause: unknown },
  ) {
    super(message, options);
    this.name = "DockerConnectError";
  }
}

const DEFAULT_CONNECT_MS = 10_000;
// OpenSSL and Node TLS error codes: a handshake that failed, as opposed to an engine that is not there.
const TLS_ERROR = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO$|ERR_OSSL)/;

function checkEndpoint(endpoint: DockerEndpoint): void {
  const e = endpoint as Partial<DockerEndpoint> & { kind?: unknown };
  if (e?.kind === "unix") {
    const p = (e as { socketPath?: unknown }).socketPath;
    if (typeof p === "string" && p.startsWith("/") && !p.includes("\0")) return;
    throw new DockerConnectError("HOST_ERR_DOCKER_ENDPOINT_INVALID", "A unix Docker endpoint needs an absolute socketPath.");
  }
  if (e?.kind === "tcp") {
    const { host, port } = e as { host?: unknown; port?: unknown };
    if (typeof host === "string" && host.length > 0 && typeof port === "number" && Number.isInteger(port) && port >= 1 && port <= 65535) return;
    throw new DockerConnectError("HOST_ERR_DOCKER_ENDPOINT_INVALID", "A tcp Docker endpoint needs a host and a port from 1 to 65535.");
  }
  throw new DockerConnectError("HOST_ERR_DOCKER_ENDPOINT_INVALID", `Unknown Docker endpoint kind ${JSON.stringify(e?.kind)}; use "unix" or "tcp".`);
}

function where(endpoint: DockerEndpoint): string {
  return endpoint.kind === "unix"
    ? `unix://${endpoint.socketPath}`
    : `tcp://${endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`;
}

/** Opens one socket to the engine and settles once it is usable (after the TLS handshake for TLS endpoints). */
function open(endpoint: DockerEndpoint, timeoutMs: number): Promise<Socket> {
  checkEndpoint(endpoint);
  return new Promise((resolve, reject) => {
    const tls = endpoint.kind === "tcp" ? endpoint.tls : undefined;
    const socket: Socket =
      endpoint.kind === "unix"
        ? netConnect({ path: endpoint.socketPath })
        : tls
          ? tlsConnect({
              host: endpoint.host,
              port: endpoint.port,
              cert: tls.cert,
              key: tls.key,
              ...(tls.ca && { ca: tls.ca }),
              ...(!isIP(endpoint.host) && { servername: endpoint.host }),
            })
          : netConnect({ host: endpoint.host, port: endpoint.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new DockerConnectError("HOST_ERR_DOCKER_CONNECT_TIMEOUT", `${where(endpoint)} did not accept a connection within ${timeoutMs} ms.`));
    }, timeoutMs);
    const failed = (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      const tlsFailure = tls !== undefined && TLS_ERROR.test(err.code ?? "");
      reject(
        tlsFailure
          ? new DockerConnectError("HOST_ERR_DOCKER_TLS_FAILED", `TLS with ${where(endpoint)} failed: ${err.message}`, { cause: err })
          : new DockerConnectError("HOST_ERR_DOCKER_UNREACHABLE", `${where(endpoint)} could not be reached: ${err.message}`, { cause: err }),
      );
    };
    socket.once("error", failed);
    socket.once(tls ? "secureConnect" : "connect", () => {
      clearTimeout(timer);
      socket.off("error", failed);
      // A later error (the engine resets the connection) closes the socket rather than crashing the host
      // when the borrower attached no listener; listeners it attached still hear it.
      socket.on("error", () => socket.destroy());
      resolve(socket);
    });
  });
}

/**
 * The connections behind `ctx.docker`, without the permission check: the host wraps it with the check,
 * the test context lends it as is. Every socket (and agent) is handed to `track`, whose disposable the
 * caller runs when the plugin is unloaded; sockets that close and agents the plugin destroys untrack
 * themselves.
 *
 * @example
 * ```ts
 * const docker = createDockerLender((d) => instance.track(d));
 * const socket = await docker.connect({ kind: "unix", socketPath: "/var/run/docker.sock" });
 * ```
 */
export function createDockerLender(track: (d: Disposable) => Disposable): PluginDocker {
  const lend = async (endpoint: DockerEndpoint, options: DockerConnectOptions | undefined): Promise<Socket> => {
    const socket = await open(endpoint, options?.timeoutMs ?? DEFAULT_CONNECT_MS);
    const tracked = track({ dispose: () => void socket.destroy() });
    socket.once("close", () => void tracked.dispose());
    return socket;
  };
  return {
    connect: (endpoint, options) => lend(endpoint, options),
    agent(endpoint, options) {
      checkEndpoint(endpoint);
      const agent = streamAgent(() => lend(endpoint, options));
      // The plugin may drop an agent (a source was edited) long before it is unloaded: destroying it
      // releases the hold too, so agents made and dropped over months do not pile up.
      const destroy = agent.destroy.bind(agent);
      const tracked = track({ dispose: destroy });
      agent.destroy = () => {
        destroy();
        void tracked.dispose();
      };
      return agent;
    },
  };
}
