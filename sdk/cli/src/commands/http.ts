import { type CliIo, line } from "../io.js";

/** A JSON answer from the registry or a host, or an empty object when the body is not JSON. */
export async function answerOf(res: Response): Promise<Record<string, unknown>> {
  try {
    const body = (await res.json()) as unknown;
    return typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  } catch {
    // a proxy's HTML error page: the status code says enough
    return {};
  }
}

/** Reports a refusal with the server's code and message; exit code 1. */
export function failed(io: CliIo, json: boolean, status: number, body: Record<string, unknown>): number {
  const code = typeof body.error === "string" ? body.error : `HTTP_${status}`;
  const message = typeof body.message === "string" ? body.message : `The server answered ${status}.`;
  if (json) line(io.stdout, JSON.stringify({ ok: false, status, code, message }));
  else line(io.stderr, `✗ ${message} [${code}]`);
  return 1;
}
