/**
 * The files plugin's error catalogue. Routes answer the host's wire shape `{error, message, requestId}`
 * and, when the SSH service refused, `reason` (its `HOST_ERR_*` code) and `sftpStatus`. Codes are stable
 * and never reused.
 */
import { defineErrors, isSshError } from "@archnest/sdk/plugin";

export const FilesErrors = defineErrors("FILES_ERR", {
  BAD_REQUEST: {
    status: 400,
    message: "A parameter of the request is missing or invalid.",
    hint: "Send the parameters the route documents (host, path, ...).",
  },
  HOST_NOT_FOUND: { status: 404, message: "No SSH host has this id.", hint: "Pick an SSH host listed in Settings → Integrations." },
  HOST_UNAVAILABLE: {
    status: 502,
    message: "The SSH host could not be reached or refused the login.",
    hint: "The SSH host did not answer or refused the login; `reason` says which.",
  },
  NOT_FOUND: { status: 404, message: "The remote file or folder does not exist.", hint: "The file or folder is gone; refresh the listing." },
  PERMISSION_DENIED: {
    status: 403,
    message: "The SSH user may not read or change this file or folder.",
    hint: "The SSH user may not do this here; change the owner or permissions on the host, or use another user.",
  },
  FAILED: {
    status: 409,
    message: "The SSH server refused the file operation.",
    hint: "The server refused: a full disk or quota, a folder that is not empty, or a read-only file system.",
  },
  EXISTS: { status: 409, message: "A file or folder with this name already exists.", hint: "Pick another name, or confirm overwriting." },
  NOT_A_FILE: { status: 400, message: "The path is a folder, not a file.", hint: "Folders are opened, not downloaded or edited." },
  TOO_LARGE: { status: 413, message: "The file is larger than the editor opens.", hint: "Files above the editor's size cap are downloaded instead." },
  BINARY: { status: 415, message: "The file is not UTF-8 text.", hint: "Binary files are downloaded instead of edited." },
  CHANGED: { status: 409, message: "The file changed on the host since it was opened.", hint: "Reload it before saving." },
  OFFSET_MISMATCH: { status: 409, message: "The upload's offset differs from the bytes the host holds.", hint: "Resume from the `offset` in the answer." },
  RANGE: { status: 416, message: "The requested byte range lies outside the file.", hint: "Ask for bytes inside the file." },
  SFTP: { status: 502, message: "The SFTP server answered an unexpected status.", hint: "`sftpStatus` names the status; try again." },
});

export type FilesErrorCode = keyof typeof FilesErrors.table;

export class FilesError extends FilesErrors.Error {
  override readonly name: string = "FilesError";
  constructor(code: FilesErrorCode, message: string, extra: Readonly<Record<string, string | number>> = {}) {
    super(code, message, { extra });
  }
  /** The wire body without a request id: the host adds the id of the request it forwarded. */
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
