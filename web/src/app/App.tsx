import { onUnauthorized, registerShell } from "@archnest/sdk/web";
import { createEffect, createMemo, ErrorBoundary, type JSX, Match, on, onMount, Show, Suspense, Switch } from "solid-js";
import { Dynamic } from "solid-js/web";
import { installed, refreshAll, setDataActive } from "../data/index.js";
import { Shell } from "../layout/index.js";
import { installRouter, navigate, useLocation } from "../router/index.js";
import { loadSession, session, sessionExpired } from "../session/index.js";
import { manifestVersion, onLicenseChange, SlotErrorCard, SlotOutlet, slotContributions, startManifest, stopManifest, usePluginPages } from "../slots/index.js";
import { loadThemePreference, resetTheme } from "../theme/index.js";
import { Dialog, EmptyState, ErrorState, KitEmptyState, KitField, KitTable, Lock, notify, openStore } from "../ui/index.js";
import { AuthPage, CORE_ROUTES } from "./routes.js";

/** The whole app: session gate, then the shell with core and plugin routes. */
export function App(): JSX.Element {
  onMount(() => {
    installRouter();
    registerShell({
      navigate,
      openStore,
      user: () => session.user(),
      notify,
      Lock,
      Dialog,
      slotContributions,
      Slot: SlotOutlet,
      Table: KitTable,
      Field: KitField,
      EmptyState: KitEmptyState,
      ErrorState,
    });
    onUnauthorized(() => {
      sessionExpired();
      notify("Your session ended. Sign in again.", "info");
    });
    onLicenseChange(refreshAll);
    void loadSession();
  });

  // Installs, updates and removals, from this tab or another, show in the plugin list at once.
  createEffect(on(manifestVersion, (v) => v >= 0 && installed.refetch(), { defer: true }));

  createEffect(
    on(session.status, (status) => {
      const signedIn = status === "signed-in";
      setDataActive(signedIn);
      if (signedIn) {
        startManifest();
        void loadThemePreference();
      } else {
        stopManifest();
        resetTheme();
      }
    }),
  );

  return (
    <Switch>
      <Match when={session.status() === "loading"}>
        <div class="splash" role="status" aria-busy="true" aria-label="Loading ArchNest" />
      </Match>
      <Match when={session.status() === "offline"}>
        <div class="auth">
          <div class="auth__card">
            <EmptyState
              icon="alert"
              title="ArchNest is not answering"
              action={
                <button type="button" class="btn btn--accent" onClick={() => void loadSession()}>
                  Try again
                </button>
              }
            >
              The page could not reach the ArchNest host. Check that it is running, then try again.
            </EmptyState>
          </div>
        </div>
      </Match>
      <Match when={session.status() === "setup" || session.status() === "signed-out"}>
        <Suspense fallback={<div class="splash" />}>
          <AuthPage mode={session.status() === "setup" ? "setup" : "login"} />
        </Suspense>
      </Match>
      <Match when={session.status() === "signed-in"}>
        <SignedIn />
      </Match>
    </Switch>
  );
}

function SignedIn(): JSX.Element {
  const location = useLocation();
  const pluginPages = usePluginPages();
  const route = createMemo(() => {
    const path = location().path;
    const core = CORE_ROUTES.find((r) => r.match(path));
    if (core) return { kind: "core" as const, title: core.title, core };
    const page = pluginPages().find((p) => path === p.page.path || path.startsWith(`${p.page.path}/`));
    if (page) return { kind: "plugin" as const, title: page.page.title, page };
    return { kind: "missing" as const, title: "Not found" };
  });
  const coreRoute = createMemo(() => {
    const r = route();
    return r.kind === "core" ? r.core : undefined;
  });
  const pluginPage = createMemo(() => {
    const r = route();
    return r.kind === "plugin" ? r.page : undefined;
  });
  createEffect(() => {
    document.title = `${route().title} · ArchNest`;
  });
  return (
    <Shell title={route().title}>
      <Switch>
        <Match when={coreRoute()}>
          {/* Keyed: moving between core pages swaps the page component. */}
          <Show when={coreRoute()} keyed>
            {(core) => <Dynamic component={core.component} path={location().path} />}
          </Show>
        </Match>
        <Match when={pluginPage()}>
          <Show when={pluginPage()} keyed>
            {(page) => (
              <ErrorBoundary fallback={(error, reset) => <SlotErrorCard pluginName={page.plugin.name} pluginId={page.plugin.id} error={error} reset={reset} />}>
                <Dynamic component={page.Component} plugin={page.plugin} contribution={{ id: page.page.path, slot: "page", title: page.page.title }} />
              </ErrorBoundary>
            )}
          </Show>
        </Match>
        <Match when={route().kind === "missing"}>
          <EmptyState
            icon="help"
            title="Nothing here"
            action={
              <a class="btn btn--accent" href="/">
                Back to Glance
              </a>
            }
          >
            No page lives at <code>{location().path}</code>. It may belong to a plugin that is not installed.
          </EmptyState>
        </Match>
      </Switch>
    </Shell>
  );
}
