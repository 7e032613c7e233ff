import { Agent } from "node:http";
import type { Duplex } from "node:stream";

/** The socket methods node:http and HTTP clients call on a connection, which a plain stream lacks. */
interface SocketMethods {
  setTimeout(ms: number, onTimeout?: () => void): unknown;
  setNoDelay(noDelay?: boolean): unknown;
  setKeepAlive(enable?: boolean, delay?: number): unknown;
  ref(): unknown;
  unref(): unknown;
}

/**
 * Gives a stream the socket methods it lacks. `setTimeout` is a real idle timeout: `timeout` is emitted
 * once nothing was read or written for that long, as a socket does; the others have nothing to do on a
 * stream that is not a socket of this process.
 */
function socketLike(stream: Duplex): Duplex {
  const s = stream as Duplex & Partial<SocketMethods>;
  if (typeof s.setTimeout !== "function") {
    let ms = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      if (timer) clearTimeout(timer);
      timer = ms > 0 && !stream.destroyed ? setTimeout(() => stream.emit("timeout"), ms) : undefined;
      timer?.unref();
    };
    const push = stream.push.bind(stream);
    stream.push = (chunk: unknown, encoding?: BufferEncoding) => {
      if (ms > 0) arm();
      return push(chunk, encoding);
    };
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((...args: unknown[]) => {
      if (ms > 0) arm();
      return write(...args);
    }) as Duplex["write"];
    stream.once("close", () => {
      ms = 0;
      arm();
    });
    s.setTimeout = (next: number, onTimeout?: () => void) => {
      ms = next;
      if (onTimeout) stream.once("timeout", onTimeout);
      arm();
      return stream;
    };
  }
  const none = () => stream;
  s.setNoDelay ??= none;
  s.setKeepAlive ??= none;
  s.ref ??= none;
  s.unref ??= none;
  return stream;
}

/**
 * An HTTP agent whose every connection is a stream `connect` opens: a lent Docker socket, a unix socket
 * reached over SSH, a command's stdin and stdout. Connections are kept alive and reused like sockets, and
 * a stream that is not a socket gets what node:http calls on one (an idle `setTimeout`, `setNoDelay`, ...).
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
      (socket) => done(null, socketLike(socket)),
      (err: Error) => done(err),
    );
    return undefined;
  }) as unknown as Agent["createConnection"];
  // HTTP clients print their request options, agent included, for debugging (docker-modem does on every
  // request, whether debugging is on or not): a walk through the agent's sockets costs more than the
  // request. It prints as one line.
  Object.defineProperty(agent, Symbol.for("nodejs.util.inspect.custom"), { value: () => "[streamAgent]" });
  return agent;
}
