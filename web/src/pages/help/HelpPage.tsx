import type { JSX } from "solid-js";
import { Icon, PageHeader } from "../../ui/index.js";

const SHORTCUTS: [string, string][] = [
  ["Tab / Shift+Tab", "Move between controls; the focused one is outlined"],
  ["Enter / Space", "Activate the focused button or link"],
  ["Esc", "Close a dialog"],
  ["Tab on page load", "Shows “Skip to content” to jump past the navigation"],
];

/** Short answers to the questions people ask first. */
export function HelpPage(): JSX.Element {
  return (
    <div class="page page--narrow">
      <PageHeader title="Help" description="How ArchNest works, in a few minutes." />
      <div class="grid grid--2">
        <section class="card">
          <h2 class="card__title">
            <Icon name="glance" /> Glance
          </h2>
          <p>
            Glance is your dashboard. Widgets come from plugins; choose <strong>Customize</strong> to reorder or hide them. Your layout is saved to your
            account.
          </p>
        </section>
        <section class="card">
          <h2 class="card__title">
            <Icon name="puzzle" /> Plugins
          </h2>
          <p>
            Everything in ArchNest is a signed plugin. Settings → Plugins lists each one with its version, signer and permissions, and lets you update, pin,
            roll back, disable or uninstall it. Uninstalling keeps the plugin's data unless you choose to delete it.
          </p>
        </section>
        <section class="card">
          <h2 class="card__title">
            <Icon name="store" /> Modules
          </h2>
          <p>
            The free core stays free. Paid modules cost $5 each, once, and bundles save more. Buy them in Settings → Module Store; they install without a page
            reload.
          </p>
        </section>
        <section class="card">
          <h2 class="card__title">
            <Icon name="key" /> License
          </h2>
          <p>
            Your license is checked weekly. If ArchNest cannot reach the license server it keeps working for the days of grace shown in Settings → License.
            After that, paid modules pause until the next successful check; nothing is deleted.
          </p>
        </section>
      </div>
      <section class="card">
        <h2 class="card__title">
          <Icon name="keyboard" /> Keyboard
        </h2>
        <dl class="kv">
          {SHORTCUTS.map(([k, v]) => (
            <>
              <dt>
                <kbd>{k}</kbd>
              </dt>
              <dd>{v}</dd>
            </>
          ))}
        </dl>
      </section>
    </div>
  );
}
