/**
 * The slots the shell declares. A slot name carries its major version: a breaking change to what a slot
 * passes to its contributions gets a new name (`dashboard.widget@2`) and the shell keeps serving `@1`.
 */
import type { JSX } from "solid-js";

/** Widgets on the Glance dashboard. Component: `(props: SlotProps) => JSX.Element`. */
export const DASHBOARD_WIDGET_SLOT = "dashboard.widget@1";
/** Sections of the Infrastructure page. */
export const INFRASTRUCTURE_SECTION_SLOT = "infrastructure.section@1";
/** Entries of Settings → Integrations (a plugin that connects an outside service). */
export const SETTINGS_INTEGRATIONS_SLOT = "settings.integrations@1";
/**
 * Themes: the contribution's `component` names an export that is a {@link ThemeDefinition}, not a
 * component.
 */
export const THEME_SLOT = "shell.theme@1";

/** What every slot contribution's component receives. */
export interface SlotProps {
  /** The contributing plugin. */
  plugin: { id: string; name: string; version: string };
  /** The contribution as its manifest declared it. */
  contribution: { id: string; slot: string; title?: string };
}

/** The type of a component a plugin contributes to a slot or page. */
export type SlotComponent = (props: SlotProps) => JSX.Element;
