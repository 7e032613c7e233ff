import { createEffect, createMemo, createSignal, For, type JSX, on, onMount, Show } from "solid-js";
import { api, type CatalogModule, type CatalogPlugin, errorMessage } from "../../api/index.js";
import { catalog, installed, refreshAll } from "../../data/index.js";
import { navigate, useLocation } from "../../router/index.js";
import { installProgress } from "../../slots/index.js";
import { chooseTheme, themeOptions } from "../../theme/index.js";
import { Badge, EmptyState, Icon, notify, ProgressBar, Spinner } from "../../ui/index.js";
import { createInstaller } from "./create-installer.js";

/** The id the host tags this plugin's install events with (we pass it as `progressId`). */
const progressKey = (p: CatalogPlugin) => `store:${p.name}`;

const PHASES: Record<string, string> = { download: "Downloading", verify: "Verifying signature", activate: "Activating", done: "Installed", error: "Failed" };

/** A bundle lists this many modules coming later in full; more fold into a disclosure. */
const LATER_SHOWN = 8;

/** In place of a buy button while nothing delivers the module (or any module of a bundle). */
function ComingSoon(props: { bundled: boolean }): JSX.Element {
  return (
    <span class="coming-soon" data-testid="coming-soon">
      <Badge tone="warning">Coming soon</Badge>
      <Show when={props.bundled}>
        <span class="muted small">Included in bundles on sale</span>
      </Show>
    </span>
  );
}

