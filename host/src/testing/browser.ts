/** Debian chromium driven by playwright-core (never a downloaded browser build), for browser tests. */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from "playwright-core";
import { ADMIN_PASSWORD } from "./test-host.js";

export const CHROMIUM = "/usr/bin/chromium";
// Without the background-networking flags chromium keeps dialling out, which this closed network refuses.
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM}: run scripts/install-system-deps.sh as root (Debian package "chromium")`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/**
 * A browser context already signed in with `session` (what `setupAdmin`, `signedIn` or `addMember` answer):
 * its session cookie is set for `url`, so pages open signed in without going through the form.
 *
 * @example
 * ```ts
 * const context = await signedInContext(browser, h.url, h.admin, { viewport: { width: 1366, height: 768 } });
 * const page = await context.newPage();
 * await page.goto(`${h.url}/terminal`);
 * ```
 */
export async function signedInContext(
  browser: Browser,
  url: string,
  session: { cookie: string },
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  const eq = session.cookie.indexOf("=");
  await context.addCookies([{ name: session.cookie.slice(0, eq), value: session.cookie.slice(eq + 1), url }]);
  return context;
}

/** Signs in through the shell's own form, as the admin `setupAdmin` created. */
export async function signIn(page: Page, url: string, password = ADMIN_PASSWORD): Promise<void> {
  await page.goto(url);
  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Glance", level: 1 }).waitFor();
}

/** Saves a full-page screenshot as `<dir>/<name>.png` (the test-artifacts folder of a package). */
export async function screenshot(page: Page, dir: string, name: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** A signed-in chromium page, with what the page threw. */
export interface SignedInPage {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** The messages of the page's uncaught errors, as they happen (a test ends expecting none). */
  pageErrors: string[];
}

/**
 * Launches chromium and opens one page signed in with `session`, at 1366x768 unless told otherwise, with a
 * 20 s default timeout for its waits. Close it with `browser.close()`.
 *
 * @example
 * ```ts
 * const { browser, context, page, pageErrors } = await openSignedInPage(h.url, h.admin);
 * ```
 */
export async function openSignedInPage(url: string, session: { cookie: string }, options: BrowserContextOptions = {}): Promise<SignedInPage> {
  const browser = await launchChromium();
  try {
    const context = await signedInContext(browser, url, session, { viewport: { width: 1366, height: 768 }, ...options });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    return { browser, context, page, pageErrors };
  } catch (err) {
    await browser.close();
    throw err;
  }
}
