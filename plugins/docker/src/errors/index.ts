import { defineErrors } from "@archnest/sdk/plugin";

/**
 * The Docker plugin's error catalogue (README, "Errors"). Every error body is the host's wire shape
 * `{error, message, requestId}`, plus `source` and, for a failed source test, `step` and `cause`; codes
 * are stable and never reused.
 */
export const DockerErrors = defineErrors("DOCKER_ERR", {
  VALIDATION: { status: 400, message: "A source or a query parameter is invalid; the message names the field.", hint: "Correct the field." },
  FORBIDDEN: { status: 403, message: "A member tried to manage sources.", hint: "Ask an admin." },
  SOURCE_NOT_FOUND: { status: 404, message: "No source has this id.", hint: "Reload the page." },
  NOT_FOUND: { status: 404, message: "The engine has no such container (or image, volume).", hint: "It was removed; reload." },
  CONFLICT: {
    status: 409,
    message: "The engine refused because of the object's state (removing a running container).",
    hint: "Stop it first, or remove with force.",
  },
  ENGINE_REFUSED: { status: 400, message: "The engine refused the request for another reason (its message is shown).", hint: "Follow the engine's message." },
  SOURCE_TEST_FAILED: {
    status: 422,
    message: "The source was not saved: testing it failed; `step` names the request and `cause` is the engine's error.",
    hint: "Fix the address, socket or certificates, or save it anyway (`?untested=1`).",
  },
  ENGINE: { status: 502, message: "The engine failed (HTTP 5xx).", hint: "Check the engine's logs." },
  ENGINE_UNREACHABLE: {
    status: 502,
    message: "No connection: the socket is missing, refused, or permission was denied.",
    hint: "Start the engine, fix the path or the socket's permissions.",
  },
  TLS: {
    status: 502,
    message: "The TLS handshake failed (unknown CA, rejected client certificate).",
    hint: "Check the CA and client certificate of the source.",
  },
  ENGINE_TIMEOUT: { status: 504, message: "The engine did not answer in time.", hint: "Check the engine and the network." },
  LOCKED: {
    status: 402,
    message: "The source is read-only (past the free cap, or an SSH or agent source without its module).",
    hint: "Unlock the module the source needs.",
  },
  TRANSPORT_UNAVAILABLE: {
    status: 409,
    message:
      "The source is reached through a transport whose plugin (Docker over SSH, Docker Push Agent) is not installed or not running; the message names it.",
    hint: "Install and enable that plugin from the catalog; the source is kept meanwhile.",
  },
});

export type DockerErrorCode = keyof typeof DockerErrors.table;

/** What a failed source test adds to its error: the request that failed and the engine's error. */
export interface SourceTestFailure {
  step: string;
  cause: { error: DockerErrorCode; message: string };
}

/** An error the plugin answers with: a stable code, the HTTP status that goes with it and a plain message. */
export class DockerPluginError extends DockerErrors.Error {
  override readonly name: string = "DockerPluginError";
  constructor(
    code: DockerErrorCode,
    message: string,
    readonly sourceId?: string,
    /** More of what happened, sent with the error (a failed source test: the step and the engine's error). */
    readonly testFailure?: SourceTestFailure,
  ) {
    super(code, message, { extra: { ...(sourceId !== undefined && { source: sourceId }), ...testFailure } });
  }

  /** The error as a source's or a log stream's `error` field: `{error, message, source?, step?, cause?}`. */
  toJSON(): { error: DockerErrorCode; message: string; source?: string; step?: string; cause?: { error: DockerErrorCode; message: string } } {
    return { error: this.code, message: this.message, ...(this.sourceId !== undefined && { source: this.sourceId }), ...this.testFailure };
  }
}

// Connection-level failures: the engine is not there (or not listening) rather than answering badly.
const UNREACHABLE = new Set(["ENOENT", "ECONNREFUSED", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPIPE", "EACCES", "ENOTSOCK"]);
const TLS = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO$|ERR_OSSL)/;

interface EngineErrorLike {
  code?: unknown;
  statusCode?: unknown;
  json?: unknown;
  message?: unknown;
  name?: unknown;
  reason?: unknown;
}

function engineMessage(e: EngineErrorLike): string {
  const json = e.json;
  if (json && typeof json === "object" && typeof (json as { message?: unknown }).message === "string") return (json as { message: string }).message;
  if (typeof json === "string" && json.trim()) return json.trim();
  if (Buffer.isBuffer(json) && json.length > 0) return json.toString("utf8", 0, 300).trim();
  const m = typeof e.message === "string" ? e.message : String(e);
  // docker-modem wraps the engine's message as "(HTTP code 404) no such container - <engine message> ".
  return m.replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, "").trim();
}

