import { createHash } from "node:crypto";
import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { type PluginManifest, parsePluginPackage } from "@archnest/sdk/manifest";
import { readPluginDir } from "@archnest/sdk/node";
import type { Json, PluginLogger } from "@archnest/sdk/plugin";
import { verifyRelease } from "@archnest/sdk/trust";
import semver from "semver";
import type { HostGate } from "../gate/index.js";
import type { SshService } from "../ssh/ssh-service.js";
import { activationOrder, activeDependents, type DependencyNode, unmetDependencies } from "./dependencies.js";
import type { Entitlements } from "./entitlements.js";
import { EventBus } from "./event-bus.js";
import { admitPackage, type InstallOptions, installRecord, stagePackage } from "./install-plugin.js";
import { checkPublisherModule, startInstalledPlugin } from "./load-plugin.js";
import type { PluginInstance, SecretVault } from "./plugin-context.js";
import { PluginDisk } from "./plugin-disk.js";
import { PluginError } from "./plugin-errors.js";
import { type HostDb, type PluginRecord, PluginRepo, type UpdatePolicy } from "./plugin-repo.js";
import { ServiceRegistry } from "./service-registry.js";
import { validateSettings } from "./settings.js";
import type { TrustStore } from "./trust-store.js";
import { type UiManifest, UiManifestState } from "./ui-manifest.js";
import { policyChange, unpinChange } from "./update-policy.js";

export type { InstallOptions } from "./install-plugin.js";
export type { UiManifest } from "./ui-manifest.js";

/** The logger the runtime writes to (the host's structured logger fits it). */
export interface RuntimeLog extends PluginLogger {
  child(fields: Record<string, unknown>): RuntimeLog;
}

/** Points where a test may kill the host mid-install to prove installs are atomic. */
export type FaultPoint = "after-stage" | "after-rename" | "before-commit";

export interface RuntimeOptions {
  db: HostDb;
  vault: SecretVault;
  log: RuntimeLog;
  dataDir: string;
  /** Downloads in progress (default `<dataDir>/tmp`, which the host empties at boot). */
  tmpDir?: string;
  trust: TrustStore;
  entitlements: Entitlements;
  /** The license gate every route, WebSocket and plugin context answers through. */
  gate: HostGate;
  /** Signed core plugins installed at first boot without a registry. */
  corePluginsDir?: string;
  setupTimeoutMs?: number;
  faultAt?: FaultPoint;
  now?: () => Date;
  /** The registry's revocations (from its signed status index): a reason when a version is revoked. */
  revocations?: { revokedReason(name: string, version: string): string | undefined };
  /** The SSH service lent to plugins as `ctx.ssh`. */
  ssh?: SshService;
  /** How many older versions of each plugin stay on disk for rollback (default 3). */
  keepVersions?: number;
  /** Words a refusal for an unknown signing key: who owns the key and the step that trusts it. */
  explainUnknownKey?: (keyid: string) => Promise<{ message: string; details: string[] }>;
}

/** What a disable or an uninstall may carry. */
export interface RemoveOptions {
  /** The admin confirmed that the plugins depending on this one stop too. */
  withDependents?: boolean;
}

const SEEN_PREFIX = "plugin.highestSeen.";
/** The highest version seen within one major (`plugin.highestSeen.<id>@<major>`). */
const seenInMajorKey = (id: string, version: string) => `${SEEN_PREFIX}${id}@${semver.major(version)}`;
const DEFAULT_KEEP_VERSIONS = 3;

/**
 * The plugin runtime: coordinates installs (verified, atomic), activation and disposal, serialised one at a
 * time. The jobs live apart: the plugins folder (plugin-disk.ts), loading an entry (load-plugin.ts),
 * update and anti-rollback policy (update-policy.ts), the UI manifest (ui-manifest.ts), the license gate
 * (../gate). One instance per host.
 */
