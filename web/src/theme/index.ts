/**
 * Themes on CSS variables. ArchNest Dark is the stylesheet's default; a theme plugin contributes a
 * {@link ThemeDefinition} to the theme slot and the shell applies it by overriding variables on <html>.
 * When the chosen theme's plugin goes away (uninstalled, disabled, license lapsed) the theme list no
 * longer holds it and the page falls back to ArchNest Dark on its own.
 */
import { sanitizeTheme, THEME_SLOT, THEME_VARIABLES, type ThemeDefinition } from "@archnest/sdk/web";
import { createEffect, createResource, createRoot, createSignal } from "solid-js";
import { api } from "../api/index.js";
import { type PluginRef, useSlot } from "../slots/index.js";

export const DEFAULT_THEME: ThemeDefinition = { id: "archnest-dark", name: "ArchNest Dark", scheme: "dark", variables: {} };

/** A theme the person can choose, with the plugin that provides it (none for the built-in). */
export interface ThemeOption {
  theme: ThemeDefinition;
  plugin?: PluginRef;
}

const themeEntries = useSlot(THEME_SLOT);

const state = createRoot(() => {
  const [chosen, setChosen] = createSignal<string>(DEFAULT_THEME.id);
  const [options] = createResource<ThemeOption[], ReturnType<typeof themeEntries>>(
    () => themeEntries(),
    async (entries) => {
      const loaded = await Promise.all(
        entries.map(async (e): Promise<ThemeOption | undefined> => {
          try {
            const theme = sanitizeTheme(await e.load());
            return theme ? { theme, plugin: e.plugin } : undefined;
          } catch {
            return undefined;
          }
        }),
      );
      const options: ThemeOption[] = [{ theme: DEFAULT_THEME }];
      for (const o of loaded) if (o && !options.some((x) => x.theme.id === o.theme.id)) options.push(o);
      return options;
    },
    { initialValue: [{ theme: DEFAULT_THEME }] },
  );
  const active = (): ThemeDefinition => options.latest.find((o) => o.theme.id === chosen())?.theme ?? DEFAULT_THEME;
  createEffect(() => applyTheme(active()));
  return { chosen, setChosen, options, active };
});

/** Sets the theme's variables on the document root; variables a theme leaves out keep Dark's values. */
export function applyTheme(theme: ThemeDefinition): void {
  const root = document.documentElement;
  for (const name of THEME_VARIABLES) root.style.removeProperty(name);
  for (const [name, value] of Object.entries(theme.variables)) if (value) root.style.setProperty(name, value);
  root.style.colorScheme = theme.scheme ?? "dark";
  root.dataset.theme = theme.id;
}

/** Themes to choose from: ArchNest Dark plus every installed theme plugin (reactive). */
export const themeOptions = (): ThemeOption[] => state.options.latest;
/** The theme applied now (reactive). */
export const activeTheme = (): ThemeDefinition => state.active();
/** The id the person chose (it may belong to a theme that is not installed any more). */
export const chosenTheme = (): string => state.chosen();

/** Loads the person's saved choice. */
export async function loadThemePreference(): Promise<void> {
  try {
    const id = await api.getPref<string>("theme");
    state.setChosen(typeof id === "string" ? id : DEFAULT_THEME.id);
  } catch {
    state.setChosen(DEFAULT_THEME.id);
  }
}

/** Applies a theme now and saves it for the person. */
export async function chooseTheme(id: string): Promise<void> {
  state.setChosen(id);
  await api.setPref("theme", id);
}

/** Back to ArchNest Dark, without saving (sign-out). */
export function resetTheme(): void {
  state.setChosen(DEFAULT_THEME.id);
}
