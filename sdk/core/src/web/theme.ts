/**
 * Themes are plugins: a theme plugin's web entry exports a {@link ThemeDefinition} and contributes it to
 * {@link THEME_SLOT}. The shell applies a theme by setting the CSS variables below on the document root,
 * and falls back to ArchNest Dark when the theme plugin goes away (uninstalled, or its license lapsed).
 */

/**
 * The CSS variables the shell's styles read. A theme may set any of them; the ones it leaves out keep
 * ArchNest Dark's values.
 */
export const THEME_VARIABLES = [
  "--an-bg",
  "--an-bg-raised",
  "--an-bg-sunken",
  "--an-bg-hover",
  "--an-border",
  "--an-border-strong",
  "--an-text",
  "--an-text-muted",
  "--an-text-faint",
  "--an-accent",
  "--an-accent-strong",
  "--an-accent-text",
  "--an-accent-soft",
  "--an-success",
  "--an-warning",
  "--an-danger",
  "--an-focus",
  "--an-shadow",
] as const;

/** One of {@link THEME_VARIABLES}. */
export type ThemeVariable = (typeof THEME_VARIABLES)[number];

/** What a theme plugin exports. */
export interface ThemeDefinition {
  /** Stable id saved in the person's preferences, such as `theme-light`. */
  id: string;
  /** Shown in Settings → Profile. */
  name: string;
  /** Tells the browser which built-in controls and scrollbars to draw. Defaults to `dark`. */
  scheme?: "dark" | "light";
  variables: Partial<Record<ThemeVariable, string>>;
}

/**
 * Typed identity helper for a theme plugin's web entry.
 *
 * @example
 * ```ts
 * export const theme = defineTheme({
 *   id: "theme-forest",
 *   name: "Forest",
 *   variables: { "--an-accent": "#34d399", "--an-accent-strong": "#10b981" },
 * });
 * ```
 */
export function defineTheme(theme: ThemeDefinition): ThemeDefinition {
  return theme;
}

const SAFE_VALUE = /^[#(),.%\w\s-]{1,80}$/;

/**
 * Checks a value a plugin exported as a theme and returns it cleaned: unknown variables and values that
 * are not plain colours or lengths are dropped, so a theme cannot inject CSS.
 */
export function sanitizeTheme(value: unknown): ThemeDefinition | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.id !== "string" || !/^[a-z][a-z0-9-]{0,63}$/.test(v.id) || typeof v.name !== "string") return undefined;
  const vars: Partial<Record<ThemeVariable, string>> = {};
  if (typeof v.variables === "object" && v.variables !== null) {
    for (const [k, val] of Object.entries(v.variables as Record<string, unknown>)) {
      if ((THEME_VARIABLES as readonly string[]).includes(k) && typeof val === "string" && SAFE_VALUE.test(val) && !/url|image|expression/i.test(val))
        vars[k as ThemeVariable] = val;
    }
  }
  return { id: v.id, name: v.name.slice(0, 60), scheme: v.scheme === "light" ? "light" : "dark", variables: vars };
}
