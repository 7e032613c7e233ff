import { createEffect, createSignal, For, type JSX, Show } from "solid-js";
import { api, dependentsOf, errorMessage, type InstalledPlugin, type PluginAction, type PluginState } from "../../api/index.js";
import { availableUpdates, installed, refreshAll } from "../../data/index.js";
import { useLocation } from "../../router/index.js";
import { installProgress, useUiPlugins } from "../../slots/index.js";
import { Badge, type BadgeTone, Dialog, EmptyState, Icon, notify, ProgressBar, Spinner } from "../../ui/index.js";
import { createInstaller, describePermission } from "./create-installer.js";
import { PluginSettingsDialog } from "./PluginSettingsDialog.js";
import { TrustedPublishers } from "./TrustedPublishers.js";

const STATE_TONE: Record<PluginState, BadgeTone> = { active: "success", disabled: "neutral", failed: "danger", locked: "warning", revoked: "danger" };
const nameOf = (p: InstalledPlugin) => p.displayName ?? p.name;
const STATE_LABEL: Record<PluginState, string> = { active: "Active", disabled: "Disabled", failed: "Failed", locked: "Locked", revoked: "Revoked" };

/** "Terminal", "Terminal and Files", "Terminal, Files and Tunnels". */
function listNames(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/** A disable the admin must confirm because other plugins use this one. */
interface PendingDisable {
  plugin: InstalledPlugin;
  dependents: string[];
}

/** Installed plugins: version, signer, permissions, state and errors, with every admin action. */
export function PluginsTab(): JSX.Element {
  const installer = createInstaller();
  const location = useLocation();
  const [busy, setBusy] = createSignal<string>();
  const [removing, setRemoving] = createSignal<InstalledPlugin>();
  // The plugins that stop too when the one being removed goes (from the list, or from the host's 409).
  const [removingDependents, setRemovingDependents] = createSignal<string[]>([]);
  const [disabling, setDisabling] = createSignal<PendingDisable>();
  const [purge, setPurge] = createSignal(false);
  const [uploading, setUploading] = createSignal(false);
  const [configuring, setConfiguring] = createSignal<InstalledPlugin>();
  const uiPlugins = useUiPlugins();
  const settingsOf = (p: InstalledPlugin) => {
    const s = uiPlugins().find((u) => u.id === p.id)?.settings;
    return s && Object.keys(s).length > 0 ? s : undefined;
  };
  let fileInput: HTMLInputElement | undefined;
  const list = () => installed.read.latest ?? [];
  const updateFor = (p: InstalledPlugin) => availableUpdates().find((u) => u.plugin.id === p.id)?.version;
  // Failures are reported where the install was started; here only installs still under way.
  const running = () => Object.values(installProgress).filter((e) => e && e.phase !== "done" && e.phase !== "error");

  createEffect(() => {
    const id = location().hash;
    if (id && list().length) queueMicrotask(() => document.getElementById(`plugin-${id}`)?.scrollIntoView({ block: "center" }));
  });

  /** Display names of plugins by id, for the dependents warnings. */
  const namesOf = (ids: readonly string[]) => listNames(ids.map((id) => list().find((x) => x.id === id)).map((x, i) => (x ? nameOf(x) : (ids[i] ?? ""))));
  const stopsToo = (p: InstalledPlugin, ids: readonly string[]) => `${namesOf(ids)} ${ids.length === 1 ? "uses" : "use"} ${nameOf(p)}; they will stop too.`;

  const act = async (p: InstalledPlugin, action: PluginAction, done: string, opts: { withDependents?: boolean } = {}) => {
    setBusy(`${p.id}:${action}`);
    try {
      await api.pluginAction(p.id, action, opts);
      notify(done, "success");
    } catch (e) {
      // The list was stale: others started to depend on it since. Ask, as for a known dependent.
      const dependents = dependentsOf(e);
      if (dependents && action === "disable") setDisabling({ plugin: p, dependents });
      else notify(`${nameOf(p)}: ${errorMessage(e)}`, "error");
    } finally {
      setBusy(undefined);
      refreshAll();
    }
  };

  const disable = (p: InstalledPlugin) => {
    if (p.dependents && p.dependents.length > 0) setDisabling({ plugin: p, dependents: p.dependents });
    else void act(p, "disable", `${nameOf(p)} is disabled.`);
  };

  /** Updates within the policy and says what really happened: updated, already up to date, or pinned. */
  const update = async (p: InstalledPlugin) => {
    setBusy(`${p.id}:update`);
    try {
      const res = await installer.run(`Update ${nameOf(p)}?`, (accept) => api.updatePlugin(p.id, accept, `update:${p.id}`));
      if (res?.result === "updated") notify(`${nameOf(p)} was updated to ${res.version}.`, "success");
      else if (res?.result === "pinned") notify(`${nameOf(p)} is pinned at ${res.version}; unpin it to update.`, "info");
      else if (res?.result === "up-to-date") notify(`${nameOf(p)} is up to date: no newer version it may move to runs on this host.`, "info");
    } catch (e) {
      notify(`${nameOf(p)}: ${errorMessage(e)}`, "error");
    } finally {
      setBusy(undefined);
      refreshAll();
    }
  };

  const uninstall = async () => {
    const p = removing();
    if (!p) return;
    setBusy(`${p.id}:uninstall`);
    try {
      await api.uninstall(p.id, { purge: purge(), withDependents: removingDependents().length > 0 });
      notify(purge() ? `${nameOf(p)} and its data were removed.` : `${nameOf(p)} was uninstalled. Its data is kept.`, "success");
      setRemoving(undefined);
    } catch (e) {
      const dependents = dependentsOf(e);
      if (dependents) setRemovingDependents(dependents);
      else notify(`${nameOf(p)}: ${errorMessage(e)}`, "error");
    } finally {
      setBusy(undefined);
      refreshAll();
    }
  };

  const installFile = async (file: File) => {
    setUploading(true);
    try {
      const progressId = `file:${Date.now()}`;
      const p = await installer.run(`Install ${file.name}?`, (accept) => api.installFile(file, accept, progressId));
      if (p) notify(`${nameOf(p)} ${p.version} is installed.`, "success");
    } catch (e) {
      notify(`The plugin could not be installed: ${errorMessage(e)}`, "error");
    } finally {
      setUploading(false);
      if (fileInput) fileInput.value = "";
      refreshAll();
    }
  };

  return (
    <div class="stack">
      <div class="toolbar">
        <p class="muted">Every plugin is verified against its publisher's signature before it runs.</p>
        <input
          ref={fileInput}
          type="file"
          accept=".tgz,.tar.gz,application/gzip"
          class="sr-only"
          id="plugin-file"
          data-testid="plugin-file"
          onChange={(e) => {
            const f = e.currentTarget.files?.[0];
            if (f) void installFile(f);
          }}
        />
        <button type="button" class="btn btn--ghost" disabled={uploading()} onClick={() => fileInput?.click()}>
          <Icon name="upload" size={16} /> {uploading() ? "Installing…" : "Install from file"}
        </button>
      </div>

      <For each={running()}>
        {(e) => (
          <div class="card install-progress" data-testid="install-progress">
            <span class="small">
              <strong>{e.id.startsWith("file:") ? "Package upload" : e.id.replace(/^(store|update):/, "")}</strong> · {e.message ?? e.phase}
            </span>
            <ProgressBar value={e.progress} label="Installing" />
          </div>
        )}
      </For>

      <Show
        when={list().length > 0}
        fallback={
          <Show when={installed.read.loading} fallback={<EmptyState icon="puzzle" title="No plugins installed" />}>
            <Spinner />
          </Show>
        }
      >
        <div class="table-wrap">
          <table class="table" data-testid="plugins-table">
            <thead>
              <tr>
                <th scope="col">Plugin</th>
                <th scope="col">Version</th>
                <th scope="col" class="hide-md">
                  Signer
                </th>
                <th scope="col">Permissions</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={list()}>
                {(p) => (
                  <tr id={`plugin-${p.id}`} data-plugin={p.id} data-state={p.state}>
                    <td>
                      <div class="cell-title">{nameOf(p)}</div>
                      <div class="cell-sub">
                        {p.name} · {p.source === "core" ? "core" : p.module === "free" ? "free" : p.module}
                      </div>
                    </td>
                    <td>
                      <div class="cell-title mono">{p.version}</div>
                      <div class="cell-sub">
                        <Show when={p.policy === "pinned"}>
                          <span class="pinned">
                            <Icon name="pin" size={12} /> pinned
                          </span>
                        </Show>
                        <Show when={updateFor(p)}>{(v) => <span class="text-accent"> {v()} available</span>}</Show>
                      </div>
                    </td>
                    <td class="hide-md">
                      <div class="cell-title">{p.signer?.name ?? "Unsigned"}</div>
                      <div class="cell-sub mono" title={p.signer?.keyid}>
                        {p.signer?.keyid?.slice(0, 12)}
                      </div>
                    </td>
                    <td>
                      <Show when={p.permissions.length > 0} fallback={<span class="muted small">None</span>}>
                        <div class="chips">
                          <For each={p.permissions}>
                            {(perm) => (
                              <span class="perm" classList={{ "perm--pending": !p.grantedPermissions.includes(perm) }} title={describePermission(perm)}>
                                {perm}
                              </span>
                            )}
                          </For>
                        </div>
                      </Show>
                    </td>
                    <td>
                      <Badge tone={STATE_TONE[p.state]}>{STATE_LABEL[p.state]}</Badge>
                      <Show when={p.error}>
                        <div class="cell-error" title={p.errorCode ?? undefined}>
                          {p.error}
                          <Show when={p.errorCode}>
                            <code>{p.errorCode}</code>
                          </Show>
                        </div>
                      </Show>
                    </td>
                    <td class="actions">
                      <Show when={updateFor(p)}>
                        <button type="button" class="btn btn--accent btn--sm" disabled={!!busy()} onClick={() => void update(p)}>
                          Update
                        </button>
                      </Show>
                      <Show when={p.previousVersion}>
                        {(v) => (
                          <button
                            type="button"
                            class="btn btn--ghost btn--sm"
                            disabled={!!busy()}
                            title={`Go back to ${v()} and pin it there`}
                            onClick={() => void act(p, "rollback", `${nameOf(p)} is back at ${v()} and pinned.`)}
                          >
                            <Icon name="undo" size={14} /> Roll back to {v()}
                          </button>
                        )}
                      </Show>
                      <Show when={settingsOf(p)}>
                        <button type="button" class="icon-btn" aria-label={`Settings of ${nameOf(p)}`} title="Settings" onClick={() => setConfiguring(p)}>
                          <Icon name="settings" size={16} />
                        </button>
                      </Show>
                      <button
                        type="button"
                        class="icon-btn"
                        disabled={!!busy()}
                        aria-label={p.policy === "pinned" ? `Unpin ${nameOf(p)}` : `Pin ${nameOf(p)}`}
                        title={p.policy === "pinned" ? "Unpin: allow updates" : "Pin: keep this version"}
                        aria-pressed={p.policy === "pinned"}
                        onClick={() =>
                          void act(
                            p,
                            p.policy === "pinned" ? "unpin" : "pin",
                            p.policy === "pinned" ? `${nameOf(p)} will update again.` : `${nameOf(p)} is pinned at ${p.version}.`,
                          )
                        }
                      >
                        <Icon name="pin" size={16} />
                      </button>
                      <button
                        type="button"
                        class="icon-btn"
                        disabled={!!busy()}
                        aria-label={p.state === "disabled" ? `Enable ${nameOf(p)}` : `Disable ${nameOf(p)}`}
                        title={p.state === "disabled" ? "Enable" : "Disable"}
                        onClick={() => (p.state === "disabled" ? void act(p, "enable", `${nameOf(p)} is enabled.`) : disable(p))}
                      >
                        <Icon name="power" size={16} />
                      </button>
                      <button
                        type="button"
                        class="icon-btn icon-btn--danger"
                        disabled={!!busy()}
                        aria-label={`Uninstall ${nameOf(p)}`}
                        title="Uninstall"
                        onClick={() => {
                          setPurge(false);
                          setRemovingDependents(p.dependents ?? []);
                          setRemoving(p);
                        }}
                      >
                        <Icon name="trash" size={16} />
                      </button>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>

      <Dialog
        open={removing() !== undefined}
        title={`Uninstall ${removing() ? nameOf(removing() as InstalledPlugin) : ""}?`}
        tone="danger"
        width="sm"
        onClose={() => setRemoving(undefined)}
        footer={
          <>
            <button type="button" class="btn btn--ghost" onClick={() => setRemoving(undefined)}>
              Cancel
            </button>
            <button type="button" class="btn btn--danger" data-testid="confirm-uninstall" disabled={!!busy()} onClick={() => void uninstall()}>
              {purge() ? "Uninstall and delete data" : "Uninstall"}
            </button>
          </>
        }
      >
        <p>
          The plugin stops and its pages and widgets disappear. <strong>Its data is kept</strong>, so installing it again brings everything back.
        </p>
        <Show when={removing() && removingDependents().length > 0}>
          <p class="warning-note" data-testid="dependents-warning">
            {stopsToo(removing() as InstalledPlugin, removingDependents())}
          </p>
        </Show>
        <label class="check">
          <input type="checkbox" checked={purge()} onChange={(e) => setPurge(e.currentTarget.checked)} />
          <span>Also delete its data (this cannot be undone)</span>
        </label>
      </Dialog>
      <Dialog
        open={disabling() !== undefined}
        title={`Disable ${disabling() ? nameOf((disabling() as PendingDisable).plugin) : ""}?`}
        tone="danger"
        width="sm"
        onClose={() => setDisabling(undefined)}
        footer={
          <>
            <button type="button" class="btn btn--ghost" onClick={() => setDisabling(undefined)}>
              Cancel
            </button>
            <button
              type="button"
              class="btn btn--danger"
              data-testid="confirm-disable"
              disabled={!!busy()}
              onClick={() => {
                const d = disabling();
                setDisabling(undefined);
                if (d) void act(d.plugin, "disable", `${nameOf(d.plugin)} and the plugins using it are disabled.`, { withDependents: true });
              }}
            >
              Disable all
            </button>
          </>
        }
      >
        <Show when={disabling()}>
          {(d) => (
            <>
              <p class="warning-note" data-testid="dependents-warning">
                {stopsToo(d().plugin, d().dependents)}
              </p>
              <p class="muted">They start again when you enable {nameOf(d().plugin)}.</p>
            </>
          )}
        </Show>
      </Dialog>
      <Show when={configuring()}>
        {(p) => <PluginSettingsDialog plugin={{ id: p().id, name: nameOf(p()) }} schema={settingsOf(p()) ?? {}} onClose={() => setConfiguring(undefined)} />}
      </Show>
      <installer.PermissionsDialog />
      <TrustedPublishers />
    </div>
  );
}
