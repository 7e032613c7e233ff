import { useShell } from "@archnest/sdk/web";

/** The shell's notice, when the shell is there (a bare test page has none). */
export function notify(message: string, tone: "info" | "success" | "error" = "info"): void {
  try {
    useShell().notify(message, tone);
  } catch {
    // Outside the shell the inline messages carry the news.
  }
}

/** True when the signed-in person may change hosts (the kernel enforces it; this only hides the buttons). */
export function isAdmin(): boolean {
  try {
    return useShell().user()?.role === "admin";
  } catch {
    return false;
  }
}

/** Client-side navigation through the shell; a full load outside it. */
export function go(path: string): void {
  try {
    useShell().navigate(path);
  } catch {
    window.location.assign(path);
  }
}
