import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { privateKeyToPem } from "../crypto/keys.js";
import { onlyCodedErrors } from "../test-support/properties.js";
import { privateKeyFromEnv, readPrivateKeyFile, readPublicKeyFile, writeKeyPairFiles } from "./keys-io.js";

const dir = mkdtempSync(join(tmpdir(), "archnest-keys-io-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("key files", () => {
  it("writes NAME.key with mode 0600 and NAME.pub, and reads them back", () => {
    const { key, keyPath, pubPath } = writeKeyPairFiles(join(dir, "keys"), "release");
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    expect(readPrivateKeyFile(keyPath).keyid).toBe(key.keyid);
    expect(readPublicKeyFile(pubPath).keyid).toBe(key.keyid);
  });

  it("refuses to overwrite a key and refuses a name that is a path", () => {
    writeKeyPairFiles(join(dir, "twice"), "k");
    expect(onlyCodedErrors(() => writeKeyPairFiles(join(dir, "twice"), "k"))).toBe("SDK_ERR_IO");
    expect(onlyCodedErrors(() => writeKeyPairFiles(dir, "../escape"))).toBe("SDK_ERR_USAGE");
  });

  it("reads a signing key from the environment as PEM, as PEM with escaped newlines, or as base64 of the PEM", () => {
    const { key, keyPath } = writeKeyPairFiles(join(dir, "env"), "ci");
    const pem = readFileSync(keyPath, "utf8");
    expect(privateKeyFromEnv(pem).keyid).toBe(key.keyid);
    expect(privateKeyFromEnv(pem.replaceAll("\n", "\\n")).keyid).toBe(key.keyid);
    expect(privateKeyFromEnv(Buffer.from(privateKeyToPem(key)).toString("base64")).keyid).toBe(key.keyid);
    expect(onlyCodedErrors(() => privateKeyFromEnv("not a key"))).toBe("SDK_ERR_KEY_INVALID");
  });

  it("answers a missing file with SDK_ERR_IO", () => {
    expect(onlyCodedErrors(() => readPrivateKeyFile(join(dir, "none.key")))).toBe("SDK_ERR_IO");
  });
});
