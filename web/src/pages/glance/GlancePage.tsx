import { DASHBOARD_WIDGET_SLOT } from "@archnest/sdk/web";
import { createMemo, createSignal, For, type JSX, onMount, Show } from "solid-js";
import { api, errorMessage, type GlanceLayout } from "../../api/index.js";
import { session } from "../../session/index.js";
import { manifestLoaded, SlotItem, useSlot } from "../../slots/index.js";
import { EmptyState, Icon, notify, PageHeader } from "../../ui/index.js";
import { arrangeWidgets, moveWidget, parseLayout, toggleWidget } from "./glance-layout.js";

const PREF_KEY = "glance.layout";

/** The dashboard: every `dashboard.widget@1` contribution, in the person's saved order. */
export function GlancePage(): JSX.Element {
  const widgets = useSlot(DASHBOARD_WIDGET_SLOT);
  const [layout, setLayout] = createSignal<GlanceLayout>({ order: [], hidden: [] });
  const [editing, setEditing] = createSignal(false);
  const arranged = createMemo(() => arrangeWidgets(widgets(), layout()));

  onMount(() => {
    api
      .getPref<GlanceLayout>(PREF_KEY)
      .then((v) => setLayout(parseLayout(v)))
      .catch(() => undefined);
  });

  const save = (next: GlanceLayout) => {
    setLayout(next);
    api.setPref(PREF_KEY, next).catch((e) => notify(`Could not save the layout: ${errorMessage(e)}`, "error"));
  };
  const move = (key: string, delta: -1 | 1) =>
    save(
      moveWidget(
        arranged().visible.map((w) => w.key),
        layout(),
        key,
        delta,
      ),
    );

  const greeting = () => {
    const h = new Date().getHours();
    return h < 5 ? "Good night" : h < 12 ? "Good morning" : h < 18 ? "Good afternoon" : "Good evening";
  };

  return (
    <div class="page">
      <PageHeader
        title="Glance"
        description={`${greeting()}, ${session.user()?.username ?? ""}. Here is how things stand.`}
        actions={
          <Show when={widgets().length > 0}>
            <button type="button" class={`btn ${editing() ? "btn--accent" : "btn--ghost"}`} aria-pressed={editing()} onClick={() => setEditing(!editing())}>
              {editing() ? "Done" : "Customize"}
            </button>
          </Show>
        }
      />
      <Show
        when={widgets().length > 0}
        fallback={
          <Show when={manifestLoaded()}>
            <EmptyState
              icon="glance"
              title="No widgets yet"
              action={
                <a class="btn btn--accent" href="/settings/store">
                  Browse the Module Store
                </a>
              }
            >
              Widgets come from plugins: host status, containers, bookmarks and more appear here as soon as a plugin that provides them is active.
            </EmptyState>
          </Show>
        }
      >
        <div class="widget-grid" data-testid="glance-widgets">
          <For each={arranged().visible}>
            {(entry, i) => (
              <section class="widget" aria-label={entry.contribution.title ?? entry.plugin.name}>
                <header class="widget__head">
                  <h2>{entry.contribution.title ?? entry.plugin.name}</h2>
                  <Show when={editing()}>
                    <div class="widget__tools">
                      <button
                        type="button"
                        class="icon-btn"
                        aria-label={`Move ${entry.contribution.title ?? entry.plugin.name} up`}
                        disabled={i() === 0}
                        onClick={() => move(entry.key, -1)}
                      >
                        <Icon name="up" size={16} />
                      </button>
                      <button
                        type="button"
                        class="icon-btn"
                        aria-label={`Move ${entry.contribution.title ?? entry.plugin.name} down`}
                        disabled={i() === arranged().visible.length - 1}
                        onClick={() => move(entry.key, 1)}
                      >
                        <Icon name="down" size={16} />
                      </button>
                      <button
                        type="button"
                        class="icon-btn"
                        aria-label={`Hide ${entry.contribution.title ?? entry.plugin.name}`}
                        onClick={() => save(toggleWidget(layout(), entry.key, true))}
                      >
                        <Icon name="eyeOff" size={16} />
                      </button>
                    </div>
                  </Show>
                </header>
                <SlotItem entry={entry} class="widget__body" />
              </section>
            )}
          </For>
        </div>
        <Show when={editing() && arranged().hidden.length > 0}>
          <section class="card hidden-widgets">
            <h2 class="card__title">Hidden widgets</h2>
            <ul class="plain-list">
              <For each={arranged().hidden}>
                {(entry) => (
                  <li class="row">
                    <span>
                      {entry.contribution.title ?? entry.contribution.id} <span class="muted">· {entry.plugin.name}</span>
                    </span>
                    <button type="button" class="btn btn--ghost btn--sm" onClick={() => save(toggleWidget(layout(), entry.key, false))}>
                      <Icon name="eye" size={15} /> Show
                    </button>
                  </li>
                )}
              </For>
            </ul>
          </section>
        </Show>
      </Show>
    </div>
  );
}
