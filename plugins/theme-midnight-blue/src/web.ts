import { defineTheme } from "@archnest/sdk/web";

/** Deep navy surfaces with a bright blue accent. Sold as the `theme-midnight-blue` module; the shell falls back to ArchNest Dark when it is not licensed. */
export const theme = defineTheme({
  id: "theme-midnight-blue",
  name: "Midnight Blue",
  scheme: "dark",
  variables: {
    "--an-bg": "#0a1020",
    "--an-bg-raised": "#101a30",
    "--an-bg-sunken": "#070c18",
    "--an-bg-hover": "#16223d",
    "--an-border": "#1c2944",
    "--an-border-strong": "#2a3a5e",
    "--an-text": "#e6ecfa",
    "--an-text-muted": "#95a3c3",
    "--an-text-faint": "#66749a",
    "--an-accent": "#4f9dff",
    "--an-accent-strong": "#2f83f5",
    "--an-accent-text": "#06101f",
    "--an-accent-soft": "rgba(79, 157, 255, 0.14)",
    "--an-focus": "#7ab6ff",
    "--an-shadow": "rgba(0, 0, 0, 0.5)",
  },
});
