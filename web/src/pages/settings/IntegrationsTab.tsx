import { SETTINGS_INTEGRATIONS_SLOT } from "@archnest/sdk/web";
import type { JSX } from "solid-js";
import { Slot } from "../../slots/index.js";
import { EmptyState } from "../../ui/index.js";

/** Connections to outside services; each entry comes from a plugin through `settings.integrations@1`. */
export function IntegrationsTab(): JSX.Element {
  return (
    <div class="stack">
      <p class="muted">Integrations connect ArchNest to outside services. Each one is provided by a plugin and configured here.</p>
      <Slot
        name={SETTINGS_INTEGRATIONS_SLOT}
        class="stack"
        itemClass="card"
        fallback={
          <EmptyState
            icon="plug"
            title="No integrations installed"
            action={
              <a class="btn btn--accent" href="/settings/store">
                Browse the Module Store
              </a>
            }
          >
            None of the active plugins provides an integration. Modules such as Proxmox, AWS, Cloudflare, NetBird or Uptime Kuma add one here.
          </EmptyState>
        }
      />
    </div>
  );
}
