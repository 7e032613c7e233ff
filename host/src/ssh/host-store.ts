import { randomUUID } from "node:crypto";
import type { SshAuthMethod, SshHostSummary } from "@archnest/sdk/plugin";
import { asc, count, eq } from "drizzle-orm";
import type { Db } from "../db/index.js";
import { sshHosts } from "../db/schema.js";
import { HostError } from "../errors/index.js";
import type { Vault } from "../vault/index.js";

/** The vault fields of an SSH host's credentials. */
const FIELDS = ["password", "privateKey", "passphrase"] as const;
type SecretField = (typeof FIELDS)[number];

/** Credentials of an SSH host as the connection pool uses them; never sent to clients or logged. */
export interface SshCredentials {
  password?: string;
  privateKey?: string;
  passphrase?: string;
}

/** An SSH host with what admins may see: no secret, only whether one is stored. */
export interface SshHostView extends SshHostSummary {
  hasPassword: boolean;
  hasKey: boolean;
  hasPassphrase: boolean;
  /**
   * A host key the server presented that waits for the admin's decision, or null: the first key when
   * `fingerprint` is null (first contact), otherwise a key different from the trusted one.
   */
  pendingFingerprint: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface SshHostInput {
  name: string;
  address: string;
  port: number;
  user: string;
  authMethod: SshAuthMethod;
  tags: string[];
}

/** A change to a host: fields left out stay; a secret set to "" is removed, one left out is kept. */
export type SshHostPatch = Partial<SshHostInput> & { [K in SecretField]?: string };

type Row = typeof sshHosts.$inferSelect;

const vaultRecord = (id: string) => `ssh-host:${id}`;

function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) if (/UNIQUE constraint failed/i.test(e.message)) return true;
  return false;
}

/**
 * SSH hosts in the database and their credentials in the vault (record `ssh-host:<id>`). Emits a change
 * to its listeners after every add, edit, removal and host key decision.
 */
