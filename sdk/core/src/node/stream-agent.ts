import { Agent } from "node:http";
import type { Duplex } from "node:stream";

/**
 * An HTTP agent whose every connection is a stream `connect` opens: a lent Docker socket, a unix socket
 * reached over SSH, a command's stdin and stdout. Connections are kept alive and reused like sockets.
 * Give it to an HTTP client with protocol `http`; the host name in request URLs is never resolved.
 *
 * @example
 * ```ts
 * const agent = streamAgent(() => ctx.ssh.openUnix(hostId, { socketPath: "/var/run/docker.sock" }));
 * const docker = new Docker({ protocol: "http", host: "docker", port: 2375, agent } as Docker.DockerOptions);
 * ```
 */
export function streamAgent(connect: () => Promise<Duplex>): Agent {
  const agent = new Agent({ keepAlive: true });
  // node:http takes a connection asynchronously through the callback form of createConnection.
  agent.createConnection = ((_opts: unknown, done: (err: Error | null, socket?: Duplex) => void) => {
    connect().then(
      (socket) => done(null, socket),
      (err: Error) => done(err),
    );
    return undefined;
  }) as unknown as Agent["createConnection"];
  return agent;
}