/** Modules and bundles: prices, what each unlocks, owned or locked; checkout, then install with progress. */
export function StoreTab(): JSX.Element {
  const location = useLocation();
  const installer = createInstaller();
  const [query, setQuery] = createSignal("");
  const [busy, setBusy] = createSignal<Record<string, boolean>>({});
  const [purchased, setPurchased] = createSignal<string>();
  const c = () => catalog.read.latest;

  const pluginsOf = (slug: string): CatalogPlugin[] => (c()?.plugins ?? []).filter((p) => p.module === slug);
  const namesOf = (slugs: readonly string[]) =>
    (c()?.modules ?? [])
      .filter((m) => slugs.includes(m.slug))
      .map((m) => m.name)
      .join(" · ");
  const isInstalled = (p: CatalogPlugin) => p.installed || (installed.read.latest ?? []).some((i) => i.name === p.name || i.id === p.name);
  const filtered = createMemo(() => {
    const q = query().trim().toLowerCase();
    const all = c()?.modules ?? [];
    return q ? all.filter((m) => `${m.name} ${m.description} ${m.slug}`.toLowerCase().includes(q)) : all;
  });
  const freePlugins = () => (c()?.plugins ?? []).filter((p) => p.free && !isInstalled(p));

  const setBusyFor = (key: string, on: boolean) => setBusy((b) => ({ ...b, [key]: on }));

  const installPlugin = async (p: CatalogPlugin) => {
    setBusyFor(p.name, true);
    try {
      const result = await installer.run(`Install ${p.displayName}?`, (accept) =>
        api.installRef(p.latestForHost ? `${p.name}@${p.latestForHost}` : p.name, accept, progressKey(p)),
      );
      if (result) notify(`${p.displayName} is installed.`, "success");
    } catch (e) {
      notify(`${p.displayName} could not be installed: ${errorMessage(e)}`, "error");
    } finally {
      setBusyFor(p.name, false);
      refreshAll();
    }
  };

  const installModules = async (slugs: string[]) => {
    for (const slug of slugs) for (const p of pluginsOf(slug)) if (!isInstalled(p)) await installPlugin(p);
  };

  const buy = async (slug: string) => {
    setBusyFor(`buy:${slug}`, true);
    try {
      const { url } = await api.checkout(slug);
      window.location.assign(url);
    } catch (e) {
      notify(`Checkout could not start: ${errorMessage(e)}`, "error");
      setBusyFor(`buy:${slug}`, false);
    }
  };

  // Back from checkout: confirm the purchase with the license server, then install what it unlocked.
  onMount(() => {
    const slug = new URLSearchParams(location().search).get("purchased");
    if (!slug) return;
    setPurchased(slug);
    navigate(`/settings/store#${encodeURIComponent(slug)}`, { replace: true });
    void (async () => {
      try {
        await api.refreshLicense();
      } catch {
        // The store's catalog below still says what is owned; a failed refresh is retried by the host.
      }
      catalog.refetch();
    })();
  });
  createEffect(
    on(
      () => [purchased(), c()] as const,
      ([slug, cat]) => {
        if (!slug || !cat) return;
        const bundle = cat.bundles.find((b) => b.slug === slug);
        const slugs = bundle ? bundle.modules : [slug];
        if (!slugs.every((s) => cat.modules.find((m) => m.slug === s)?.owned)) return;
        setPurchased(undefined);
        notify(`Thank you! ${bundle?.name ?? cat.modules.find((m) => m.slug === slug)?.name ?? slug} is yours.`, "success");
        void installModules(slugs);
      },
    ),
  );

  // Opened at a module (from a lock): bring its card into view and mark it.
  createEffect(() => {
    const hash = decodeURIComponent(location().hash);
    if (!hash || !c()) return;
    queueMicrotask(() => {
      const el = document.getElementById(`store-${hash}`);
      el?.scrollIntoView({ block: "center" });
      el?.focus({ preventScroll: true });
    });
  });

  const themeFor = (slug: string) => themeOptions().find((o) => o.plugin?.module === slug);

  const ModuleCard = (props: { m: CatalogModule }) => {
    const plugins = () => pluginsOf(props.m.slug);
    const missing = () => plugins().filter((p) => !isInstalled(p));
    const installing = () => plugins().find((p) => busy()[p.name]);
    const event = () => {
      const p = installing();
      if (!p) return undefined;
      return installProgress[progressKey(p)];
    };
    return (
      <article
        class="store-card"
        id={`store-${props.m.slug}`}
        tabIndex={-1}
        data-module={props.m.slug}
        data-owned={props.m.owned ? "true" : "false"}
        data-available={props.m.available ? "true" : "false"}
        classList={{ "store-card--target": decodeURIComponent(location().hash) === props.m.slug, "store-card--soon": !props.m.available }}
      >
        <header class="store-card__head">
          <h3>{props.m.name}</h3>
          <Show when={props.m.owned} fallback={<span class="price">{props.m.price}</span>}>
            <Badge tone="success">
              <Icon name="check" size={13} /> Owned
            </Badge>
          </Show>
        </header>
        <p class="store-card__desc">{props.m.description}</p>
        <footer class="store-card__foot">
          <Show
            when={props.m.owned}
            fallback={
              // Nothing delivers it yet: no way to pay for it alone (the registry refuses such a checkout too).
              <Show when={props.m.available} fallback={<ComingSoon bundled={props.m.bundles.some((s) => c()?.bundles.find((b) => b.slug === s)?.available)} />}>
                <button type="button" class="btn btn--accent btn--sm" disabled={busy()[`buy:${props.m.slug}`]} onClick={() => void buy(props.m.slug)}>
                  <Icon name="lock" size={14} /> Unlock for {props.m.price}
                </button>
              </Show>
            }
          >
            <Show
              when={installing()}
              fallback={
                <Show
                  when={missing().length > 0}
                  fallback={
                    <div class="row row--tight">
                      <span class="muted small">
                        <Icon name="check" size={14} />{" "}
                        {plugins().length > 0 ? "Installed" : props.m.available ? "Included in your license" : "Yours when it is released"}
                      </span>
                      <Show when={themeFor(props.m.slug)}>
                        {(t) => (
                          <button type="button" class="btn btn--ghost btn--sm" onClick={() => void chooseTheme(t().theme.id)}>
                            Use theme
                          </button>
                        )}
                      </Show>
                    </div>
                  }
                >
                  <button type="button" class="btn btn--ghost btn--sm" onClick={() => void installModules([props.m.slug])}>
                    <Icon name="download" size={14} /> Install
                  </button>
                </Show>
              }
            >
              <div class="install-progress" data-testid="install-progress">
                <span class="small">{PHASES[event()?.phase ?? "download"] ?? "Installing"}…</span>
                <ProgressBar value={event()?.progress ?? 0.1} label={`Installing ${props.m.name}`} />
              </div>
            </Show>
          </Show>
        </footer>
      </article>
    );
  };

  return (
    <Show
      when={c()}
      fallback={
        <Show
          when={catalog.read.loading}
          fallback={
            <EmptyState icon="store" title="The store is not reachable">
              ArchNest could not reach the module registry. Your installed modules keep working; try again later.
            </EmptyState>
          }
        >
          <Spinner label="Loading the store" />
        </Show>
      }
    >
      <div class="stack stack--lg">
        <div class="store-intro">
          <div>
            <h2>Make ArchNest yours</h2>
            <p class="muted">Every module is $5, once, for life. Modules install in seconds, without a restart.</p>
          </div>
          <input
            class="search"
            type="search"
            placeholder="Search modules"
            aria-label="Search modules"
            value={query()}
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
        </div>

        <Show when={!query()}>
          <section aria-labelledby="bundles-h">
            <h2 id="bundles-h" class="section-title">
              Bundles
            </h2>
            <div class="bundle-grid">
              <For each={c()?.bundles ?? []}>
                {(b) => (
                  <article
                    class="bundle-card"
                    id={`store-${b.slug}`}
                    tabIndex={-1}
                    data-bundle={b.slug}
                    data-available={b.available ? "true" : "false"}
                    classList={{ "store-card--target": decodeURIComponent(location().hash) === b.slug }}
                  >
                    <header class="store-card__head">
                      <h3>{b.name}</h3>
                      <Show when={b.saving}>
                        <Badge tone="accent">Save {b.saving}</Badge>
                      </Show>
                    </header>
                    <Show when={b.availableNow.length > 0}>
                      <p class="store-card__desc bundle-card__group" data-testid="bundle-now">
                        <strong>Available now:</strong> {namesOf(b.availableNow)}
                      </p>
                    </Show>
                    <Show when={b.comingLater.length > 0}>
                      {/* A long list folds away, so the bundle's price and button stay in view. */}
                      <Show
                        when={b.comingLater.length > LATER_SHOWN}
                        fallback={
                          <p class="store-card__desc bundle-card__group" data-testid="bundle-later">
                            <strong>Coming later</strong> (included when released): {namesOf(b.comingLater)}
                          </p>
                        }
                      >
                        <details class="store-card__desc bundle-card__group" data-testid="bundle-later">
                          <summary>
                            <strong>Coming later</strong> (included when released): {b.comingLater.length} modules
                          </summary>
                          {namesOf(b.comingLater)}
                        </details>
                      </Show>
                    </Show>
                    <footer class="store-card__foot">
                      <span class="price price--lg">
                        {b.price}
                        <Show when={b.separately}>
                          <s class="price-was">{b.separately}</s>
                        </Show>
                      </span>
                      <Show
                        when={b.owned}
                        fallback={
                          <Show when={b.available} fallback={<ComingSoon bundled={false} />}>
                            <button type="button" class="btn btn--accent btn--sm" disabled={busy()[`buy:${b.slug}`]} onClick={() => void buy(b.slug)}>
                              Get bundle
                            </button>
                          </Show>
                        }
                      >
                        <Badge tone="success">
                          <Icon name="check" size={13} /> Owned
                        </Badge>
                      </Show>
                    </footer>
                  </article>
                )}
              </For>
            </div>
          </section>
        </Show>

        <section aria-labelledby="modules-h">
          <h2 id="modules-h" class="section-title">
            Modules
          </h2>
          <Show when={filtered().length > 0} fallback={<p class="muted">No module matches “{query()}”.</p>}>
            <div class="store-grid">
              <For each={filtered()}>{(m) => <ModuleCard m={m} />}</For>
            </div>
          </Show>
        </section>

        <Show when={freePlugins().length > 0 && !query()}>
          <section aria-labelledby="free-h">
            <h2 id="free-h" class="section-title">
              Free plugins
            </h2>
            <div class="store-grid">
              <For each={freePlugins()}>
                {(p) => (
                  <article class="store-card">
                    <header class="store-card__head">
                      <h3>{p.displayName}</h3>
                      <Badge>Free</Badge>
                    </header>
                    <p class="store-card__desc">{p.description}</p>
                    <footer class="store-card__foot">
                      <button type="button" class="btn btn--ghost btn--sm" disabled={busy()[p.name]} onClick={() => void installPlugin(p)}>
                        <Icon name="download" size={14} /> {busy()[p.name] ? "Installing…" : "Install"}
                      </button>
                    </footer>
                  </article>
                )}
              </For>
            </div>
          </section>
        </Show>
        <installer.PermissionsDialog />
      </div>
    </Show>
  );
}
