import { type Component, createEffect, For, type JSX, lazy } from "solid-js";
import { Dynamic } from "solid-js/web";
import { Link, navigate } from "../../router/index.js";
import { Icon, PageHeader } from "../../ui/index.js";

const TABS: { slug: string; label: string; icon: string; component: Component }[] = [
  { slug: "profile", label: "Profile", icon: "user", component: lazy(() => import("./ProfileTab.js").then((m) => ({ default: m.ProfileTab }))) },
  {
    slug: "integrations",
    label: "Integrations",
    icon: "plug",
    component: lazy(() => import("./IntegrationsTab.js").then((m) => ({ default: m.IntegrationsTab }))),
  },
  { slug: "store", label: "Module Store", icon: "store", component: lazy(() => import("./StoreTab.js").then((m) => ({ default: m.StoreTab }))) },
  { slug: "plugins", label: "Plugins", icon: "puzzle", component: lazy(() => import("./PluginsTab.js").then((m) => ({ default: m.PluginsTab }))) },
  { slug: "license", label: "License", icon: "key", component: lazy(() => import("./LicenseTab.js").then((m) => ({ default: m.LicenseTab }))) },
];

/** Settings: one URL per tab (`/settings/<tab>`), so tabs can be linked to and opened from a lock. */
export function SettingsPage(props: { path: string }): JSX.Element {
  const slug = () => props.path.split("/")[2] ?? "";
  const tab = () => TABS.find((t) => t.slug === slug());
  createEffect(() => {
    if (!tab()) navigate("/settings/profile", { replace: true });
  });
  return (
    <div class="page">
      <PageHeader title="Settings" />
      <nav class="tabs" aria-label="Settings sections">
        <For each={TABS}>
          {(t) => (
            <Link class="tab" href={`/settings/${t.slug}`}>
              <Icon name={t.icon} size={16} />
              {t.label}
            </Link>
          )}
        </For>
      </nav>
      <section class="tab-panel" aria-label={tab()?.label}>
        <Dynamic component={tab()?.component} />
      </section>
    </div>
  );
}
