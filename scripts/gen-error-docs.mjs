#!/usr/bin/env node
// Writes docs/errors.md from the SDK's error catalogue (SdkErrors.table), so the table people read is the one
// the code throws from. Run `node scripts/gen-error-docs.mjs` after `npm run build` whenever a code is added
// or its text changes (`npx tsx --conditions archnest-source scripts/gen-error-docs.mjs` reads the source
// instead); scripts/gen-error-docs.test.ts fails while the table is stale.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ERRORS_DOC = join(dirname(fileURLToPath(import.meta.url)), "..", "docs", "errors.md");

/** @param {string} text */
function cell(text) {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

/**
 * The whole of docs/errors.md for a catalogue table (defineErrors' `table`): code -> {message, hint}.
 * @param {Record<string, {readonly message: string; readonly hint?: string | undefined}>} catalogue
 * @returns {string}
 */
export function renderErrorDocs(catalogue) {
  const table = [
    ["Code", "What happened", "How to fix"],
    ...Object.entries(catalogue).map(([code, e]) => [`\`${code}\``, cell(e.message), cell(e.hint ?? "")]),
  ];
  // Columns padded to their widest cell, as markdown formatters leave tables, so formatting the file changes nothing.
  const widths = [0, 1, 2].map((i) => Math.max(3, ...table.map((row) => (row[i] ?? "").length)));
  const line = (/** @type {string[]} */ row) => `| ${row.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  const [head, ...body] = table;
  const rows = [line(head ?? []), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...body.map(line)];
  return `# SDK error codes

<!-- Generated from sdk/core/src/errors/index.ts by scripts/gen-error-docs.mjs; do not edit by hand. -->

Every failure the SDK, the \`archnest-plugin\` CLI and the plugin verification in the host and the registry
report carries one of these stable codes. Codes are never reused or renamed, so scripts can branch on them.
The catalogue is declared with \`defineErrors("SDK_ERR", ...)\`, as every catalogue is (the host's, the
registry's, each plugin's); over HTTP a host answers these codes with 422 in the one wire shape
\`{"error": "SDK_ERR_...", "message": "...", "requestId": "..."}\`.
\`archnest-plugin verify --json\` prints \`{"ok": false, "code": "...", "message": "..."}\`, and
\`archnest-plugin errors\` prints this table in the terminal. The CLI exits with 2 for \`SDK_ERR_USAGE\` and
with 1 for every other code.

Where each verification code is raised, in order, is described in [plugin-format.md](plugin-format.md#verification).
The host's own codes (\`HOST_ERR_*\`) are listed in [errors-host.md](errors-host.md), the registry's
(\`REG_ERR_*\`) in [errors-registry.md](errors-registry.md).

${rows.join("\n")}
`;
}

/**
 * The rows of a rendered table as [code, what happened, how to fix], whatever the cell padding, so a
 * markdown formatter's spacing never makes the file look stale.
 * @param {string} markdown
 * @returns {string[][]}
 */
export function parseErrorTable(markdown) {
  return markdown
    .split("\n")
    .filter((l) => /^\|\s*`[A-Z0-9_]+`\s*\|/.test(l))
    .map((l) =>
      l
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim().replaceAll("\\|", "|"))
        .map((c, i) => (i === 0 ? c.replaceAll("`", "") : c)),
    );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // The built SDK: this runs with plain node, which cannot read the TypeScript source.
  const { SdkErrors } = await import("@archnest/sdk");
  writeFileSync(ERRORS_DOC, renderErrorDocs(SdkErrors.table));
  console.log(`Wrote ${ERRORS_DOC} (${Object.keys(SdkErrors.table).length} codes)`);
}
