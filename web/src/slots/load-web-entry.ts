/**
 * Imports a plugin's web entry once per URL. The URL carries the plugin's version, so an upgrade loads
 * the new module while the old one is simply no longer referenced.
 */
const modules = new Map<string, Promise<Record<string, unknown>>>();

export function loadWebEntry(url: string): Promise<Record<string, unknown>> {
  let mod = modules.get(url);
  if (!mod) {
    mod = import(/* @vite-ignore */ url) as Promise<Record<string, unknown>>;
    // A failed import (network, syntax error) is retried on the next render rather than cached forever.
    mod.catch(() => modules.delete(url));
    modules.set(url, mod);
  }
  return mod;
}
