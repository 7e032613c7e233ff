import { INFRASTRUCTURE_SECTION_SLOT } from "@archnest/sdk/web";
import type { JSX } from "solid-js";
import { Slot } from "../../slots/index.js";
import { EmptyState, PageHeader } from "../../ui/index.js";

/** Every host and container source in one view; the sections come from plugins (SSH, Docker, ...). */
export function InfrastructurePage(): JSX.Element {
  return (
    <div class="page">
      <PageHeader title="Infrastructure" description="Your hosts, containers and services in one place." />
      <Slot
        name={INFRASTRUCTURE_SECTION_SLOT}
        class="stack"
        itemClass="card card--flush"
        fallback={
          <EmptyState
            icon="server"
            title="No infrastructure sources yet"
            action={
              <a class="btn btn--accent" href="/settings/plugins">
                Open Plugins
              </a>
            }
          >
            Sections appear here when a plugin that manages hosts or containers is active, such as the SSH hosts or Docker core plugins.
          </EmptyState>
        }
      />
    </div>
  );
}
