// Bundles the host's process entry (dist/main.js, as tsc emitted it) into one file in place. Node resolves
// and reads every module file of an unbundled ESM graph at start (hundreds here: Hono, drizzle, zod, the
// SDK), which was most of the host's start time; one file loads in a fraction of it. The rest of dist/
// stays as tsc emitted it for those who import @archnest/host as a library. Native and optional-native
// packages stay outside the bundle, resolved from node_modules at run time.
import { chmodSync } from "node:fs";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
await build({
  entryPoints: [`${root}dist/main.js`],
  outfile: `${root}dist/main.js`,
  allowOverwrite: true,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // libsql loads a platform binary; ssh2 tries optional native crypto; ws and busboy probe optional addons.
  external: ["libsql", "@libsql/*", "ssh2", "cpu-features", "bufferutil", "utf-8-validate"],
  // CommonJS dependencies inside an ESM bundle call require() for Node's own modules.
  // The published package runs it as the `archnest-host` program.
  banner: { js: '#!/usr/bin/env node\nimport { createRequire as __archnestRequire } from "node:module";\nconst require = __archnestRequire(import.meta.url);' },
  sourcemap: true,
  legalComments: "none",
  logLevel: "warning",
});
chmodSync(`${root}dist/main.js`, 0o755);
