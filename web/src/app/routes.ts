import { type Component, lazy } from "solid-js";

/** Core pages, each its own chunk so the first load only carries the shell. */
export const GlancePage = lazy(() => import("../pages/glance/GlancePage.js").then((m) => ({ default: m.GlancePage })));
export const InfrastructurePage = lazy(() => import("../pages/infrastructure/InfrastructurePage.js").then((m) => ({ default: m.InfrastructurePage })));
export const SettingsPage = lazy(() => import("../pages/settings/SettingsPage.js").then((m) => ({ default: m.SettingsPage })));
export const HelpPage = lazy(() => import("../pages/help/HelpPage.js").then((m) => ({ default: m.HelpPage })));
export const AuthPage = lazy(() => import("../pages/auth/AuthPage.js").then((m) => ({ default: m.AuthPage })));

export type CoreRoute = { match: (path: string) => boolean; title: string; component: Component<{ path: string }> };

export const CORE_ROUTES: CoreRoute[] = [
  { match: (p) => p === "/" || p === "/glance", title: "Glance", component: GlancePage },
  { match: (p) => p === "/infrastructure" || p.startsWith("/infrastructure/"), title: "Infrastructure", component: InfrastructurePage },
  { match: (p) => p === "/settings" || p.startsWith("/settings/"), title: "Settings", component: SettingsPage },
  { match: (p) => p === "/help", title: "Help", component: HelpPage },
];