export class PluginRuntime {
  readonly repo: PluginRepo;
  readonly bus: EventBus;
  private readonly services = new ServiceRegistry();
  private readonly instances = new Map<string, PluginInstance>();
  private readonly ui = new UiManifestState();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly disk: PluginDisk;
  /** Where downloads in progress are written; emptied at boot, so a crash leaves nothing behind. */
  readonly tmpDir: string;
  private unsubscribeEntitlements: (() => void) | undefined;

  constructor(private readonly opts: RuntimeOptions) {
    this.repo = new PluginRepo(opts.db);
    this.bus = new EventBus((type, err) => opts.log.warn("event listener failed", { type, error: String(err) }));
    this.disk = new PluginDisk(join(opts.dataDir, "plugins"));
    this.tmpDir = opts.tmpDir ?? join(opts.dataDir, "tmp");
  }

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  /** Serialises installs and state changes so two never interleave. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Resolves when every queued install or state change has finished. */
  async settled(): Promise<void> {
    await this.queue;
  }

  /** Boot: recover from an interrupted install, install core plugins on first boot, activate in order. */
  async start(): Promise<void> {
    await this.exclusive(async () => {
      await this.recoverDisk();
      await this.installCorePlugins();
      await this.activateAll();
    });
    this.unsubscribeEntitlements = this.opts.entitlements.onChange(() => void this.exclusive(() => this.applyEntitlements()));
  }

  async stop(): Promise<void> {
    this.unsubscribeEntitlements?.();
    await this.exclusive(async () => {
      for (const id of [...this.instances.keys()].reverse()) await this.unload(id, "host shutting down");
    });
  }

  /** The database is the commit point: whatever the disk holds beyond what it references is removed. */
  private async recoverDisk(): Promise<void> {
    await this.disk.recover(new Map((await this.repo.all()).map((r) => [r.id, r])));
  }

