import { defineConfig } from "vite";
import solid from "vite-plugin-solid";
import { entryFileName, isSharedSpecifier, sharedInputs, sharedRuntime } from "./vite/shared-runtime.js";

export default defineConfig({
  plugins: [solid({ ssr: false }), sharedRuntime()],
  resolve: { conditions: ["archnest-source", "browser", "module", "import", "default"] },
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    // Modern chromium-class browsers only; the polyfill would be one more inline-free but useless chunk.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      input: { index: "index.html", ...sharedInputs() },
      external: (id) => isSharedSpecifier(id),
      // Shared entries must keep every export: plugins import names the shell never uses.
      preserveEntrySignatures: "strict",
      output: { entryFileNames: entryFileName, chunkFileNames: "assets/[name]-[hash].js", assetFileNames: "assets/[name]-[hash][extname]" },
    },
  },
});
