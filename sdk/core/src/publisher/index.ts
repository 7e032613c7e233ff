import { SdkError } from "../errors/index.js";
import { type KeyEntry, type Keyring, scopeMatches } from "../keyring/index.js";

/**
 * A trusted publisher as the registry answers it and a host stores it: an outside author's own root key
 * and the keyring that root signs, limited to the author's npm scopes (docs/plugin-format.md, "Trusted
 * publishers"). The fingerprint is the root key's id: the hex SHA-256 of its raw 32 bytes.
 */
export interface PublisherAnchor {
  name: string;
  /** Whole npm scopes in pattern form, such as `@acme/*`. */
  scopes: string[];
  /** The root key's id (hex SHA-256 of the raw key): what people compare and hosts trust. */
  fingerprint: string;
  /** The root public key, SPKI PEM. */
  rootPublicKey: string;
  /** The keyring envelope the root signs. */
  keyring: unknown;
}

const NPM_SCOPE = /^@[a-z0-9][a-z0-9._-]*$/;

/**
 * A publisher scope in the one form the registry and hosts keep: a whole npm scope, `@acme` or `@acme/*`
 * both give `@acme/*`. Anything narrower or wider is refused, so that two publishers can never share one.
 *
 * @example
 * ```ts
 * publisherScope("@acme"); // "@acme/*"
 * ```
 */
export function publisherScope(input: string): string {
  const bare = input.endsWith("/*") ? input.slice(0, -2) : input;
  if (!NPM_SCOPE.test(bare)) throw new SdkError("SDK_ERR_USAGE", `"${input}" is not an npm scope; write it as @name or @name/*.`);
  return `${bare}/*`;
}

/**
 * True when every package a key scope can match lies inside one of the publisher's scopes: `@acme/*` and
 * `@acme/tool` are inside `@acme/*`; `*`, `@archnest/*` and `@acme-evil/*` are not.
 *
 * @example
 * ```ts
 * keyScopeWithin("@acme/tool", ["@acme/*"]); // true
 * ```
 */
export function keyScopeWithin(keyScope: string, publisherScopes: readonly string[]): boolean {
  // A `*` in a key scope matches what `[^/@]*` does, which is exactly what the scope's own `*` covers.
  return publisherScopes.some((p) => p === keyScope || (keyScope.startsWith(p.slice(0, -1)) && scopeMatches(p, keyScope)));
}

/**
 * What makes a publisher's keyring unacceptable, one line per problem (empty when it is fine): a key
 * with a role other than `release` (licenses and the status index stay with the official root), or a
 * key scope reaching outside the publisher's scopes.
 *
 * @example
 * ```ts
 * const problems = publisherKeyringProblems(keyring, ["@acme/*"]);
 * ```
 */
export function publisherKeyringProblems(keyring: Keyring, publisherScopes: readonly string[]): string[] {
  const problems: string[] = [];
  for (const k of keyring.document.keys) {
    const other = k.roles.filter((r) => r !== "release");
    if (other.length > 0) problems.push(`key "${k.name}" (${k.keyid.slice(0, 16)}) has role ${other.join(", ")}; a publisher's keys may only sign releases`);
    for (const s of k.scopes ?? []) {
      if (!keyScopeWithin(s, publisherScopes)) problems.push(`key "${k.name}" (${k.keyid.slice(0, 16)}) has scope ${s}, outside ${publisherScopes.join(", ")}`);
    }
  }
  return problems;
}

/**
 * The part of a publisher's keyring a host may honour: release keys only, each limited to the scopes
 * that lie inside the publisher's, and keys left with no scope dropped. Applied at every verification,
 * so even a keyring that slipped past {@link publisherKeyringProblems} cannot sign outside its scopes.
 *
 * @example
 * ```ts
 * const usable = restrictKeyring(verifyKeyring(env, { rootKeys: [root], now }), ["@acme/*"]);
 * ```
 */
export function restrictKeyring(keyring: Keyring, publisherScopes: readonly string[]): Keyring {
  const keys: KeyEntry[] = [];
  for (const k of keyring.document.keys) {
    if (!k.roles.includes("release")) continue;
    const scopes = (k.scopes ?? []).filter((s) => keyScopeWithin(s, publisherScopes));
    if (scopes.length > 0) keys.push({ ...k, roles: ["release"], scopes });
  }
  return { signedBy: keyring.signedBy, document: { ...keyring.document, keys } };
}

/**
 * One keyring view over several verified keyrings (the official one first), for release verification.
 * A key listed by two keyrings keeps the first entry, so a publisher can never widen an official key.
 *
 * @example
 * ```ts
 * const merged = mergeKeyrings([official, restrictKeyring(acme, ["@acme/*"])]);
 * ```
 */
export function mergeKeyrings(rings: readonly Keyring[]): Keyring {
  const first = rings[0];
  if (!first) throw new SdkError("SDK_ERR_KEYRING_UNTRUSTED", "No trusted keyring is configured.");
  const seen = new Set<string>();
  const keys: KeyEntry[] = [];
  for (const r of rings) {
    for (const k of r.document.keys) {
      if (seen.has(k.keyid)) continue;
      seen.add(k.keyid);
      keys.push(k);
    }
  }
  return { signedBy: first.signedBy, document: { ...first.document, keys, revoked: rings.flatMap((r) => r.document.revoked) } };
}
