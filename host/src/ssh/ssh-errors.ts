import { type CodedError, isCodedError } from "@archnest/sdk";
import { HostError, type HostErrorCode } from "../errors/index.js";

/** An SFTP failure: a coded host error that also carries the server's SFTP status (RFC draft-ietf-secsh-filexfer-02 section 7). */
export class SftpError extends HostError {
  constructor(
    code: HostErrorCode,
    message: string,
    readonly sftpStatus: number | undefined,
    cause?: unknown,
  ) {
    super(code, message, cause === undefined ? {} : { cause });
  }
}

/**
 * True when ssh2 reports the connection as gone: "Not connected" (thrown when a channel is asked of a dead
 * socket) or "No response from server" (keepalives unanswered).
 */
export function isDisconnect(err: unknown): boolean {
  return err instanceof Error && /not connected|no response/i.test(err.message);
}

/** SFTP status codes (SSH_FX_*) the file plugins branch on. */
const SFTP_STATUS: Record<number, HostErrorCode> = { 2: "HOST_ERR_SFTP_NO_SUCH_FILE", 3: "HOST_ERR_SFTP_PERMISSION_DENIED", 4: "HOST_ERR_SFTP_FAILURE" };

/** Maps an ssh2 SFTP error (its `code` is the SFTP status number) to a coded error naming the operation and path. */
export function sftpError(err: unknown, op: string, path: string): HostError {
  if (err instanceof HostError) return err;
  const status = (err as { code?: unknown } | undefined)?.code;
  const reason = err instanceof Error && err.message ? err.message : "unknown error";
  if (typeof status === "number") {
    const code = SFTP_STATUS[status] ?? "HOST_ERR_SFTP_ERROR";
    return new SftpError(code, `${op} ${path}: ${reason}`, status, err);
  }
  // An SFTP request on a connection that went away also fails with "closed" or "ended".
  if (isDisconnect(err) || /closed|ended/i.test(reason))
    return new HostError("HOST_ERR_SSH_DISCONNECTED", `${op} ${path}: the SSH connection closed`, { cause: err });
  return new SftpError("HOST_ERR_SFTP_ERROR", `${op} ${path}: ${reason}`, undefined, err);
}

const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ECONNRESET", "EPIPE", "EADDRNOTAVAIL"]);

/**
 * Maps a failure while connecting (socket or handshake) to the coded error the admin and plugins see. A
 * coded error is kept as it is: a router's own (a jump host naming the hop that failed) says more than
 * "unreachable" would.
 */
export function connectError(err: unknown, where: string): CodedError {
  if (isCodedError(err)) return err;
  const e = err as Error & { code?: unknown; level?: unknown };
  const message = e instanceof Error ? e.message : String(err);
  if (e.level === "client-authentication") return new HostError("HOST_ERR_SSH_AUTH_FAILED", `${where}: the server refused the credentials`, { cause: err });
  if (e.level === "client-timeout" || e.code === "ETIMEDOUT") return new HostError("HOST_ERR_SSH_TIMEOUT", `${where}: timed out`, { cause: err });
  if (typeof e.code === "string" && UNREACHABLE_CODES.has(e.code))
    return new HostError("HOST_ERR_SSH_UNREACHABLE", `${where}: ${e.code === "ENOTFOUND" ? "the address does not resolve" : `connection failed (${e.code})`}`, {
      cause: err,
    });
  if (/encrypted private OpenSSH key|Cannot parse privateKey|passphrase/i.test(message))
    return new HostError("HOST_ERR_SSH_KEY_INVALID", `${where}: the private key cannot be read`, { cause: err });
  return new HostError("HOST_ERR_SSH_UNREACHABLE", `${where}: the SSH connection failed (${message.slice(0, 200)})`, { cause: err });
}