/**
 * Turns whatever dockerode or the socket threw into a {@link DockerPluginError} that says plainly what
 * happened and where. `where` names the source ("local (unix:///var/run/docker.sock)").
 */
export function classifyEngineError(err: unknown, where: string, sourceId?: string): DockerPluginError {
  if (err instanceof DockerPluginError) return err;
  const e = (typeof err === "object" && err !== null ? err : { message: String(err) }) as EngineErrorLike;
  const code = typeof e.code === "string" ? e.code : undefined;
  // The host opens engine connections (ctx.docker) and reports their failures with its own codes; the
  // socket's errno rides along as the cause and words the message as before.
  if (code === "HOST_ERR_DOCKER_CONNECT_TIMEOUT") return classifyEngineError({ name: "TimeoutError" }, where, sourceId);
  if (code === "HOST_ERR_DOCKER_UNREACHABLE" || code === "HOST_ERR_DOCKER_TLS_FAILED") {
    const cause = (err as { cause?: unknown }).cause;
    if (cause !== undefined) return classifyEngineError(cause, where, sourceId);
    if (code === "HOST_ERR_DOCKER_TLS_FAILED") return new DockerPluginError("DOCKER_ERR_TLS", `TLS with the Docker engine ${where} failed.`, sourceId);
    return new DockerPluginError("DOCKER_ERR_ENGINE_UNREACHABLE", `Cannot reach the Docker engine ${where}.`, sourceId);
  }
  if (code === "HOST_ERR_DOCKER_ENDPOINT_INVALID") return new DockerPluginError("DOCKER_ERR_VALIDATION", String(e.message), sourceId);
  // A transport's: the SSH connection, the host's key, the forward or the docker CLI failed; the agent is offline.
  if (code === "HOST_ERR_SSH_TIMEOUT")
    return new DockerPluginError("DOCKER_ERR_ENGINE_TIMEOUT", `The Docker engine ${where} did not answer in time: ${String(e.message)}.`, sourceId);
  if (code && /^(HOST_ERR_SSH_|HOST_ERR_HOST_KEY_|DOCKER_SSH_ERR_|DOCKER_AGENT_ERR_|JUMP_HOST_ERR_)/.test(code))
    return new DockerPluginError("DOCKER_ERR_ENGINE_UNREACHABLE", `Cannot reach the Docker engine ${where}: ${String(e.message)}`, sourceId);
  if (e.name === "AbortError" || e.name === "TimeoutError" || code === "ETIMEDOUT" || code === "ABORT_ERR") {
    return new DockerPluginError("DOCKER_ERR_ENGINE_TIMEOUT", `The Docker engine ${where} did not answer in time.`, sourceId);
  }
  if (code && TLS.test(code)) {
    return new DockerPluginError("DOCKER_ERR_TLS", `TLS with the Docker engine ${where} failed: ${String(e.message)} (${code}).`, sourceId);
  }
  if (code && UNREACHABLE.has(code)) {
    const why: Record<string, string> = {
      ENOENT: "the socket does not exist",
      ECONNREFUSED: "the connection was refused",
      EACCES: "permission denied on the socket",
      ECONNRESET: "the connection was reset",
      ENOTFOUND: "the host name does not resolve",
      ENOTSOCK: "the path is not a socket",
    };
    return new DockerPluginError("DOCKER_ERR_ENGINE_UNREACHABLE", `Cannot reach the Docker engine ${where}: ${why[code] ?? code} (${code}).`, sourceId);
  }
  const status = typeof e.statusCode === "number" ? e.statusCode : undefined;
  if (status !== undefined) {
    const msg = engineMessage(e);
    if (status === 404) return new DockerPluginError("DOCKER_ERR_NOT_FOUND", msg || "Not found on the engine.", sourceId);
    if (status === 409) return new DockerPluginError("DOCKER_ERR_CONFLICT", msg || "The engine refused: conflict.", sourceId);
    if (status >= 400 && status < 500)
      return new DockerPluginError("DOCKER_ERR_ENGINE_REFUSED", msg || `The engine refused the request (${status}).`, sourceId);
    return new DockerPluginError("DOCKER_ERR_ENGINE", `The Docker engine ${where} failed: ${msg || `HTTP ${status}`}.`, sourceId);
  }
  if (/socket hang up|timeout/i.test(String(e.message))) {
    return new DockerPluginError("DOCKER_ERR_ENGINE_UNREACHABLE", `Cannot reach the Docker engine ${where}: ${String(e.message)}.`, sourceId);
  }
  return new DockerPluginError("DOCKER_ERR_ENGINE", `The Docker engine ${where} failed: ${String(e.message ?? err)}.`, sourceId);
}
