import { isSdkError } from "@archnest/sdk";
import { LicenseReplayError, verifyLicense } from "@archnest/sdk/license";
import { type Keyring, type StatusIndexDocument, statusOfVersion, verifyStatusIndex } from "@archnest/sdk/trust";
import type { HostErrorCode } from "../errors/index.js";
import type { Entitlements } from "../plugins/entitlements.js";
import { PluginError } from "../plugins/plugin-errors.js";
import type { RuntimeLog } from "../plugins/runtime.js";
import type { IdentityStore, RegistryClient } from "./registry-client.js";

/** What `GET /api/license` answers. */
export interface LicenseStatus {
  state: "valid" | "grace" | "expired" | "unregistered";
  modules: string[];
  validUntil: string | null;
  lastCheck: string | null;
  lastError: string | null;
  /** The stable code of the last check's failure (null after a good check): what the UI branches on. */
  lastErrorCode: HostErrorCode | null;
  daysLeft: number;
  installId: string | null;
}

const DAY = 86_400_000;
/** The license is re-checked weekly (docs/architecture.md section 4); state transitions are re-evaluated hourly. */
export const REFRESH_EVERY_MS = 7 * DAY;
const TICK_MS = 60 * 60_000;

export interface LicenseClientOptions {
  registry: RegistryClient;
  store: Pick<IdentityStore, "getMeta" | "setMeta">;
  keyring: () => Promise<Keyring>;
  log: RuntimeLog;
  now?: () => Date;
}

/**
 * The host's license client: registers the install, fetches and verifies the signed license and the
 * status index, keeps working offline until valid-until, and answers the runtime's entitlement questions.
 * Modules of an expired license are not entitled; nothing is deleted, and a later good refresh restores them.
 */
export class LicenseClient implements Entitlements {
  private modulesList: string[] = [];
  private validUntil: number | undefined;
  private status: StatusIndexDocument | undefined;
  private lastCheck: number | undefined;
  private lastError: string | null = null;
  private lastErrorCode: HostErrorCode | null = null;
  private lastOk = false;
  private readonly listeners = new Set<() => void>();
  private readonly revocationListeners = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private lastEntitled = "";

  constructor(private readonly opts: LicenseClientOptions) {}

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  /** Loads the stored license (verified again) so the host starts entitled while offline. */
  async load(): Promise<void> {
    const stored = await this.opts.store.getMeta("license.envelope");
    const installId = await this.opts.store.getMeta("install.id");
    const last = await this.opts.store.getMeta("license.lastCheck");
    if (last) this.lastCheck = Number(last);
    if (stored && installId) {
      try {
        // An expired stored license still tells the UI what was licensed; entitlement checks use validUntil.
        const doc = verifyLicense(JSON.parse(stored), {
          keyring: await this.opts.keyring(),
          installId,
          now: new Date(0),
          maxSkewMs: Number.MAX_SAFE_INTEGER / 2,
        }).document;
        this.modulesList = doc.modules;
        this.validUntil = Date.parse(doc.validUntil);
      } catch (err) {
        this.opts.log.warn("stored license rejected", { code: (err as { code?: string }).code });
      }
    }
    const status = await this.opts.store.getMeta("status.envelope");
    if (status) {
      try {
        this.status = verifyStatusIndex(JSON.parse(status), { keyring: await this.opts.keyring(), now: this.now(), maxSkewMs: 30 * DAY }).document;
      } catch {
        this.status = undefined;
      }
    }
    this.notifyIfChanged();
  }

