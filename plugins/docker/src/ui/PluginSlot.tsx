/**
 * Renders the contributions other plugins make to a slot this plugin declares (`docker.container.actions@1`,
 * `docker.container.detail@1`). The shell's UI manifest says who contributes what; each contribution's web
 * entry is an ES module loaded through the page's import map, like the shell's own slots.
 */
import { apiFetch } from "@archnest/sdk/web";
import { type Component, createResource, ErrorBoundary, For, type JSX, Show, Suspense } from "solid-js";
import { Dynamic } from "solid-js/web";

interface UiPlugin {
  id: string;
  name: string;
  displayName?: string;
  version: string;
  web: string | null;
  slots: { slot: string; id: string; component: string; title?: string }[];
}

let manifest: Promise<{ plugins: UiPlugin[] }> | undefined;
const entries = new Map<string, Promise<Record<string, unknown>>>();

async function contributions(slot: string) {
  manifest ??= apiFetch<{ plugins: UiPlugin[] }>("/api/ui/manifest").catch((err) => {
    manifest = undefined;
    throw err;
  });
  const { plugins } = await manifest;
  const found: { key: string; plugin: UiPlugin; contribution: UiPlugin["slots"][number]; Component: Component<Record<string, unknown>> }[] = [];
  for (const plugin of plugins) {
    if (!plugin.web) continue;
    for (const contribution of plugin.slots.filter((s) => s.slot === slot)) {
      const url = plugin.web;
      let mod = entries.get(url);
      if (!mod) {
        mod = import(/* @vite-ignore */ url) as Promise<Record<string, unknown>>;
        entries.set(url, mod);
      }
      const Component = (await mod)[contribution.component];
      if (typeof Component === "function")
        found.push({ key: `${plugin.id}:${contribution.id}`, plugin, contribution, Component: Component as Component<Record<string, unknown>> });
    }
  }
  return found;
}

/** Every contribution to `slot`, each given `props` plus the usual `plugin` and `contribution`. */
export function PluginSlot(props: { slot: string; props: Record<string, unknown>; class?: string; fallback?: JSX.Element }): JSX.Element {
  const [items] = createResource(() => props.slot, contributions);
  return (
    <Suspense>
      <Show when={items() !== undefined && items()?.length === 0}>{props.fallback}</Show>
      <For each={items() ?? []}>
        {(item) => (
          <span class={props.class} data-contribution={item.key}>
            <ErrorBoundary
              fallback={(err) => (
                <span class="muted small">
                  {item.plugin.displayName ?? item.plugin.name}: {String((err as Error)?.message ?? err)}
                </span>
              )}
            >
              <Dynamic
                component={item.Component}
                {...props.props}
                plugin={{ id: item.plugin.id, name: item.plugin.name, version: item.plugin.version }}
                contribution={item.contribution}
              />
            </ErrorBoundary>
          </span>
        )}
      </For>
    </Suspense>
  );
}
