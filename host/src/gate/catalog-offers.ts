import type { ModuleOffer } from "@archnest/sdk/plugin";

/** What the host reads a module's price from: the registry's catalog as it last fetched it. */
export interface ModuleCatalog {
  offer(module: string): ModuleOffer;
}

/** No registry, no catalog: a 402 names the module and its store link, and no price. */
export const NO_CATALOG: ModuleCatalog = { offer: () => ({}) };

type CatalogBody = { modules?: unknown; bundles?: unknown };

/**
 * Module prices from the registry's catalog (`GET /v1/catalog`). The host knows no price list of its
 * own: until a catalog arrives, and for a module the catalog does not list, a 402 carries no price.
 */
export class CatalogOffers implements ModuleCatalog {
  private prices = new Map<string, string>();

  constructor(private readonly fetchCatalog: () => Promise<{ status: number; body: unknown }>) {}

  offer(module: string): ModuleOffer {
    const price = this.prices.get(module);
    return price === undefined ? {} : { price };
  }

  /** Takes the prices of a catalog body the host fetched for another reason (the Module Store). */
  update(body: unknown): void {
    const { modules, bundles } = (typeof body === "object" && body !== null ? body : {}) as CatalogBody;
    const next = new Map<string, string>();
    for (const list of [bundles, modules]) {
      if (!Array.isArray(list)) continue;
      for (const item of list as { slug?: unknown; price?: unknown }[]) {
        if (typeof item?.slug === "string" && typeof item.price === "string") next.set(item.slug, item.price);
      }
    }
    // An empty or malformed answer keeps the prices known: a lock shows the last price rather than none.
    if (next.size > 0) this.prices = next;
  }

  /** Fetches the catalog again; a failure keeps the prices known (a lock without a price is the worst case). */
  async refresh(): Promise<void> {
    const res = await this.fetchCatalog().catch(() => undefined);
    if (res?.status === 200) this.update(res.body);
  }
}