export class SshHostStore {
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly db: Db,
    private readonly vault: Vault,
    private readonly now: () => number = Date.now,
  ) {}

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of [...this.listeners]) {
      try {
        l();
      } catch {
        // A listener's failure is its own; the store's change happened.
      }
    }
  }

  private summary(r: Row): SshHostSummary {
    return {
      id: r.id,
      name: r.name,
      address: r.address,
      port: r.port,
      user: r.username,
      tags: JSON.parse(r.tags) as string[],
      authMethod: r.authMethod,
      fingerprint: r.hostKeyFingerprint,
    };
  }

  private view(r: Row, stored: Set<string>): SshHostView {
    const has = (f: SecretField) => stored.has(`${vaultRecord(r.id)}\u0000${f}`);
    return {
      ...this.summary(r),
      hasPassword: has("password"),
      hasKey: has("privateKey"),
      hasPassphrase: has("passphrase"),
      pendingFingerprint: r.hostKeyPending,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    };
  }

  private async storedFields(): Promise<Set<string>> {
    return new Set((await this.vault.list("ssh-host:")).map((s) => `${s.record}\u0000${s.field}`));
  }

  async count(): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(sshHosts);
    return row?.n ?? 0;
  }

  private async row(id: string): Promise<Row> {
    const [r] = await this.db.select().from(sshHosts).where(eq(sshHosts.id, id));
    if (!r) throw new HostError("HOST_ERR_SSH_HOST_NOT_FOUND", `no SSH host has the id ${JSON.stringify(id.slice(0, 64))}`);
    return r;
  }

  async summaries(): Promise<SshHostSummary[]> {
    const rows = await this.db.select().from(sshHosts).orderBy(asc(sshHosts.nameKey));
    return rows.map((r) => this.summary(r));
  }

  async views(): Promise<SshHostView[]> {
    const rows = await this.db.select().from(sshHosts).orderBy(asc(sshHosts.nameKey));
    const stored = await this.storedFields();
    return rows.map((r) => this.view(r, stored));
  }

  async get(id: string): Promise<SshHostView> {
    return this.view(await this.row(id), await this.storedFields());
  }

  async summaryOf(id: string): Promise<SshHostSummary> {
    return this.summary(await this.row(id));
  }

  /** Every host's name in lower case, the form names are compared in. */
  async nameKeys(): Promise<Set<string>> {
    const rows = await this.db.select({ nameKey: sshHosts.nameKey }).from(sshHosts);
    return new Set(rows.map((r) => r.nameKey));
  }

  /** The host and its credentials, for connecting. */
  async connectInfo(id: string): Promise<{ host: SshHostSummary; pending: string | null; credentials: SshCredentials }> {
    const r = await this.row(id);
    const credentials: SshCredentials = {};
    for (const f of FIELDS) {
      const v = await this.vault.open(vaultRecord(id), f);
      if (v !== undefined) credentials[f] = v;
    }
    return { host: this.summary(r), pending: r.hostKeyPending, credentials };
  }

  async add(input: SshHostInput, secrets: SshCredentials): Promise<SshHostView> {
    const id = randomUUID();
    const t = this.now();
    try {
      await this.db.insert(sshHosts).values({
        id,
        name: input.name,
        nameKey: input.name.toLowerCase(),
        address: input.address,
        port: input.port,
        username: input.user,
        authMethod: input.authMethod,
        tags: JSON.stringify(input.tags),
        createdAt: t,
        updatedAt: t,
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new HostError("HOST_ERR_SSH_HOST_NAME_TAKEN", `an SSH host named ${JSON.stringify(input.name)} exists`);
      throw err;
    }
    try {
      for (const f of FIELDS) {
        const v = secrets[f];
        if (v !== undefined && v !== "") await this.vault.seal(vaultRecord(id), f, v);
      }
    } catch (err) {
      // No host without the credentials the admin gave: undo the row.
      await this.db.delete(sshHosts).where(eq(sshHosts.id, id));
      await this.vault.delete(vaultRecord(id));
      throw err;
    }
    this.changed();
    return this.get(id);
  }

  async update(id: string, patch: SshHostPatch): Promise<SshHostView> {
    const before = await this.row(id);
    const set: Partial<typeof sshHosts.$inferInsert> = { updatedAt: this.now() };
    if (patch.name !== undefined) {
      set.name = patch.name;
      set.nameKey = patch.name.toLowerCase();
    }
    if (patch.address !== undefined) set.address = patch.address;
    if (patch.port !== undefined) set.port = patch.port;
    if (patch.user !== undefined) set.username = patch.user;
    if (patch.authMethod !== undefined) set.authMethod = patch.authMethod;
    if (patch.tags !== undefined) set.tags = JSON.stringify(patch.tags);
    // Another address or port is another server: its key is learnt afresh on the next connection.
    if ((patch.address !== undefined && patch.address !== before.address) || (patch.port !== undefined && patch.port !== before.port)) {
      set.hostKeyFingerprint = null;
      set.hostKeyPending = null;
    }
    try {
      await this.db.update(sshHosts).set(set).where(eq(sshHosts.id, id));
    } catch (err) {
      if (isUniqueViolation(err)) throw new HostError("HOST_ERR_SSH_HOST_NAME_TAKEN", `an SSH host named ${JSON.stringify(patch.name)} exists`);
      throw err;
    }
    for (const f of FIELDS) {
      const v = patch[f];
      if (v === undefined) continue;
      if (v === "") await this.vault.delete(vaultRecord(id), f);
      else await this.vault.seal(vaultRecord(id), f, v);
    }
    this.changed();
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    await this.row(id);
    await this.db.delete(sshHosts).where(eq(sshHosts.id, id));
    await this.vault.delete(vaultRecord(id));
    this.changed();
  }

  /** Records the host key the admin trusts; nothing waits any more. */
  private async trust(id: string, fingerprint: string): Promise<void> {
    await this.db.update(sshHosts).set({ hostKeyFingerprint: fingerprint, hostKeyPending: null, updatedAt: this.now() }).where(eq(sshHosts.id, id));
    this.changed();
  }

  /** Remembers a key the server presented (the first one, or a changed one), for the admin to compare and trust. */
  async setPending(id: string, fingerprint: string): Promise<void> {
    await this.db.update(sshHosts).set({ hostKeyPending: fingerprint, updatedAt: this.now() }).where(eq(sshHosts.id, id));
  }

  /** The admin trusts the presented key (first contact or a changed key): it must be the one the server presented. */
  async acceptPending(id: string, fingerprint: string): Promise<SshHostView> {
    const r = await this.row(id);
    if (r.hostKeyPending !== fingerprint)
      throw new HostError(
        "HOST_ERR_SSH_HOST_KEY_NOT_PENDING",
        r.hostKeyPending === null
          ? "the server has presented no host key to trust: test the connection first"
          : "this is not the fingerprint the server presented",
        { details: [`presented: ${r.hostKeyPending ?? "none"}`, `given: ${fingerprint}`] },
      );
    await this.trust(id, fingerprint);
    return this.get(id);
  }
}
