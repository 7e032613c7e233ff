import { BUNDLES, type CatalogModule, MODULES } from "./modules.js";

export { BUNDLES, type CatalogBundle, type CatalogModule, MODULES, type ModuleDelivery } from "./modules.js";

const moduleBySlug = new Map(MODULES.map((x) => [x.slug, x]));
const bundleBySlug = new Map(BUNDLES.map((x) => [x.slug, x]));

/** "$5", "$25", "$4.50": prices as people read them (USD). */
export function formatPrice(cents: number): string {
  return cents % 100 === 0 ? `$${cents / 100}` : `$${(cents / 100).toFixed(2)}`;
}

export function findModule(slug: string): CatalogModule | undefined {
  return moduleBySlug.get(slug);
}

/** What a purchasable slug costs and which modules it grants; undefined for an unknown slug. */
export function purchasable(slug: string): { slug: string; name: string; priceCents: number; modules: readonly string[] } | undefined {
  const mod = moduleBySlug.get(slug);
  if (mod) return { slug, name: mod.name, priceCents: mod.priceCents, modules: [slug] };
  const bundle = bundleBySlug.get(slug);
  return bundle ? { slug, name: bundle.name, priceCents: bundle.priceCents, modules: bundle.modules } : undefined;
}

/** Expands purchased slugs (modules and bundles) into the sorted set of module slugs they grant. */
export function expandSlugs(purchased: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const slug of purchased) for (const mod of purchasable(slug)?.modules ?? []) out.add(mod);
  return [...out].sort();
}

/**
 * Whether a module can be delivered today: an entitlement always can (its cap is enforced by the host
 * already); a package module only once a package for it is published here (`published`: the module slugs
 * of the packages with a version not revoked). Selling anything else would take money for nothing.
 */
export function isAvailable(mod: CatalogModule, published: ReadonlySet<string>): boolean {
  return mod.delivery.kind === "entitlement" || published.has(mod.slug);
}

/**
 * Whether a slug may be bought on its own today: a module when it is available, a bundle when at least
 * one of its modules is (its license covers the others when they arrive).
 */
export function purchasableNow(slug: string, published: ReadonlySet<string>): boolean {
  return availableOf(purchasable(slug)?.modules ?? [], published).length > 0;
}

/** The slugs of `modules` that are available now, in their order. */
function availableOf(modules: readonly string[], published: ReadonlySet<string>): string[] {
  return modules.filter((s) => {
    const mod = moduleBySlug.get(s);
    return mod !== undefined && isAvailable(mod, published);
  });
}

/** The bundles that contain a module. */
export function bundlesOf(moduleSlug: string): string[] {
  return BUNDLES.filter((b) => b.modules.includes(moduleSlug)).map((b) => b.slug);
}

/**
 * Every module with its price, the bundles that hold it, how it is delivered and whether it is available
 * now, in docs/modules.md order. `published`: see {@link isAvailable}.
 */
export function modulesView(published: ReadonlySet<string>) {
  return MODULES.map((x) => ({
    slug: x.slug,
    name: x.name,
    description: x.description,
    price: formatPrice(x.priceCents),
    priceCents: x.priceCents,
    bundles: bundlesOf(x.slug),
    delivery: x.delivery.kind,
    ...(x.delivery.kind === "entitlement" && { lifts: x.delivery.lifts }),
    available: isAvailable(x, published),
  }));
}

/**
 * Every bundle with its price, what its modules cost one by one, the saving, and which of its modules are
 * available now and which come later. A bundle is `available` (on sale) when at least one module is.
 */
export function bundlesView(published: ReadonlySet<string>) {
  return BUNDLES.map((b) => {
    const separately = b.modules.reduce((sum, s) => sum + (moduleBySlug.get(s)?.priceCents ?? 0), 0);
    const now = availableOf(b.modules, published);
    return {
      slug: b.slug,
      name: b.name,
      modules: [...b.modules],
      price: formatPrice(b.priceCents),
      priceCents: b.priceCents,
      separately: formatPrice(separately),
      saving: formatPrice(separately - b.priceCents),
      savingCents: separately - b.priceCents,
      available: now.length > 0,
      availableNow: now,
      comingLater: b.modules.filter((s) => !now.includes(s)),
    };
  });
}
