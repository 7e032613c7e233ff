/** A certificate authority made with the real ssh-keygen in a temp folder, and the user keys it signs. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCa {
  dir: string;
  /** The CA's public key file, for sshd's TrustedUserCAKeys. */
  publicKeyFile: string;
  /** Its fingerprint as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  /** A new user key pair: the private key text and the public key file. */
  userKey(name: string, type?: "ed25519" | "ecdsa" | "rsa"): { privateKey: string; publicKeyFile: string };
  /** Signs a user's public key: `ssh-keygen -s ca -I id -n principals -V validity -z serial`; answers the certificate line. */
  sign(publicKeyFile: string, o: { id: string; principals: string[]; validity: string; serial?: number }): string;
  cleanup(): void;
}

export function makeCa(name = "ca"): TestCa {
  const dir = mkdtempSync(join(tmpdir(), "archnest-ca-"));
  const key = join(dir, name);
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key]);
  const fingerprint = execFileSync("ssh-keygen", ["-lf", `${key}.pub`], { encoding: "utf8" }).split(/\s+/)[1] as string;
  let n = 0;
  return {
    dir,
    publicKeyFile: `${key}.pub`,
    fingerprint,
    userKey(user, type = "ed25519") {
      const file = join(dir, `${user}-${++n}`);
      execFileSync("ssh-keygen", ["-q", "-t", type, ...(type === "rsa" ? ["-b", "2048"] : []), "-N", "", "-C", user, "-f", file]);
      return { privateKey: readFileSync(file, "utf8"), publicKeyFile: `${file}.pub` };
    },
    sign(publicKeyFile, o) {
      execFileSync("ssh-keygen", ["-q", "-s", key, "-I", o.id, "-n", o.principals.join(","), "-V", o.validity, "-z", String(o.serial ?? 1), publicKeyFile]);
      return readFileSync(publicKeyFile.replace(/\.pub$/, "-cert.pub"), "utf8");
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