  /**
   * Offers each signed core plugin once per distinct file: on first boot every one installs, and a host
   * upgrade that ships a new or newer core plugin installs it at the next boot. A core plugin the admin
   * uninstalled is not offered again, because its file was already offered.
   */
  private async installCorePlugins(): Promise<void> {
    const dir = this.opts.corePluginsDir;
    if (!dir) return;
    const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith(".tgz")).sort();
    // Each file is read and hashed once: its key marks it offered after the install attempt below.
    const offered = new Map<string, string>();
    for (const f of files) {
      const key = `core.offered.${createHash("sha256")
        .update(await readFile(join(dir, f)))
        .digest("hex")}`;
      if ((await this.repo.getMeta(key)) === undefined) offered.set(f, key);
    }
    let pending = [...offered.keys()];
    // Core plugins may depend on each other: retry until a round installs nothing more.
    for (let round = 0; round < 5 && pending.length > 0; round += 1) {
      const retry: string[] = [];
      for (const f of pending) {
        try {
          await this.installLocked(join(dir, f), { source: "core" }, false);
        } catch (err) {
          const code = (err as PluginError).code;
          if (code === "HOST_ERR_DEPENDENCIES_UNMET") {
            retry.push(f);
            continue;
          }
          // The same or a newer version is already there: nothing to do.
          if (code !== "HOST_ERR_ALREADY_INSTALLED" && code !== "HOST_ERR_ROLLBACK_REFUSED") {
            this.opts.log.error("core plugin refused", { file: f, code, error: (err as Error).message });
          }
        }
        await this.repo.setMeta(offered.get(f) as string, "1");
      }
      if (retry.length === pending.length) break;
      pending = retry;
    }
  }

  // --- install ---------------------------------------------------------------------------------------------

  /** Verifies and installs a package, replacing the current version and keeping it for rollback. */
  install(tarball: string | Readable, options: InstallOptions): Promise<PluginRecord> {
    return this.exclusive(() => this.installLocked(tarball, options, true));
  }

  private fault(point: FaultPoint): void {
    if (this.opts.faultAt === point) process.kill(process.pid, "SIGKILL");
  }

  private async installLocked(tarball: string | Readable, options: InstallOptions, activate: boolean): Promise<PluginRecord> {
    const { stage, release } = await stagePackage(tarball, {
      keyring: await this.opts.trust.keyring(),
      stagingDir: this.disk.stagingDir,
      now: this.now(),
      onProgress: options.onProgress,
      explainUnknownKey: this.opts.explainUnknownKey,
    });
    try {
      const { pkg, signer } = release;
      const m = pkg.archnest;
      await checkPublisherModule(this.opts.trust, signer.keyid, pkg.name, m.module);
      const existing = await this.repo.get(m.id);
      const installed = await this.dependencyView();
      // At boot, core plugins are installed first and activated afterwards in dependency order, so an
      // installed dependency counts; an install that activates at once needs its dependencies running.
      if (!activate) for (const [depId, node] of installed) installed.set(depId, { ...node, active: true });
      const seen = (await this.repo.getMeta(SEEN_PREFIX + m.id)) ?? existing?.highestSeenVersion;
      const seenInMajor =
        (await this.repo.getMeta(seenInMajorKey(m.id, pkg.version))) ?? (seen && semver.major(seen) === semver.major(pkg.version) ? seen : undefined);
      const admission = {
        release,
        packageType: (JSON.parse(await readFile(join(stage, "package.json"), "utf8")) as { type?: unknown }).type,
        existing,
        installed,
        seen,
        seenInMajor,
        revokedReason: this.opts.revocations?.revokedReason(pkg.name, pkg.version),
        options,
      };
      const accepted = admitPackage(admission);
      this.fault("after-stage");

      await this.disk.place(stage, m.id, pkg.version);
      this.fault("after-rename");

      const record = installRecord(admission, accepted, this.opts.keepVersions ?? DEFAULT_KEEP_VERSIONS, Date.now());
      this.fault("before-commit");
      await this.repo.put(record);
      await this.repo.setMeta(SEEN_PREFIX + m.id, record.highestSeenVersion);
      if (!seenInMajor || semver.gt(pkg.version, seenInMajor)) await this.repo.setMeta(seenInMajorKey(m.id, pkg.version), pkg.version);

      if (activate) {
        options.onProgress?.("activate", 0);
        await this.unload(m.id, `${pkg.name} is being updated to ${pkg.version}`);
        if (record.state === "active") await this.activate(m.id);
        // Plugins that stopped when this one was taken away start again now that it is back.
        await this.reviveDependents();
        options.onProgress?.("activate", 1);
      }
      await this.pruneVersions(m.id);
      this.bus.emit("plugin.installed", { id: m.id, version: pkg.version });
      this.touchManifest();
      return (await this.repo.get(m.id)) as PluginRecord;
    } finally {
      await rm(stage, { recursive: true, force: true });
    }
  }

  private async pruneVersions(id: string): Promise<void> {
    const rec = await this.repo.get(id);
    if (rec) await this.disk.prune(rec);
  }

  private async dependencyView(): Promise<Map<string, DependencyNode>> {
    const out = new Map<string, DependencyNode>();
    for (const r of await this.repo.all()) {
      const m = r.manifest.archnest as PluginManifest | undefined;
      out.set(r.id, { id: r.id, version: r.version, active: this.instances.has(r.id) && r.state === "active", dependencies: m?.dependencies ?? {} });
    }
    return out;
  }

  // --- activation --------------------------------------------------------------------------------------------

  private async activateAll(): Promise<void> {
    const records = (await this.repo.all()).filter((r) => r.state !== "disabled" && r.state !== "revoked");
    const nodes = records.map((r) => ({
      id: r.id,
      version: r.version,
      active: false,
      dependencies: (r.manifest.archnest as PluginManifest).dependencies ?? {},
    }));
    const { order, cycles } = activationOrder(nodes);
    for (const [id, cycle] of cycles) {
      await this.markFailed(id, "HOST_ERR_DEPENDENCY_CYCLE", `Plugins depend on each other in a cycle: ${cycle.join(" → ")}.`);
    }
    for (const id of order) await this.activate(id);
  }

  /** Starts one installed plugin: the license gate and its dependencies here, then {@link startInstalledPlugin}. */
  private async activate(id: string): Promise<void> {
    const rec = await this.repo.get(id);
    if (!rec) return;
    const log = this.opts.log.child({ plugin: id, version: rec.version });
    const manifestPkg = parsePluginPackage(rec.manifest);
    const m = manifestPkg.archnest;
    if (!this.opts.entitlements.licensed(rec.module) && m.unlicensed !== "read-only") {
      await this.repo.patch(id, { state: "locked", error: `Needs the ${rec.module} module.`, errorCode: "HOST_ERR_MODULE_REQUIRED" });
      return;
    }
    const unmet = unmetDependencies({ id, version: rec.version, active: true, dependencies: m.dependencies }, await this.dependencyView());
    if (unmet.length > 0) return this.markFailed(id, "HOST_ERR_DEPENDENCIES_UNMET", `Unmet dependencies: ${unmet.join("; ")}.`);
    const outcome = await startInstalledPlugin(rec, m, this.disk.versionDir(id, rec.version), {
      trust: this.opts.trust,
      now: this.now(),
      instances: this.instances,
      log,
      timeoutMs: this.opts.setupTimeoutMs ?? 10_000,
      deps: {
        repo: this.repo,
        vault: this.opts.vault,
        bus: this.bus,
        services: this.services,
        log,
        dataDir: join(this.opts.dataDir, "plugin-data", id),
        ssh: this.opts.ssh,
        // The caps this plugin's manifest declares, then the host's own.
        ...this.opts.gate.scoped(m.limits),
      },
    });
    if (!outcome.ok) return "untrusted" in outcome ? this.markUntrusted(id, rec.signerName) : this.markFailed(id, outcome.code, outcome.message);
    await this.repo.patch(id, { state: "active", error: null, errorCode: null });
    this.bus.emit("plugin.state", { id, state: "active" });
    this.touchManifest();
  }

  private async markUntrusted(id: string, signerName: string): Promise<void> {
    await this.unload(id, "its publisher is no longer trusted");
    await this.repo.patch(id, {
      state: "failed",
      error: `Its signing key "${signerName}" is no longer trusted on this host (its publisher was removed from Trusted publishers, or its keyring expired). The plugin and its data are kept; trust the publisher again (with a current keyring) to start it.`,
      errorCode: "HOST_ERR_PUBLISHER_UNTRUSTED",
    });
    this.bus.emit("plugin.state", { id, state: "failed" });
    this.touchManifest();
  }

  /**
   * Applies a change of trusted publishers at once: a plugin whose signing key is no longer trusted stops
   * (kept, with its data, the state saying why); one stopped that way whose key is trusted again starts.
   */
  applyTrust(): Promise<void> {
    return this.exclusive(async () => {
      const keyring = await this.opts.trust.keyring();
      const trusted = new Set(keyring.document.keys.map((k) => k.keyid));
      for (const rec of await this.repo.all()) {
        const known = trusted.has(rec.signerKeyid);
        if (!known && rec.errorCode !== "HOST_ERR_PUBLISHER_UNTRUSTED" && rec.state !== "disabled") {
          await this.markUntrusted(rec.id, rec.signerName);
          this.opts.log.warn("plugin stopped: publisher no longer trusted", { plugin: rec.id, signer: rec.signerKeyid });
        } else if (known && rec.errorCode === "HOST_ERR_PUBLISHER_UNTRUSTED") {
          await this.repo.patch(rec.id, { state: "active", error: null, errorCode: null });
          await this.activate(rec.id);
        }
      }
    });
  }

  private async markFailed(id: string, code: string, message: string): Promise<void> {
    await this.repo.patch(id, { state: "failed", error: message, errorCode: code });
    this.bus.emit("plugin.state", { id, state: "failed" });
    this.touchManifest();
  }

  private async unload(id: string, reason: string): Promise<void> {
    const instance = this.instances.get(id);
    if (!instance) return;
    this.instances.delete(id);
    const errors = await instance.dispose(reason);
    for (const e of errors) this.opts.log.warn("plugin disposal error", { plugin: id, error: String(e) });
    this.touchManifest();
  }

  /** Re-applies the license: paid plugins lock when it lapses (data kept) and come back when it returns. */
  private async applyEntitlements(): Promise<void> {
    for (const rec of await this.repo.all()) {
      const licensed = this.opts.entitlements.licensed(rec.module);
      // A read-only plugin stays loaded either way; the route gate and `license.changed` tell it apart.
      if (this.instances.get(rec.id)?.manifest.unlicensed === "read-only") continue;
      if (!licensed && this.instances.has(rec.id)) {
        await this.unload(rec.id, `the ${rec.module} module is no longer licensed`);
        await this.repo.patch(rec.id, { state: "locked", error: `Needs the ${rec.module} module.`, errorCode: "HOST_ERR_MODULE_REQUIRED" });
      } else if (licensed && rec.state === "locked") {
        await this.activate(rec.id);
      }
    }
    this.bus.emit("license.changed", { modules: [...this.opts.entitlements.modules()] });
    this.touchManifest();
  }

  // --- admin actions ------------------------------------------------------------------------------------------

  async list(): Promise<PluginRecord[]> {
    return this.repo.all();
  }

  private async require(id: string): Promise<PluginRecord> {
    const rec = await this.repo.get(id);
    if (!rec) throw new PluginError("HOST_ERR_PLUGIN_NOT_FOUND", `No plugin "${id}" is installed.`);
    return rec;
  }

  /** Active plugins that depend on each installed plugin (for the admin list, which warns before a disable). */
  async dependentsById(): Promise<Map<string, string[]>> {
    const view = [...(await this.dependencyView()).values()];
    return new Map(view.map((n) => [n.id, activeDependents(n.id, view)]));
  }

  /**
   * Taking away a plugin that active plugins depend on needs the admin's confirmation: without it the
   * answer names them; with it they stop first (the farthest first) and wait, failed with
   * HOST_ERR_DEPENDENCIES_UNMET, until the plugin they need is back.
   */
  private async stopDependents(id: string, what: "disable" | "uninstall", opts: RemoveOptions): Promise<void> {
    const dependents = activeDependents(id, (await this.dependencyView()).values());
    if (dependents.length === 0) return;
    const rec = await this.require(id);
    const names = await Promise.all(dependents.map(async (d) => displayNameOf(await this.require(d))));
    if (!opts.withDependents) {
      throw new PluginError(
        "HOST_ERR_HAS_DEPENDENTS",
        `${listNames(names)} ${names.length === 1 ? "uses" : "use"} ${displayNameOf(rec)}; they will stop too. Confirm with withDependents=true to ${what} it anyway.`,
        dependents,
      );
    }
    for (const d of [...dependents].reverse()) {
      await this.unload(d, `${displayNameOf(rec)}, which it needs, was ${what === "disable" ? "disabled" : "uninstalled"}`);
      await this.markFailed(d, "HOST_ERR_DEPENDENCIES_UNMET", `Needs ${displayNameOf(rec)}, which was ${what === "disable" ? "disabled" : "uninstalled"}.`);
    }
  }

  /** Starts again the plugins that failed only for want of a dependency, now that one came back. */
  private async reviveDependents(): Promise<void> {
    const waiting = (await this.repo.all()).filter((r) => r.state === "failed" && r.errorCode === "HOST_ERR_DEPENDENCIES_UNMET");
    const nodes = waiting.map((r) => ({
      id: r.id,
      version: r.version,
      active: false,
      dependencies: (r.manifest.archnest as PluginManifest).dependencies ?? {},
    }));
    for (const id of activationOrder(nodes).order) {
      const view = await this.dependencyView();
      const node = view.get(id);
      if (node && unmetDependencies({ ...node, active: true }, view).length === 0) await this.activate(id);
    }
  }

  enable(id: string): Promise<PluginRecord> {
    return this.exclusive(async () => {
      await this.require(id);
      await this.repo.patch(id, { state: "active", error: null, errorCode: null });
      if (!this.instances.has(id)) await this.activate(id);
      await this.reviveDependents();
      return this.require(id);
    });
  }

  disable(id: string, opts: RemoveOptions = {}): Promise<PluginRecord> {
    return this.exclusive(async () => {
      await this.require(id);
      await this.stopDependents(id, "disable", opts);
      await this.unload(id, "plugin disabled by the admin");
      await this.repo.patch(id, { state: "disabled", error: null, errorCode: null });
      this.bus.emit("plugin.state", { id, state: "disabled" });
      return this.require(id);
    });
  }

  /** Sets the update policy; pinning remembers the policy it replaced, so {@link unpin} can restore it. */
  setPolicy(id: string, policy: UpdatePolicy): Promise<PluginRecord> {
    return this.exclusive(async () => {
      const change = policyChange(await this.require(id), policy);
      if (change) await this.repo.patch(id, change);
      return this.require(id);
    });
  }

  /** Lifts a pin: the policy set before the pin comes back (`minor` when none was recorded). */
  unpin(id: string): Promise<PluginRecord> {
    return this.exclusive(async () => {
      const change = unpinChange(await this.require(id));
      if (change) await this.repo.patch(id, change);
      return this.require(id);
    });
  }

  /**
   * Returns to the newest kept older version, after checking its files against their signature again,
   * and pins the plugin there. The version left is removed; updating brings it back from the registry.
   */
  rollback(id: string): Promise<PluginRecord> {
    return this.exclusive(async () => {
      const rec = await this.require(id);
      const [target, ...older] = rec.previousVersions;
      if (!target) throw new PluginError("HOST_ERR_NO_PREVIOUS_VERSION", `${rec.packageName} has no kept previous version.`);
      const dir = this.disk.versionDir(id, target);
      let verified: ReturnType<typeof verifyRelease>;
      try {
        verified = verifyRelease(await readPluginDir(dir), await this.opts.trust.keyring(), this.now());
      } catch (err) {
        throw new PluginError("HOST_ERR_PLUGIN_VERIFY_FAILED", `The kept version ${target} failed verification: ${(err as Error).message}`, [
          String((err as { code?: string }).code),
        ]);
      }
      const { pkg, signer } = verified;
      const revoked = this.opts.revocations?.revokedReason(pkg.name, pkg.version);
      if (revoked) throw new PluginError("HOST_ERR_VERSION_REVOKED", `${pkg.name}@${pkg.version} was revoked: ${revoked}`);
      await this.unload(id, `${rec.packageName} is being rolled back to ${target}`);
      await this.repo.put({
        ...rec,
        version: target,
        previousVersions: older,
        state: "active",
        error: null,
        errorCode: null,
        policy: "pinned",
        pinnedFrom: rec.policy === "pinned" ? rec.pinnedFrom : rec.policy,
        module: pkg.archnest.module,
        signerKeyid: signer.keyid,
        signerName: signer.name,
        permissions: [...pkg.archnest.permissions],
        grantedPermissions: rec.grantedPermissions.filter((p) => pkg.archnest.permissions.includes(p)),
        manifest: { name: pkg.name, version: pkg.version, archnest: pkg.archnest },
        updatedAt: Date.now(),
      });
      await this.activate(id);
      await this.pruneVersions(id);
      this.touchManifest();
      return this.require(id);
    });
  }

  /** Removes a plugin's code; its storage, settings and secrets stay unless `purge`. */
  uninstall(id: string, purge: boolean, opts: RemoveOptions = {}): Promise<void> {
    return this.exclusive(async () => {
      const rec = await this.require(id);
      await this.stopDependents(id, "uninstall", opts);
      await this.unload(id, "plugin uninstalled");
      await this.repo.remove(id, purge);
      if (purge) {
        await this.opts.vault.delete(`plugin:${id}`);
        await rm(join(this.opts.dataDir, "plugin-data", id), { recursive: true, force: true });
      }
      await this.disk.remove(id);
      this.bus.emit("plugin.removed", { id, version: rec.version, purged: purge });
      this.touchManifest();
    });
  }

  /**
   * Applies the registry's status index: an installed version that is revoked is stopped and marked
   * revoked with the reason and the fix; a revoked plugin whose version is no longer listed comes back.
   */
  applyRevocations(): Promise<void> {
    return this.exclusive(async () => {
      const check = this.opts.revocations;
      if (!check) return;
      for (const rec of await this.repo.all()) {
        const reason = check.revokedReason(rec.packageName, rec.version);
        if (reason && rec.state !== "revoked") {
          await this.unload(rec.id, `version ${rec.version} was revoked`);
          await this.repo.patch(rec.id, {
            state: "revoked",
            error: `Version ${rec.version} was revoked: ${reason}. Update to a newer version or roll back.`,
            errorCode: "HOST_ERR_VERSION_REVOKED",
          });
          this.opts.log.warn("revoked plugin version disabled", { plugin: rec.id, version: rec.version, reason });
          this.bus.emit("plugin.state", { id: rec.id, state: "revoked" });
        } else if (!reason && rec.state === "revoked") {
          await this.repo.patch(rec.id, { state: "active", error: null, errorCode: null });
          await this.activate(rec.id);
        }
      }
      this.touchManifest();
    });
  }

  async getSettings(id: string): Promise<Record<string, Json>> {
    const rec = await this.require(id);
    const m = parsePluginPackage(rec.manifest).archnest;
    return validateSettings(m.contributes.settings, await this.repo.settingsGet(id), { fillDefaults: true });
  }

  async putSettings(id: string, values: Record<string, unknown>): Promise<Record<string, Json>> {
    const rec = await this.require(id);
    const m = parsePluginPackage(rec.manifest).archnest;
    const clean = validateSettings(m.contributes.settings, values, { fillDefaults: false });
    await this.repo.settingsSet(id, clean);
    const full = validateSettings(m.contributes.settings, clean, { fillDefaults: true });
    for (const l of this.instances.get(id)?.settingsListeners ?? []) {
      try {
        l(full);
      } catch (err) {
        this.opts.log.warn("settings listener failed", { plugin: id, error: String(err) });
      }
    }
    return full;
  }

  // --- serving ------------------------------------------------------------------------------------------------

  /** The running instance of a plugin, if any. */
  instance(id: string): PluginInstance | undefined {
    return this.instances.get(id);
  }

  /**
   * The directory of a running version's files (for web assets). The folder is not checked here: the asset
   * route stats the file itself, and a missing folder answers 404 there like a missing file.
   */
  assetDir(id: string, version: string): string | undefined {
    const inst = this.instances.get(id);
    if (!inst || inst.record.version !== version) return undefined;
    return inst.dir;
  }

  licensed(module: string): boolean {
    return this.opts.gate.licensed(module);
  }

  /** The license gate (the 402 body of a module, the caps of a manifest). */
  get gate(): HostGate {
    return this.opts.gate;
  }

  onManifestChange(listener: (version: number) => void): () => void {
    return this.ui.onChange(listener);
  }

  private touchManifest(): void {
    this.ui.touch();
  }

  /** The active plugins' web entries, slot contributions, pages and settings schemas. */
  uiManifest(): UiManifest {
    return this.ui.build(this.instances.values());
  }
}

/** The name people know a plugin by: its manifest's displayName, else its id. */
export function displayNameOf(rec: Pick<PluginRecord, "id" | "manifest">): string {
  return (rec.manifest.archnest as { displayName?: string } | undefined)?.displayName ?? rec.id;
}

/** "Terminal", "Terminal and Files", "Terminal, Files and Tunnels". */
function listNames(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}
