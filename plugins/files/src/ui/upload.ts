/**
 * Browser side of resumable uploads: ask the host how much of the file it already has, stream the rest
 * with one PUT (XMLHttpRequest, because fetch reports no upload progress), and on a network error ask
 * again and continue from there, with backoff, before handing control back to the person.
 */
import { CSRF_HEADER, getCsrfToken } from "@archnest/sdk/web";

const BASE = "/api/plugins/files";

export type UploadState = "queued" | "uploading" | "paused" | "failed" | "done";

export interface UploadStatus {
  offset: number;
  exists: boolean;
}

export class UploadError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
  ) {
    super(message);
  }
}

const q = (params: Record<string, string | number>) =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join("&");

async function json<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => ({}))) as { error?: string; message?: string };
  if (!res.ok) throw new UploadError(body.message ?? `HTTP ${res.status}`, body.error ?? `HTTP_${res.status}`, res.status);
  return body as T;
}

export async function uploadStatus(host: string, path: string): Promise<UploadStatus> {
  return json<UploadStatus>(await fetch(`${BASE}/upload?${q({ host, path })}`, { credentials: "same-origin" }));
}

export async function discardUpload(host: string, path: string): Promise<void> {
  const headers: Record<string, string> = {};
  const token = getCsrfToken();
  if (token) headers[CSRF_HEADER] = token;
  await json(await fetch(`${BASE}/upload?${q({ host, path })}`, { method: "DELETE", credentials: "same-origin", headers }));
}

/** One PUT of `blob` at `offset`; resolves with the server's answer, rejects on a network error or abort. */
function put(url: string, blob: Blob, onProgress: (loaded: number) => void, signal: AbortSignal): Promise<{ offset: number; done: boolean }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    const token = getCsrfToken();
    if (token) xhr.setRequestHeader(CSRF_HEADER, token);
    xhr.setRequestHeader("content-type", "application/octet-stream");
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      let body: { offset?: number; done?: boolean; error?: string; message?: string } = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {}
      if (xhr.status >= 200 && xhr.status < 300) resolve({ offset: body.offset ?? 0, done: body.done === true });
      else reject(new UploadError(body.message ?? `HTTP ${xhr.status}`, body.error ?? `HTTP_${xhr.status}`, xhr.status));
    };
    xhr.onerror = () => reject(new UploadError("The connection dropped.", "NETWORK", 0));
    xhr.onabort = () => reject(new UploadError("Paused.", "ABORTED", 0));
    signal.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(blob);
  });
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(t);
      reject(new UploadError("Paused.", "ABORTED", 0));
    });
  });

/**
 * Uploads `file` to `path`, resuming from what the host already holds. Network errors retry up to
 * `retries` times (1 s, 2 s, 4 s, ...); an abort or a refusal from the server rejects.
 */
export async function uploadFile(opts: {
  host: string;
  path: string;
  file: File;
  overwrite: boolean;
  signal: AbortSignal;
  onProgress: (sent: number) => void;
  retries?: number;
}): Promise<void> {
  const { host, path, file, signal } = opts;
  let failures = 0;
  for (;;) {
    let { offset } = await uploadStatus(host, path);
    if (offset > file.size) {
      await discardUpload(host, path);
      offset = 0;
    }
    opts.onProgress(offset);
    try {
      const url = `${BASE}/upload?${q({ host, path, offset, size: file.size, overwrite: opts.overwrite ? 1 : 0 })}`;
      const res = await put(url, file.slice(offset), (loaded) => opts.onProgress(offset + loaded), signal);
      if (res.done) return;
      failures = 0;
    } catch (err) {
      const e = err as UploadError;
      if (e.code === "ABORTED" || (e.code !== "NETWORK" && e.code !== "FILES_ERR_OFFSET_MISMATCH" && e.status < 500)) throw e;
      failures += 1;
      if (failures > (opts.retries ?? 4)) throw e;
      await sleep(1000 * 2 ** (failures - 1), signal);
    }
  }
}
