import { describe, expect, it } from "vitest";
import { sanitizeTheme } from "./theme.js";

describe("sanitizeTheme", () => {
  it("keeps known variables with plain values", () => {
    const t = sanitizeTheme({ id: "theme-light", name: "Light", scheme: "light", variables: { "--an-bg": "#ffffff", "--an-accent": "rgb(10, 20, 30)" } });
    expect(t).toEqual({ id: "theme-light", name: "Light", scheme: "light", variables: { "--an-bg": "#ffffff", "--an-accent": "rgb(10, 20, 30)" } });
  });

  it("drops unknown variables and values that could inject CSS", () => {
    const t = sanitizeTheme({
      id: "evil",
      name: "Evil",
      variables: { "--an-bg": "red; background: url(x)", "--other": "#000", "--an-text": "#eee", "--an-border": "url(x)" },
    });
    expect(t?.variables).toEqual({ "--an-text": "#eee" });
  });

  it("refuses something that is not a theme", () => {
    expect(sanitizeTheme(undefined)).toBeUndefined();
    expect(sanitizeTheme({ id: "Bad Id", name: "x", variables: {} })).toBeUndefined();
    expect(sanitizeTheme(() => null)).toBeUndefined();
  });
});
