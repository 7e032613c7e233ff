import { defineTheme } from "@archnest/sdk/web";

/** A calm light mode for bright rooms and daytime work. Sold as the `theme-light` module; the shell falls back to ArchNest Dark when it is not licensed. */
export const theme = defineTheme({
  id: "theme-light",
  name: "Light",
  scheme: "light",
  variables: {
    "--an-bg": "#f7f8fa",
    "--an-bg-raised": "#ffffff",
    "--an-bg-sunken": "#eef0f4",
    "--an-bg-hover": "#e9ecf2",
    "--an-border": "#dde1e9",
    "--an-border-strong": "#c6ccd8",
    "--an-text": "#161a22",
    "--an-text-muted": "#525b6c",
    "--an-text-faint": "#7d8697",
    "--an-accent": "#3b5bdb",
    "--an-accent-strong": "#2f4ac0",
    "--an-accent-text": "#ffffff",
    "--an-accent-soft": "rgba(59, 91, 219, 0.1)",
    "--an-success": "#1f9d62",
    "--an-warning": "#b7791f",
    "--an-danger": "#d64545",
    "--an-focus": "#3b5bdb",
    "--an-shadow": "rgba(22, 26, 34, 0.10)",
  },
});
