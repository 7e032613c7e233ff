import { fileURLToPath } from "node:url";

/**
 * The host package's folder (`host/`). Found from this file, one level below it in `src/`, in `dist/`, and in
 * the bundled `dist/main.js`, which inlines this module at the same depth: every path to what ships beside
 * the host (migrations, signing keys, core plugins, the web app) starts here.
 */
export const HOST_PACKAGE_ROOT = fileURLToPath(new URL("../", import.meta.url));
