#!/usr/bin/env node
// The API reports of the SDK's author entries (sdk/core/api/<entry>.api.md): what a plugin author can
// import, as API Extractor prints it. `npm run api:update` rewrites them after a deliberate change;
// `npm run api:check` (and the test beside this file) fails while a report and the source disagree, so a
// change to the public surface is reviewed as one diff.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Extractor, ExtractorConfig } from "@microsoft/api-extractor";
import ts from "typescript";

const SDK_DIR = fileURLToPath(new URL("..", import.meta.url));

/** The entries authors import; the host's, registry's and CLI's subpaths (trust, license, node) are not reported. */
export const AUTHOR_ENTRIES = ["plugin", "web", "testing", "manifest", "vite"];

/** The nearest node_modules folder holding the SDK's dependencies (the workspace root's, in this repository). */
function findNodeModules() {
  for (let dir = SDK_DIR; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "node_modules", "zod"))) return join(dir, "node_modules");
    if (dirname(dir) === dir) throw new Error("no node_modules with the SDK's dependencies above sdk/core: run npm install");
  }
}

/** The declarations of src/, emitted the way `npm run build` emits them, into `outDir`. */
function emitDeclarations(outDir) {
  const configPath = join(SDK_DIR, "tsconfig.build.json");
  const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, "\n"));
  const parsed = ts.parseJsonConfigFileContent(
    config,
    ts.sys,
    SDK_DIR,
    { outDir, declarationMap: false, sourceMap: false, emitDeclarationOnly: true },
    configPath,
  );
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  const result = program.emit();
  const errors = ts
    .getPreEmitDiagnostics(program)
    .concat(result.diagnostics)
    .filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0)
    throw new Error(ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => SDK_DIR, getNewLine: () => "\n" }));
}

/**
 * Compares (or with `update`, rewrites) each author entry's report in `reportFolder`. Answers the entries
 * whose surface differs from their report, and every message API Extractor raised.
 *
 * @param {{ update?: boolean; reportFolder?: string }} [options]
 * @returns {{ changed: string[]; problems: string[] }}
 */
export function apiReports({ update = false, reportFolder = join(SDK_DIR, "api") } = {}) {
  // Outside any node_modules folder (API Extractor counts whatever sits in one as another package), with
  // the repository's dependencies linked beside it so zod, solid-js and vite resolve as in the build.
  const work = mkdtempSync(join(tmpdir(), "archnest-api-report-"));
  symlinkSync(findNodeModules(), join(work, "node_modules"), "dir");
  if (update) mkdirSync(reportFolder, { recursive: true });
  try {
    emitDeclarations(join(work, "dist"));
    copyFileSync(join(SDK_DIR, "package.json"), join(work, "package.json"));
    const changed = [];
    const problems = [];
    for (const entry of AUTHOR_ENTRIES) {
      const config = ExtractorConfig.prepare({
        configObject: {
          projectFolder: work,
          newlineKind: "lf",
          mainEntryPointFilePath: join(work, "dist", entry, "index.d.ts"),
          compiler: {
            overrideTsconfig: {
              compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2023", "DOM"], types: ["node"], strict: true, skipLibCheck: true },
            },
          },
          // A type an export uses but no entry exports (the manifest's zod schema) is printed too, so its changes show.
          apiReport: { enabled: true, reportFileName: entry, reportFolder, reportTempFolder: join(work, "temp"), includeForgottenExports: true },
          docModel: { enabled: false },
          dtsRollup: { enabled: false },
          tsdocMetadata: { enabled: false },
          messages: {
            compilerMessageReporting: { default: { logLevel: "error" } },
            extractorMessageReporting: {
              default: { logLevel: "warning", addToApiReportFile: true },
              "ae-missing-release-tag": { logLevel: "none" },
              // TSDoc coverage is reviewed in code review; the report tracks the shape of the surface.
              "ae-undocumented": { logLevel: "none" },
            },
            tsdocMessageReporting: { default: { logLevel: "none" } },
          },
        },
        configObjectFullPath: undefined,
        // The report names the files its warnings come from relative to the package folder: the work folder,
        // so they read the same on every run.
        packageJsonFullPath: join(work, "package.json"),
      });
      const result = Extractor.invoke(config, {
        localBuild: update,
        messageCallback: (message) => {
          // The report's own comparison is answered through apiReportChanged; the rest are problems.
          if (message.messageId.startsWith("console-api-report-")) message.handled = true;
          else if (message.logLevel === "error" || message.logLevel === "warning") {
            problems.push(`${entry}: ${message.text}`);
            message.handled = true;
          } else message.handled = true;
        },
      });
      if (result.apiReportChanged) changed.push(entry);
    }
    return { changed, problems };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const update = process.argv.includes("--update");
  const { changed, problems } = apiReports({ update });
  for (const p of problems) console.error(p);
  if (update) console.log(changed.length > 0 ? `Updated sdk/core/api/: ${changed.map((e) => `${e}.api.md`).join(", ")}` : "The API reports were up to date.");
  else if (changed.length > 0)
    console.error(
      `The public surface of ${changed.map((e) => `@archnest/sdk/${e}`).join(", ")} changed without its report: review the change, then run npm run api:update and commit sdk/core/api/.`,
    );
  process.exit(problems.length > 0 || (!update && changed.length > 0) ? 1 : 0);
}
