import { z } from "zod";
import { SdkError } from "../errors/index.js";
import { ed25519Sign, ed25519Verify } from "./ed25519.js";
import type { KeyPair, PublicKey } from "./keys.js";

/** The payload types ArchNest signs (docs/architecture.md section 3); one type can never be replayed as another. */
export const PayloadTypes = {
  keyring: "application/vnd.archnest.keyring+json",
  release: "application/vnd.archnest.release+json",
  license: "application/vnd.archnest.license+json",
  status: "application/vnd.archnest.status+json",
} as const;

export type PayloadType = (typeof PayloadTypes)[keyof typeof PayloadTypes];

/** A DSSE envelope (https://github.com/secure-systems-lab/dsse/blob/master/envelope.md). */
export interface Envelope {
  payloadType: string;
  /** base64 of the payload bytes */
  payload: string;
  signatures: { keyid: string; sig: string }[];
}

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, "must be base64");

const envelopeSchema = z.strictObject({
  payloadType: z.string().min(1).max(200),
  payload: base64.max(16 * 1024 * 1024),
  signatures: z
    .array(z.strictObject({ keyid: z.string().regex(/^[0-9a-f]{64}$/, "must be a 64-character hex key id"), sig: base64.max(200) }))
    .min(1)
    .max(16),
});

/**
 * DSSE pre-authentication encoding: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body,
 * with LEN the ASCII decimal byte length. Signing this (not the bare payload) binds the type.
 */
export function preAuthEncoding(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = Buffer.from(payloadType, "utf8");
  const head = Buffer.from(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `, "utf8");
  return Buffer.concat([head, payload]);
}

/**
 * Signs a JSON payload into a DSSE envelope with one or more keys.
 *
 * @example
 * ```ts
 * const env = signEnvelope(PayloadTypes.release, statement, [releaseKey]);
 * ```
 */
export function signEnvelope(payloadType: PayloadType, payload: unknown, keys: readonly KeyPair[]): Envelope {
  const bytes = Buffer.from(JSON.stringify(payload), "utf8");
  const pae = preAuthEncoding(payloadType, bytes);
  return {
    payloadType,
    payload: bytes.toString("base64"),
    signatures: keys.map((k) => ({ keyid: k.keyid, sig: Buffer.from(ed25519Sign(pae, k.secretKey)).toString("base64") })),
  };
}

/** Checks an untrusted value's shape as an envelope. */
export function parseEnvelope(value: unknown): Envelope {
  const parsed = envelopeSchema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first && first.path.length > 0 ? ` (${first.path.join(".")}: ${first.message})` : first ? ` (${first.message})` : "";
    throw new SdkError("SDK_ERR_ENVELOPE_INVALID", `Not a valid DSSE envelope${where}.`);
  }
  return parsed.data;
}

/** The outcome of an envelope check: the payload as JSON and the key that vouched for it. */
export interface OpenedEnvelope {
  payload: unknown;
  signer: PublicKey;
}

/**
 * Opens an envelope: the payload type must be the expected one, and at least one signature must come
 * from a key that `lookup` trusts. `lookup` may throw a coded error (revoked key) to refuse a key.
 *
 * @example
 * ```ts
 * const { payload } = openEnvelope(env, PayloadTypes.keyring, (id) => roots.get(id));
 * ```
 */
export function openEnvelope(
  value: unknown,
  expectedType: PayloadType,
  lookup: (keyid: string) => PublicKey | undefined,
  unknownKey: () => SdkError = () => new SdkError("SDK_ERR_KEY_UNKNOWN", "No signature on this document comes from a trusted key."),
): OpenedEnvelope {
  const env = parseEnvelope(value);
  if (env.payloadType !== expectedType) {
    throw new SdkError("SDK_ERR_PAYLOAD_TYPE", `Expected a document of type ${expectedType}, got ${env.payloadType}.`);
  }
  const payload = Buffer.from(env.payload, "base64");
  const pae = preAuthEncoding(env.payloadType, payload);
  let sawTrustedKey = false;
  for (const s of env.signatures) {
    const key = lookup(s.keyid);
    if (!key) continue;
    sawTrustedKey = true;
    const sig = Buffer.from(s.sig, "base64");
    if (ed25519Verify(pae, sig, key.publicKey)) {
      return { payload: parseJson(payload), signer: key };
    }
  }
  if (sawTrustedKey) throw new SdkError("SDK_ERR_SIGNATURE_INVALID", "The signature does not match the document: it was altered after signing.");
  throw unknownKey();
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    throw new SdkError("SDK_ERR_ENVELOPE_INVALID", "The signed payload is not JSON.");
  }
}
