/**
 * The files plugin's error catalogue. Routes answer `{ error: code, message }` and, when the SSH service
 * refused, `reason` (its `HOST_ERR_*` code) and `sftpStatus`. Codes are stable and never reused.
 */
import { isSshError } from "@archnest/sdk/plugin";

export const FILES_ERRORS = {
  FILES_ERR_BAD_REQUEST: { status: 400, fix: "Send the parameters the route documents (host, path, ...)." },
  FILES_ERR_HOST_NOT_FOUND: { status: 404, fix: "Pick an SSH host listed in Settings → Integrations." },
  FILES_ERR_HOST_UNAVAILABLE: { status: 502, fix: "The SSH host did not answer or refused the login; `reason` says which." },
  FILES_ERR_NOT_FOUND: { status: 404, fix: "The file or folder is gone; refresh the listing." },
  FILES_ERR_PERMISSION_DENIED: { status: 403, fix: "The SSH user may not do this here; change the owner or permissions on the host, or use another user." },
  FILES_ERR_FAILED: { status: 409, fix: "The server refused: a full disk or quota, a folder that is not empty, or a read-only file system." },
  FILES_ERR_EXISTS: { status: 409, fix: "Pick another name, or confirm overwriting." },
  FILES_ERR_NOT_A_FILE: { status: 400, fix: "Folders are opened, not downloaded or edited." },
  FILES_ERR_TOO_LARGE: { status: 413, fix: "Files above the editor's size cap are downloaded instead." },
  FILES_ERR_BINARY: { status: 415, fix: "Binary files are downloaded instead of edited." },
  FILES_ERR_CHANGED: { status: 409, fix: "The file changed on the host since it was opened; reload it before saving." },
  FILES_ERR_OFFSET_MISMATCH: { status: 409, fix: "Resume from the `offset` in the answer." },
  FILES_ERR_RANGE: { status: 416, fix: "Ask for bytes inside the file." },
  FILES_ERR_SFTP: { status: 502, fix: "The SFTP server answered an unexpected status; `sftpStatus` names it." },
} as const;

export type FilesErrorCode = keyof typeof FILES_ERRORS;

export class FilesError extends Error {
  readonly code: FilesErrorCode;
  readonly extra: Record<string, string | number>;
  constructor(code: FilesErrorCode, message: string, extra: Record<string, string | number> = {}) {
    super(message);
    this.name = "FilesError";
    this.code = code;
    this.extra = extra;
  }
  get status() {
    return FILES_ERRORS[this.code].status;
  }
  toResponse(): Response {
    return Response.json({ error: this.code, message: this.message, ...this.extra }, { status: this.status });
  }
}

/** What the operation was, so a generic SFTP failure gets a sentence that fits it. */
export type Operation = "list" | "read" | "write" | "upload" | "mkdir" | "rename" | "delete" | "chmod" | "stat";

const FAILURE_HINT: Record<Operation, string> = {
  list: "The folder could not be read.",
  read: "The file could not be read.",
  write: "The file could not be written: the disk may be full, a quota reached, or the file system read-only.",
  upload: "The upload could not be written: the disk may be full, a quota reached, or the file system read-only.",
  mkdir: "The folder could not be created: it may already exist, or the file system is read-only or full.",
  rename: "The rename failed: the target may already exist, or it is on another file system.",
  delete: "The delete failed: a folder must be empty, or the file system is read-only.",
  chmod: "The permissions could not be changed: the SSH user may not own the file, or the file system is read-only.",
  stat: "The file could not be inspected.",
};

/** Turns whatever `ctx.ssh` threw into a FilesError a person can read. */
export function fromSsh(err: unknown, op: Operation, path: string): FilesError {
  if (err instanceof FilesError) return err;
  if (!isSshError(err)) return new FilesError("FILES_ERR_SFTP", err instanceof Error ? err.message : String(err));
  const extra: Record<string, string | number> = { reason: err.code, ...(err.sftpStatus !== undefined && { sftpStatus: err.sftpStatus }) };
  switch (err.code) {
    case "HOST_ERR_SFTP_NO_SUCH_FILE":
      return new FilesError("FILES_ERR_NOT_FOUND", `No such file or folder: ${path}`, extra);
    case "HOST_ERR_SFTP_PERMISSION_DENIED":
      return new FilesError("FILES_ERR_PERMISSION_DENIED", `Permission denied: ${path}`, extra);
    case "HOST_ERR_SFTP_FAILURE":
      return new FilesError("FILES_ERR_FAILED", `${FAILURE_HINT[op]} (${path})`, extra);
    case "HOST_ERR_SFTP_ERROR":
      return new FilesError("FILES_ERR_SFTP", `${err.message} (${path})`, extra);
    case "HOST_ERR_SSH_HOST_NOT_FOUND":
      return new FilesError("FILES_ERR_HOST_NOT_FOUND", err.message, extra);
    default:
      return new FilesError("FILES_ERR_HOST_UNAVAILABLE", err.message, extra);
  }
}
