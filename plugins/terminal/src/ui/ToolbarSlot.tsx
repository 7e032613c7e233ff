/**
 * Renders the contributions other plugins make to the slots this plugin declares (`terminal.toolbar@1`:
 * tabs, split panes, tmux actions). The shell's slot runtime renders shell slots only, so the terminal
 * reads the live UI manifest itself: the same `/api/ui/manifest` and `/api/ui/events` the shell uses, the
 * same lazy import of each plugin's web entry. Contributions appear and disappear without a reload.
 */
import { apiFetch, type SlotProps } from "@archnest/sdk/web";
import { type Component, createResource, ErrorBoundary, For, type JSX, onCleanup, Suspense } from "solid-js";
import { Dynamic } from "solid-js/web";

export const TOOLBAR_SLOT = "terminal.toolbar@1";
export const PANE_SLOT = "terminal.pane@1";

/** What the terminal hands to each `terminal.toolbar@1` contribution, besides the usual slot props. */
export interface TerminalHandle {
  /** The SSH host of the open terminal, if any. */
  hostId(): string | undefined;
  /** True while the session is connected. */
  connected(): boolean;
  /** Types text into the session (for example `tmux attach -t main\r`). */
  input(data: string): void;
  /** Gives the keyboard back to the terminal. */
  focus(): void;
}

/** Props of a `terminal.toolbar@1` contribution. */
export interface TerminalToolbarProps extends SlotProps {
  terminal: TerminalHandle;
}

interface ManifestPlugin {
  id: string;
  name: string;
  displayName?: string;
  version: string;
  web: string | null;
  slots: { slot: string; id: string; component: string; title?: string }[];
}

interface Contribution {
  key: string;
  plugin: SlotProps["plugin"];
  contribution: SlotProps["contribution"];
  Component: Component<TerminalToolbarProps>;
}

async function load(slot: string): Promise<Contribution[]> {
  const manifest = await apiFetch<{ plugins: ManifestPlugin[] }>("/api/ui/manifest");
  const out: Contribution[] = [];
  for (const p of manifest.plugins) {
    for (const c of p.slots) {
      if (c.slot !== slot || !p.web) continue;
      const mod = (await import(/* @vite-ignore */ p.web).catch(() => undefined)) as Record<string, unknown> | undefined;
      const Component = mod?.[c.component];
      if (typeof Component !== "function") continue;
      out.push({
        key: `${p.id}:${c.id}`,
        plugin: { id: p.id, name: p.displayName ?? p.name, version: p.version },
        contribution: { id: c.id, slot: c.slot, ...(c.title !== undefined && { title: c.title }) },
        Component: Component as Component<TerminalToolbarProps>,
      });
    }
  }
  return out;
}

/** The contributions to `slot`, each isolated by an error boundary so one broken plugin cannot take the terminal down. */
export function ToolbarSlot(props: { slot: string; terminal: TerminalHandle }): JSX.Element {
  const [items, { refetch }] = createResource(
    () => props.slot,
    (slot) => load(slot).catch(() => []),
  );
  // Follow installs and removals like the shell does.
  if (typeof EventSource !== "undefined") {
    const events = new EventSource("/api/ui/events");
    events.addEventListener("manifest", () => void refetch());
    onCleanup(() => events.close());
  }
  return (
    <Suspense>
      <For each={items() ?? []}>
        {(item) => (
          <span class="an-terminal__contribution" data-contribution={item.key}>
            <ErrorBoundary fallback={<span class="muted small">{item.plugin.name} failed</span>}>
              <Dynamic component={item.Component} plugin={item.plugin} contribution={item.contribution} terminal={props.terminal} />
            </ErrorBoundary>
          </span>
        )}
      </For>
    </Suspense>
  );
}
