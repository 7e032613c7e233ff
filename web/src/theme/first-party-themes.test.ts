import { sanitizeTheme, THEME_VARIABLES } from "@archnest/sdk/web";
import { describe, expect, it } from "vitest";
import { theme as forest } from "../../../plugins/theme-forest/src/web.js";
import { theme as light } from "../../../plugins/theme-light/src/web.js";
import { theme as midnight } from "../../../plugins/theme-midnight-blue/src/web.js";

describe("the first-party theme modules", () => {
  it.each([
    ["theme-light", light, "light"],
    ["theme-midnight-blue", midnight, "dark"],
    ["theme-forest", forest, "dark"],
  ] as const)("%s passes the shell's sanitizer untouched", (slug, theme, scheme) => {
    expect(theme.id).toBe(slug);
    expect(theme.scheme).toBe(scheme);
    // Every variable it sets is one the shell reads, with a value the sanitizer keeps.
    expect(sanitizeTheme(theme)).toEqual({ ...theme, scheme });
    for (const key of Object.keys(theme.variables)) expect(THEME_VARIABLES).toContain(key);
    expect(theme.variables["--an-accent"]).toMatch(/^#[0-9a-f]{6}$/);
  });

  it("the light theme sets every variable, so nothing of the dark palette shows through", () => {
    expect(Object.keys(light.variables).sort()).toEqual([...THEME_VARIABLES].sort());
  });
});
