import { defineErrors } from "@archnest/sdk/plugin";

/**
 * The certificate module's error codes. Routes answer the host's wire shape `{error, message}`; a
 * sign-in refused before it is tried (expired, wrong principal) fails the connection with the same code.
 */
export const CertErrors = defineErrors("CERT_AUTH_ERR", {
  VALIDATION: {
    status: 400,
    message: "The private key, passphrase or certificate is missing or not text.",
    hint: "Paste the key and its certificate (the `-cert.pub` file).",
  },
  CERTIFICATE_INVALID: {
    status: 400,
    message: "The certificate cannot be read.",
    hint: "Paste the whole `-cert.pub` line that `ssh-keygen -s` or OPKSSH wrote.",
  },
  NOT_USER_CERTIFICATE: { status: 400, message: "This is a host certificate, not a user certificate.", hint: "Sign the user's key without `-h`." },
  KEY_INVALID: {
    status: 400,
    message: "The private key cannot be read.",
    hint: "Paste the private key the certificate was issued for, with its passphrase if it has one.",
  },
  KEY_MISMATCH: {
    status: 400,
    message: "The certificate certifies another key than this private key.",
    hint: "Pair each certificate with the key it was issued for (`id_ed25519` with `id_ed25519-cert.pub`).",
  },
  HOST_NOT_FOUND: { status: 404, message: "No SSH host has this id.", hint: "Reload the page; the host may have been removed." },
  NOT_FOUND: { status: 404, message: "This host has no certificate.", hint: "Add one first." },
  FORBIDDEN: { status: 403, message: "Only an admin changes sign-in certificates.", hint: "Ask an admin." },
  EXPIRED: {
    status: 401,
    message: "The certificate has expired.",
    hint: "Issue a new certificate (ssh-keygen -s, or log in with OPKSSH again) and replace it.",
  },
  NOT_YET_VALID: { status: 401, message: "The certificate is not valid yet.", hint: "Wait for its start, or check the clocks of this machine and the CA." },
  PRINCIPAL: {
    status: 401,
    message: "The certificate does not name the host's user among its principals.",
    hint: "Issue it with `-n <user>`, or sign in as a user it names.",
  },
});

export type CertErrorCode = keyof typeof CertErrors.table;

/** An error of this catalogue: `new CertError("CERT_AUTH_ERR_EXPIRED", "the certificate of web1 expired on ...")`. */
export class CertError extends CertErrors.Error {
  override readonly name: string = "CertError";
}
