import { createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Busboy, type BusboyInstance } from "@fastify/busboy";
import { PluginError } from "./plugin-errors.js";

/** An uploaded package on disk and the form fields sent beside it. Remove `dir` when done. */
export interface Upload {
  dir: string;
  file: string;
  fields: Record<string, string[]>;
}

// Form fields are short lists (acceptPermissions, allowDowngrade); anything bigger is not a real form.
const FIELD_LIMITS = { fields: 32, fieldSize: 16 * 1024, files: 1, parts: 40, headerPairs: 20 };

/**
 * Streams an uploaded package into a fresh folder under `tmpDir`: the raw body, or the `file` part of a
 * multipart form (other fields are collected). Nothing is held in memory beyond the stream's buffers; the
 * request body's size cap is enforced by the host's body limit as bytes arrive. On failure the folder is
 * removed and the error names no path.
 */
export async function receiveUpload(body: ReadableStream<Uint8Array> | null, contentType: string, tmpDir: string): Promise<Upload> {
  if (!body) throw new PluginError("HOST_ERR_BAD_UPLOAD", "The request has no body.");
  const dir = await mkdtemp(join(tmpDir, "upload-"));
  const file = join(dir, "upload.tgz");
  const fields: Record<string, string[]> = {};
  try {
    const source = Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>);
    if (contentType.startsWith("multipart/form-data")) await receiveForm(source, contentType, file, fields);
    else await pipeline(source, createWriteStream(file, { mode: 0o600 }));
    // Refused here, in words about the upload: the verifier would name the temporary file.
    if ((await stat(file)).size === 0) throw new PluginError("HOST_ERR_BAD_UPLOAD", "The uploaded package is empty.");
    return { dir, file, fields };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function receiveForm(source: Readable, contentType: string, file: string, fields: Record<string, string[]>): Promise<void> {
  let parser: BusboyInstance;
  try {
    parser = new Busboy({ headers: { "content-type": contentType }, limits: FIELD_LIMITS });
  } catch {
    throw new PluginError("HOST_ERR_BAD_UPLOAD", "The multipart form has no boundary.");
  }
  let written: Promise<void> | undefined;
  parser.on("file", (name, stream) => {
    if (name !== "file" || written) {
      stream.resume();
      return;
    }
    written = pipeline(stream, createWriteStream(file, { mode: 0o600 }));
    // Awaited after the form ends; a write error until then must not go unhandled.
    written.catch(() => undefined);
  });
  parser.on("field", (name, value, _nameTruncated, valueTruncated) => {
    if (valueTruncated) parser.emit("error", new PluginError("HOST_ERR_BAD_UPLOAD", `The form field "${name}" is too long.`));
    else fields[name] = [...(fields[name] ?? []), value];
  });
  const refuse = (what: string) => () => parser.emit("error", new PluginError("HOST_ERR_BAD_UPLOAD", `The form has too many ${what}.`));
  parser.on("partsLimit", refuse("parts"));
  parser.on("fieldsLimit", refuse("fields"));
  parser.on("filesLimit", refuse("files"));
  try {
    await pipeline(source, parser as Writable);
  } catch (err) {
    if (err instanceof PluginError || (err as { code?: unknown }).code?.toString().startsWith("HOST_ERR_")) throw err;
    throw new PluginError("HOST_ERR_BAD_UPLOAD", "The multipart form is malformed.");
  }
  if (!written) throw new PluginError("HOST_ERR_BAD_UPLOAD", 'The form has no "file" field with a package.');
  await written;
}
