import { html } from "../http.js";

/**
 * ArchNest's mark (the web app's web/public/favicon.svg). Browsers ask every page's origin for an icon, so
 * without one each checkout page logs a failed request.
 */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><title>ArchNest</title><rect width="32" height="32" rx="8" fill="#1b1f2a"/><path d="M8 21.5 16 9l8 12.5" fill="none" stroke="#8b9cff" stroke-width="2.6" stroke-linecap="round" stroke-linejoin="round"/><path d="M11.5 21.5h9" stroke="#8b9cff" stroke-width="2.6" stroke-linecap="round"/></svg>';

/** Where the icon is served; `/favicon.ico` answers too, for clients that ask without reading the page. */
export const FAVICON_PATHS = ["/favicon.svg", "/favicon.ico"] as const;

/** An HTML page of the registry (checkout, success, cancel): the product's colours, its icon, an optional banner. */
export function page(title: string, body: string, banner?: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${html(title)}</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>body{font-family:system-ui,sans-serif;background:#0f1115;color:#e6e6e6;max-width:40rem;margin:3rem auto;padding:0 1rem}
.banner{background:#7a4b00;color:#fff;padding:.75rem 1rem;border-radius:.5rem;font-weight:600}
button{background:#3b82f6;color:#fff;border:0;border-radius:.4rem;padding:.6rem 1.4rem;font-size:1rem;cursor:pointer}a{color:#7fb0ff}</style></head>
<body>${banner ? `<p class="banner" role="alert">${html(banner)}</p>` : ""}<h1>${html(title)}</h1>${body}</body></html>`;
}
