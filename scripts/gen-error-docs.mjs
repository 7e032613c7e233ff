#!/usr/bin/env node
// Writes docs/errors.md from the SDK's error catalogue (SDK_ERRORS), so the table people read is the one
// the code throws from. Run `node scripts/gen-error-docs.mjs` after `npm run build` whenever a code is added
// or its text changes; scripts/gen-error-docs.test.ts fails while the file is stale.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ERRORS_DOC = join(dirname(fileURLToPath(import.meta.url)), "..", "docs", "errors.md");

/** @param {string} text */
function cell(text) {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

/**
 * The whole of docs/errors.md for a catalogue of code -> [what happened, how to fix].
 * @param {Record<string, readonly [string, string]>} catalogue
 * @returns {string}
 */
export function renderErrorDocs(catalogue) {
  const rows = Object.entries(catalogue).map(([code, [what, fix]]) => `| \`${code}\` | ${cell(what)} | ${cell(fix)} |`);
  return `# SDK error codes

<!-- Generated from sdk/core/src/errors/index.ts by scripts/gen-error-docs.mjs; do not edit by hand. -->

Every failure the SDK, the \`archnest-plugin\` CLI and the plugin verification in the host and the registry
report carries one of these stable codes. Codes are never reused or renamed, so scripts can branch on them.
\`archnest-plugin verify --json\` prints \`{"ok": false, "code": "...", "message": "..."}\`, and
\`archnest-plugin errors\` prints this table in the terminal. The CLI exits with 2 for \`SDK_ERR_USAGE\` and
with 1 for every other code.

Where each verification code is raised, in order, is described in [plugin-format.md](plugin-format.md#verification).
The host's own codes (\`HOST_ERR_*\`) are listed in [errors-host.md](errors-host.md), the registry's
(\`REG_ERR_*\`) in [errors-registry.md](errors-registry.md).

| Code | What happened | How to fix |
| --- | --- | --- |
${rows.join("\n")}
`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // The built SDK: this runs with plain node, which cannot read the TypeScript source.
  const { SDK_ERRORS } = await import("@archnest/sdk");
  writeFileSync(ERRORS_DOC, renderErrorDocs(SDK_ERRORS));
  console.log(`Wrote ${ERRORS_DOC} (${Object.keys(SDK_ERRORS).length} codes)`);
}
