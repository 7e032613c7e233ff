import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { SdkError } from "@archnest/sdk";
import { readPrivateKeyFile, readPublicKeyFile } from "@archnest/sdk/node";
import { createKeyring, type Envelope, type KeyPair, type KeyRole, type KeyringKeyInput, rotateKeyring, verifyKeyring } from "@archnest/sdk/trust";
import { type Args, optionalDate, optionalInt, optionalList, requireString } from "../args.js";
import { type CliIo, line } from "../io.js";

function keyName(path: string): string {
  return basename(path).replace(/\.pub$/, "");
}

function rootKeys(args: Args, io: CliIo): KeyPair[] {
  const roots = optionalList(args, "root");
  if (roots.length === 0) throw new SdkError("SDK_ERR_USAGE", "--root ROOT.key is required.");
  return roots.map((p) => readPrivateKeyFile(resolve(io.cwd, p)));
}

/**
 * The keys named on the command line: --release/--scope pairs, --license and --index. Their validity
 * window starts at --valid-from (a rotation announced ahead: the new key signs nothing before that date)
 * or now, and lasts --key-valid-days when given.
 */
function keyInputs(args: Args, io: CliIo, now: Date): KeyringKeyInput[] {
  const releases = optionalList(args, "release");
  const scopes = optionalList(args, "scope");
  if (releases.length !== scopes.length) {
    throw new SdkError("SDK_ERR_USAGE", `Each --release needs its --scope (got ${releases.length} --release and ${scopes.length} --scope).`);
  }
  const validDays = optionalInt(args, "key-valid-days");
  const validFrom = optionalDate(args, "valid-from");
  const start = validFrom ?? now;
  const window = {
    ...((validFrom !== undefined || validDays !== undefined) && { validFrom: start }),
    ...(validDays !== undefined && { validUntil: new Date(start.getTime() + validDays * 86_400_000) }),
  };
  const one = (path: string, roles: KeyRole[], scope?: string): KeyringKeyInput => ({
    key: readPublicKeyFile(resolve(io.cwd, path)),
    name: keyName(path),
    roles,
    ...(scope !== undefined && {
      scopes: scope
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    }),
    ...window,
  });
  return [
    ...releases.map((p, i) => one(p, ["release"], scopes[i])),
    ...optionalList(args, "license").map((p) => one(p, ["license"])),
    ...optionalList(args, "index").map((p) => one(p, ["index"])),
  ];
}

function writeJsonAtomically(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.partial`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, path);
}

function summary(io: CliIo, args: Args, path: string, env: Envelope, roots: KeyPair[], now: Date): void {
  const ring = verifyKeyring(env, { rootKeys: roots, now });
  const doc = ring.document;
  if (args.values.json) {
    line(io.stdout, JSON.stringify({ ok: true, path, version: doc.version, expires: doc.expires, keys: doc.keys.length, revoked: doc.revoked.length }));
    return;
  }
  line(io.stdout, `Wrote keyring version ${doc.version} to ${path} (expires ${doc.expires})`);
  for (const k of doc.keys) {
    const revoked = doc.revoked.some((r) => r.keyid === k.keyid) ? "  REVOKED" : "";
    line(io.stdout, `  ${k.name.padEnd(20)} ${k.roles.join(",").padEnd(8)} ${k.keyid.slice(0, 16)}  ${(k.scopes ?? []).join(",")}${revoked}`);
  }
}

export function keyringCreate(args: Args, io: CliIo): number {
  const now = new Date();
  const out = resolve(io.cwd, requireString(args, "out"));
  const roots = rootKeys(args, io);
  const keys = keyInputs(args, io, now);
  if (keys.length === 0) throw new SdkError("SDK_ERR_USAGE", "Name at least one key: --release KEY.pub --scope PATTERN, --license KEY.pub or --index KEY.pub.");
  const version = optionalInt(args, "version");
  const lifetimeDays = optionalInt(args, "lifetime-days");
  const env = createKeyring(roots, { keys, now, ...(version !== undefined && { version }), ...(lifetimeDays !== undefined && { lifetimeDays }) });
  writeJsonAtomically(out, env);
  summary(io, args, out, env, roots, now);
  return 0;
}

function readCurrent(args: Args, io: CliIo, roots: KeyPair[], now: Date) {
  const path = resolve(io.cwd, requireString(args, "keyring"));
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    throw new SdkError("SDK_ERR_IO", `Cannot read the keyring ${path}.`);
  }
  // An expired keyring may still be renewed by its root: check everything else with a clock at issue time.
  const relaxedNow = new Date(Math.min(now.getTime(), Date.now()));
  try {
    return { path, ring: verifyKeyring(json, { rootKeys: roots, now: relaxedNow }) };
  } catch (err) {
    if (err instanceof SdkError && err.code === "SDK_ERR_KEYRING_EXPIRED") {
      return { path, ring: verifyKeyring(json, { rootKeys: roots, now: new Date(0) }) };
    }
    throw err;
  }
}

function revocations(args: Args, io: CliIo, reason: string): { keyid: string; reason: string }[] {
  return [...optionalList(args, "keyid"), ...optionalList(args, "key").map((p) => readPublicKeyFile(resolve(io.cwd, p)).keyid)].map((keyid) => ({
    keyid,
    reason,
  }));
}

export function keyringRevoke(args: Args, io: CliIo): number {
  const now = new Date();
  const roots = rootKeys(args, io);
  const { path, ring } = readCurrent(args, io, roots, now);
  const revoke = revocations(args, io, requireString(args, "reason"));
  if (revoke.length === 0) throw new SdkError("SDK_ERR_USAGE", "Name the key to revoke with --key KEY.pub or --keyid ID.");
  const out = args.values.out ? resolve(io.cwd, requireString(args, "out")) : path;
  const lifetimeDays = optionalInt(args, "lifetime-days");
  const env = rotateKeyring(roots, ring, { revoke, now, ...(lifetimeDays !== undefined && { lifetimeDays }) });
  writeJsonAtomically(out, env);
  summary(io, args, out, env, roots, now);
  return 0;
}

export function keyringRotate(args: Args, io: CliIo): number {
  const now = new Date();
  const roots = rootKeys(args, io);
  const { path, ring } = readCurrent(args, io, roots, now);
  const out = args.values.out ? resolve(io.cwd, requireString(args, "out")) : path;
  const lifetimeDays = optionalInt(args, "lifetime-days");
  const env = rotateKeyring(roots, ring, {
    add: keyInputs(args, io, now),
    revoke: revocations(args, io, args.values.reason ?? "rotated"),
    now,
    ...(lifetimeDays !== undefined && { lifetimeDays }),
  });
  writeJsonAtomically(out, env);
  summary(io, args, out, env, roots, now);
  return 0;
}
