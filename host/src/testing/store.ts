/**
 * Buying in the Module Store as a person does, in chromium: the card's buy button, the registry's
 * development checkout, "Pay", "Back to ArchNest", and the store confirming the purchase (and installing
 * what it unlocked). Pair it with a host started with `registry: true`.
 */
import type { Page } from "playwright-core";

/** Which store card to buy from and what must be owned afterwards. */
export interface BuyInStoreOptions {
  /** Modules that must show as owned once back (the bundle's, for a bundle); `[slug]` by default. */
  modules?: readonly string[];
  /** How long the checkout walk may take, in ms (30 s by default). */
  timeoutMs?: number;
  /**
   * Plugin ids the store must have installed and started afterwards: for plugins that were not installed
   * before the purchase (a host started with `install: "free"`). Their permission prompts are accepted as
   * the admin does ("Accept and install").
   */
  installs?: readonly string[];
}

/**
 * Buys a module or bundle through the store page of the host at `hostUrl`, leaving `page` on the store
 * with the purchase confirmed.
 *
 * @example
 * ```ts
 * await buyInStore(page, h.url, "tmux");
 * await page.goto(`${h.url}/terminal`); // the tmux toolbar is there, no reload of the host needed
 * ```
 */
export async function buyInStore(page: Page, hostUrl: string, slug: string, options: BuyInStoreOptions = {}): Promise<void> {
  const timeout = options.timeoutMs ?? 30_000;
  await page.goto(`${hostUrl}/settings/store#${encodeURIComponent(slug)}`);
  const card = page.locator(`[data-module="${slug}"], [data-bundle="${slug}"]`).first();
  await card.getByRole("button", { name: /^(Unlock for|Get bundle)/ }).click({ timeout });
  await page.waitForURL((u) => u.origin !== new URL(hostUrl).origin, { timeout });
  await page.getByRole("button", { name: /^Pay / }).click({ timeout });
  await page.getByRole("heading", { name: "Payment received" }).waitFor({ timeout });
  await page.getByRole("link", { name: "Back to ArchNest" }).click({ timeout });
  await page.waitForURL((u) => u.origin === new URL(hostUrl).origin && u.pathname === "/settings/store", { timeout });
  const modules = options.modules ?? [slug];
  for (const m of modules) await page.locator(`[data-module="${m}"][data-owned="true"]`).waitFor({ timeout });
  // The store thanks the person, then installs what is missing; the host starts what the license unlocked
  // a moment later. Done when nothing installs and every plugin of a bought module runs.
  await page
    .getByText(/is yours\./)
    .first()
    .waitFor({ timeout });
  const installs = options.installs ?? [];
  const deadline = Date.now() + timeout + installs.length * 15_000;
  for (;;) {
    const accept = page.getByTestId("accept-permissions");
    if (await accept.isVisible().catch(() => false)) await accept.click().catch(() => undefined);
    const done = await page.evaluate(
      async ({ bought, ids }) => {
        // Runs in the page; the host's own typecheck has no DOM library.
        const page = globalThis as unknown as { document: { querySelector(selector: string): unknown } };
        if (page.document.querySelector('[data-testid="install-progress"]')) return false;
        const res = await fetch("/api/plugins");
        if (!res.ok) return false;
        const plugins = (await res.json()) as { id: string; module: string; state: string }[];
        if (!ids.every((id) => plugins.some((p) => p.id === id))) return false;
        return plugins.filter((p) => bought.includes(p.module)).every((p) => p.state === "active");
      },
      { bought: [...modules], ids: [...installs] },
    );
    if (done) return;
    if (Date.now() > deadline)
      throw new Error(`after buying ${slug}, the store did not install and start ${installs.join(", ") || "the bought modules' plugins"} in time`);
    await page.waitForTimeout(250);
  }
}
