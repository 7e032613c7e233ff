/** Vite's `?inline` CSS import: the stylesheet as a string, injected at runtime (the host's CSP allows inline styles). */
declare module "*.css?inline" {
  const css: string;
  export default css;
}
