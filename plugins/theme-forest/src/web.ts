import { defineTheme } from "@archnest/sdk/web";

/** Dark green-grey surfaces with an emerald accent. Sold as the `theme-forest` module; the shell falls back to ArchNest Dark when it is not licensed. */
export const theme = defineTheme({
  id: "theme-forest",
  name: "Forest",
  scheme: "dark",
  variables: {
    "--an-bg": "#0c1210",
    "--an-bg-raised": "#121a17",
    "--an-bg-sunken": "#080d0b",
    "--an-bg-hover": "#18231f",
    "--an-border": "#1f2c27",
    "--an-border-strong": "#2c3d36",
    "--an-text": "#e5efe9",
    "--an-text-muted": "#98aba2",
    "--an-text-faint": "#6b7f76",
    "--an-accent": "#34d399",
    "--an-accent-strong": "#10b981",
    "--an-accent-text": "#04130d",
    "--an-accent-soft": "rgba(52, 211, 153, 0.13)",
    "--an-focus": "#6ee7b7",
    "--an-shadow": "rgba(0, 0, 0, 0.45)",
  },
});