  /** Fetches a fresh license and status index; failures leave the current license in place. */
  async refresh(): Promise<LicenseStatus> {
    const now = this.now();
    try {
      const res = await this.opts.registry.signed("POST", "/v1/license", {});
      if (res.status !== 200) {
        const code = (res.body as { error?: unknown } | undefined)?.error;
        throw new PluginError(
          "HOST_ERR_REGISTRY_UNREACHABLE",
          `The registry refused the license request (${res.status}${typeof code === "string" ? ` ${code}` : ""}).`,
        );
      }
      const installId = await this.opts.registry.installId();
      const minSeq = Number((await this.opts.store.getMeta("license.sequence")) ?? "0");
      const keyring = await this.opts.keyring();
      let doc: ReturnType<typeof verifyLicense>["document"];
      try {
        doc = verifyLicense(res.body, { keyring, installId, now, minSequence: minSeq }).document;
      } catch (err) {
        // A replayed older license is not an outage: keep the newer one already held.
        if (err instanceof LicenseReplayError) throw new PluginError("HOST_ERR_LICENSE_INVALID", "The registry sent an older license than the one held.");
        if (isSdkError(err)) throw new PluginError("HOST_ERR_LICENSE_INVALID", `The registry's license did not verify: ${err.message} [${err.code}]`);
        throw err;
      }
      await this.opts.store.setMeta("license.envelope", JSON.stringify(res.body));
      await this.opts.store.setMeta("license.sequence", String(doc.sequence));
      this.modulesList = doc.modules;
      this.validUntil = Date.parse(doc.validUntil);
      await this.refreshStatus(keyring);
      this.lastOk = true;
      this.lastError = null;
      this.lastErrorCode = null;
    } catch (err) {
      this.lastOk = false;
      this.lastError = (err as Error).message;
      // Only the host's own codes reach the UI; anything else is an internal failure, whose text is logged.
      this.lastErrorCode =
        err instanceof PluginError && err.code.startsWith("HOST_ERR_")
          ? (err.code as HostErrorCode)
          : isSdkError(err)
            ? "HOST_ERR_LICENSE_INVALID"
            : "HOST_ERR_INTERNAL";
      this.opts.log.warn("license refresh failed", { error: this.lastError, code: (err as { code?: string }).code });
    }
    this.lastCheck = now.getTime();
    await this.opts.store.setMeta("license.lastCheck", String(this.lastCheck));
    this.notifyIfChanged();
    return this.state();
  }

  private async refreshStatus(keyring: Keyring): Promise<void> {
    const res = await this.opts.registry.get("/v1/status");
    if (res.status !== 200) return;
    const minIssuedAt = await this.opts.store.getMeta("status.issuedAt");
    const verified = verifyStatusIndex(res.body, { keyring, now: this.now(), ...(minIssuedAt && { minIssuedAt }) });
    this.status = verified.document;
    await this.opts.store.setMeta("status.envelope", JSON.stringify(res.body));
    await this.opts.store.setMeta("status.issuedAt", verified.document.issuedAt);
    for (const l of this.revocationListeners) l();
  }

  /** Starts the weekly refresh and the hourly expiry check. */
  start(): void {
    this.timer = setInterval(() => {
      const due = this.lastCheck === undefined || this.now().getTime() - this.lastCheck >= REFRESH_EVERY_MS || !this.lastOk;
      if (due) void this.refresh();
      else this.notifyIfChanged();
    }, TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Re-evaluates entitlements now (the clock may have passed valid-until). */
  tick(): void {
    this.notifyIfChanged();
  }

  private entitledNow(): boolean {
    return this.validUntil !== undefined && this.now().getTime() < this.validUntil;
  }

  private notifyIfChanged(): void {
    const key = this.entitledNow() ? this.modulesList.join(",") : "";
    if (key !== this.lastEntitled) {
      this.lastEntitled = key;
      for (const l of this.listeners) l();
    }
  }

  licensed(module: string): boolean {
    return module === "free" || (this.entitledNow() && this.modulesList.includes(module));
  }

  modules(): readonly string[] {
    return this.entitledNow() ? this.modulesList : [];
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onRevocations(listener: () => void): () => void {
    this.revocationListeners.add(listener);
    return () => this.revocationListeners.delete(listener);
  }

  /** The revocation reason of a package version from the latest verified status index. */
  revokedReason(name: string, version: string): string | undefined {
    if (!this.status) return undefined;
    const s = statusOfVersion(this.status, name, version);
    if (s.revoked) return s.revoked;
    if (s.belowMinimumSafe) return `versions below ${s.minimumSafe} are unsafe`;
    return undefined;
  }

  async state(): Promise<LicenseStatus> {
    const installId = (await this.opts.store.getMeta("install.id")) ?? null;
    const now = this.now().getTime();
    const daysLeft = this.validUntil === undefined ? 0 : Math.max(0, Math.ceil((this.validUntil - now) / DAY));
    let state: LicenseStatus["state"];
    if (!installId) state = "unregistered";
    else if (!this.entitledNow()) state = "expired";
    else state = this.lastOk ? "valid" : "grace";
    return {
      state,
      modules: [...this.modulesList],
      validUntil: this.validUntil === undefined ? null : new Date(this.validUntil).toISOString(),
      lastCheck: this.lastCheck === undefined ? null : new Date(this.lastCheck).toISOString(),
      lastError: this.lastError,
      lastErrorCode: this.lastErrorCode,
      daysLeft,
      installId,
    };
  }
}
