import { BUNDLES, type CatalogModule, MODULES } from "./modules.js";

export { BUNDLES, type CatalogBundle, type CatalogModule, MODULES } from "./modules.js";

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

/** The bundles that contain a module. */
export function bundlesOf(moduleSlug: string): string[] {
  return BUNDLES.filter((b) => b.modules.includes(moduleSlug)).map((b) => b.slug);
}

/** Every module with its price and the bundles that hold it, in MODULES.md order. */
export function modulesView() {
  return MODULES.map((x) => ({
    slug: x.slug,
    name: x.name,
    description: x.description,
    price: formatPrice(x.priceCents),
    priceCents: x.priceCents,
    bundles: bundlesOf(x.slug),
  }));
}

/** Every bundle with its price, what its modules cost one by one, and the saving. */
export function bundlesView() {
  return BUNDLES.map((b) => {
    const separately = b.modules.reduce((sum, s) => sum + (moduleBySlug.get(s)?.priceCents ?? 0), 0);
    return {
      slug: b.slug,
      name: b.name,
      modules: [...b.modules],
      price: formatPrice(b.priceCents),
      priceCents: b.priceCents,
      separately: formatPrice(separately),
      saving: formatPrice(separately - b.priceCents),
      savingCents: separately - b.priceCents,
    };
  });
}
